using Energy.Contracts.Devices;
using Energy.Contracts.Readings;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.Modbus.Polling;

/// <summary>
/// Polls one device: its points grouped into few reads, decoded and validated into readings. A device
/// that fails is polled less often (its period doubled per failure, up to a minute) and, having its
/// own loop, never delays the others. Its state is logged once per change, not every poll.
/// </summary>
public sealed class DevicePoller
{
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);

    private readonly ModbusDevice _device;
    private readonly IModbusReader _reader;
    private readonly Action<Reading> _publish;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<ReadBlock> _blocks;
    private readonly Dictionary<ModbusPoint, PointState> _states;
    private readonly RegisterImage _image = new();
    private readonly string _source;
    private long _polls;
    private long _failed;
    private int _consecutive;
    private string? _lastError;
    private DateTimeOffset? _lastGood;

    public DevicePoller(ModbusDevice device, IModbusReader reader, Action<Reading> publish, TimeProvider time, ILogger logger)
    {
        _device = device ?? throw new ArgumentNullException(nameof(device));
        _reader = reader;
        _publish = publish;
        _time = time;
        _logger = logger;
        _blocks = ReadPlanner.Plan(device.Points);
        _states = device.Points.ToDictionary(p => p, _ => new PointState(), (IEqualityComparer<ModbusPoint>)ReferenceEqualityComparer.Instance);
        _source = "modbus:" + device.Name;
    }

    public ModbusDevice Device => _device;

    public int Requests => _blocks.Count;

    public DeviceHealth Health => new(_device.Name, Interlocked.Read(ref _polls), Interlocked.Read(ref _failed), _consecutive, _lastError, _lastGood);

    /// <summary>How long to wait before the next poll: the period, stretched while the device keeps failing.</summary>
    public TimeSpan NextDelay => _consecutive == 0
        ? _device.PollPeriod
        : TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, _device.PollPeriod.Ticks << Math.Min(_consecutive, 16)));

    /// <summary>Polls after each delay until stopped (the first poll is the caller's: see <see cref="PollOnceAsync"/>).</summary>
    public async Task RunAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(NextDelay, _time, stoppingToken);
                await PollOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Loop boundary: whatever else broke (a bug, a disposed socket), this device's loop goes on.
                Log.DevicePollFailed(_logger, _device.Name, e);
            }
        }
    }

    /// <summary>One poll: every block read, every point published (Good, Uncertain or Bad with a reason).</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _polls);
        _image.Clear();
        var failures = new Dictionary<ModbusPoint, string>(ReferenceEqualityComparer.Instance);
        string? deviceError = null;
        foreach (var block in _blocks)
        {
            if (deviceError is not null)
            {
                Fail(block, deviceError, failures);
                continue;
            }

            try
            {
                if (block.Table is ModbusTable.Coil or ModbusTable.DiscreteInput)
                {
                    _image.SetBits(block.Table, block.Address, await _reader.ReadBitsAsync(block.Table, _device.UnitId, block.Address, block.Count, cancellationToken));
                }
                else
                {
                    _image.SetRegisters(block.Table, block.Address, await _reader.ReadRegistersAsync(block.Table, _device.UnitId, block.Address, block.Count, cancellationToken));
                }
            }
            catch (ModbusDeviceException e)
            {
                // The device answered, but not this block (a wrong map entry): the rest of the poll goes on.
                Fail(block, "device exception: " + e.Message, failures);
            }
            catch (ModbusException e)
            {
                // Timeout, lost connection or a garbled frame: the device is unreachable for this poll.
                deviceError = Describe(e);
                Fail(block, deviceError, failures);
            }
        }

        var now = _time.GetUtcNow();
        foreach (var point in _device.Points)
        {
            _publish(failures.TryGetValue(point, out var reason)
                ? PointDecoder.Bad(point, _source, now, reason)
                : PointDecoder.Decode(point, _source, now, _image, _states[point]));
        }

        Record(deviceError ?? failures.Values.FirstOrDefault(), now);
    }

    private static void Fail(ReadBlock block, string reason, Dictionary<ModbusPoint, string> failures)
    {
        foreach (var point in block.Points)
        {
            failures[point] = reason;
        }
    }

    private static string Describe(ModbusException e) => e switch
    {
        ModbusTimeoutException => "timeout: " + e.Message,
        ModbusConnectionException => "connection: " + e.Message,
        ModbusProtocolException => "protocol error: " + e.Message,
        _ => e.Message,
    };

    private void Record(string? error, DateTimeOffset now)
    {
        var wasHealthy = _consecutive == 0;
        if (error is null)
        {
            _consecutive = 0;
            _lastGood = now;
            if (!wasHealthy)
            {
                Log.DeviceRecovered(_logger, _device.Name, _device.Endpoint, _device.UnitId);
            }
        }
        else
        {
            Interlocked.Increment(ref _failed);
            _consecutive++;
            if (wasHealthy)
            {
                Log.DeviceDegraded(_logger, _device.Name, _device.Endpoint, _device.UnitId, error);
            }
        }

        _lastError = error;
    }
}
