using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.Modbus;

/// <summary>
/// Modbus TCP client for one connection (one device or one RTU gateway). Requests are serialised
/// per connection: an RTU gateway works one serial transaction at a time, and with one request
/// outstanding every reply is unambiguous. Connects lazily; after a failure, reconnects no sooner
/// than a capped exponential backoff allows, and fails fast while waiting.
/// </summary>
public sealed class ModbusTcpClient : IAsyncDisposable, Polling.IModbusReader
{
    // Two requests in a row without a reply: the link is probably half-open; a fresh one is cheap.
    private const int TimeoutsBeforeReconnect = 2;

    private readonly ModbusClientOptions _options;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ModbusLink _link;
    private readonly string _endpoint;
    private volatile bool _disposed;
    private ushort _transactionId;

    public ModbusTcpClient(ModbusClientOptions options, TimeProvider time, ILogger<ModbusTcpClient> logger)
        : this(options, time, logger, ct => ModbusLink.ConnectTcpAsync(options?.Endpoint!, ct))
    {
    }

    /// <summary>Test seam: <paramref name="connect"/> returns a connected duplex stream; production uses TCP.</summary>
    public ModbusTcpClient(ModbusClientOptions options, TimeProvider time, ILogger<ModbusTcpClient> logger, Func<CancellationToken, ValueTask<Stream>> connect)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(connect);
        options.Validate();
        _options = options;
        _link = new ModbusLink(options, time, logger, connect);
        _endpoint = options.Endpoint.ToString();
    }

    public ModbusEndpoint Endpoint => _options.Endpoint;

    public bool IsConnected => _link.IsConnected;

    public ValueTask<bool[]> ReadCoilsAsync(byte unit, ushort address, int count, CancellationToken ct) =>
        ReadBitsAsync(ModbusTable.Coil, unit, address, count, ct);

    public ValueTask<bool[]> ReadDiscreteInputsAsync(byte unit, ushort address, int count, CancellationToken ct) =>
        ReadBitsAsync(ModbusTable.DiscreteInput, unit, address, count, ct);

    public ValueTask<ushort[]> ReadHoldingRegistersAsync(byte unit, ushort address, int count, CancellationToken ct) =>
        ReadRegistersAsync(ModbusTable.HoldingRegister, unit, address, count, ct);

    public ValueTask<ushort[]> ReadInputRegistersAsync(byte unit, ushort address, int count, CancellationToken ct) =>
        ReadRegistersAsync(ModbusTable.InputRegister, unit, address, count, ct);

    /// <summary>
    /// Holding or input registers. More than 125 (spec §6.3) are read as several requests of at most
    /// 125 each and concatenated; a value that straddles two requests may then mix two instants.
    /// </summary>
    public async ValueTask<ushort[]> ReadRegistersAsync(ModbusTable table, byte unit, ushort address, int count, CancellationToken ct)
    {
        if (table is not (ModbusTable.HoldingRegister or ModbusTable.InputRegister))
        {
            throw new ArgumentException($"{table} holds bits: use {nameof(ReadBitsAsync)}.", nameof(table));
        }

        CheckRange(address, count);
        var function = ModbusFunction.ForReading(table);
        var registers = new ushort[count];
        for (var done = 0; done < count; done += ModbusFrame.MaxReadRegisters)
        {
            var into = registers.AsMemory(done, Math.Min(count - done, ModbusFrame.MaxReadRegisters));
            await ExecuteAsync(unit, ModbusRequest.ReadRegisters(function, (ushort)(address + done), into), ct);
        }

        return registers;
    }

    /// <summary>Coils or discrete inputs; more than 2000 (spec §6.1) are read as several requests.</summary>
    public async ValueTask<bool[]> ReadBitsAsync(ModbusTable table, byte unit, ushort address, int count, CancellationToken ct)
    {
        if (table is not (ModbusTable.Coil or ModbusTable.DiscreteInput))
        {
            throw new ArgumentException($"{table} holds registers: use {nameof(ReadRegistersAsync)}.", nameof(table));
        }

        CheckRange(address, count);
        var function = ModbusFunction.ForReading(table);
        var bits = new bool[count];
        for (var done = 0; done < count; done += ModbusFrame.MaxReadBits)
        {
            var into = bits.AsMemory(done, Math.Min(count - done, ModbusFrame.MaxReadBits));
            await ExecuteAsync(unit, ModbusRequest.ReadBits(function, (ushort)(address + done), into), ct);
        }

        return bits;
    }

    public ValueTask WriteSingleCoilAsync(byte unit, ushort address, bool value, CancellationToken ct) =>
        ExecuteAsync(unit, ModbusRequest.WriteSingle(ModbusFunction.WriteSingleCoil, address, value ? ModbusFrame.CoilOn : (ushort)0), ct);

    public ValueTask WriteSingleRegisterAsync(byte unit, ushort address, ushort value, CancellationToken ct) =>
        ExecuteAsync(unit, ModbusRequest.WriteSingle(ModbusFunction.WriteSingleRegister, address, value), ct);

    /// <summary>FC 15 with 1..1968 coils. Writes are never split: a setpoint block lands whole or not at all.</summary>
    public ValueTask WriteMultipleCoilsAsync(byte unit, ushort address, IReadOnlyList<bool> values, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckRange(address, values.Count, ModbusFrame.MaxWriteCoils);
        return ExecuteAsync(unit, ModbusRequest.WriteCoils(address, values), ct);
    }

    /// <summary>FC 16 with 1..123 registers, never split (see <see cref="WriteMultipleCoilsAsync"/>).</summary>
    public ValueTask WriteMultipleRegistersAsync(byte unit, ushort address, IReadOnlyList<ushort> values, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckRange(address, values.Count, ModbusFrame.MaxWriteRegisters);
        return ExecuteAsync(unit, ModbusRequest.WriteRegisters(address, values), ct);
    }

    /// <summary>Waits for a request in flight (bounded by its timeout), then closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            await _link.CloseAsync();
        }
        finally
        {
            _gate.Release();
        }
    }

    private static void CheckRange(ushort address, int count, int maxCount = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, maxCount);
        if (address + count > 65536)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, $"Address {address} + count {count} passes the end of the 65536-entry Modbus table.");
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ExecuteAsync(byte unit, ModbusRequest request, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var connection = await _link.ConnectionAsync(ct);
            _transactionId = unchecked((ushort)(_transactionId + 1));
            var pduLength = request.WritePdu(connection.RequestPdu);
            var reply = await ExchangeAsync(connection, unit, pduLength, ct);
            if (request.CheckReply(reply.Span, unit, out var exception) is { } problem)
            {
                throw await MalformedAsync(unit, request.Function, problem, null);
            }

            // Any well-formed reply, an exception response included, proves the link works.
            _link.Succeeded();
            if (exception is { } code)
            {
                throw new ModbusDeviceException(request.Function, code, $"{_endpoint} unit {unit}");
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ReadOnlyMemory<byte>> ExchangeAsync(ModbusConnection connection, byte unit, int pduLength, CancellationToken ct)
    {
        var function = connection.RequestPdu[0];
        try
        {
            return await connection.ExchangeAsync(_transactionId, unit, pduLength, _options.RequestTimeout, ct);
        }
        catch (TimeoutException)
        {
            // Otherwise the connection stays: a late reply is dropped by its transaction id, and an
            // RTU gateway's other units keep being served while one of them is silent.
            if (connection.Desynchronised)
            {
                await _link.DropAsync("a request timed out while being written", backoff: false);
            }
            else if (connection.TimeoutsInRow >= TimeoutsBeforeReconnect)
            {
                await _link.DropAsync($"{connection.TimeoutsInRow} requests in a row got no reply", backoff: false);
            }

            throw new ModbusTimeoutException(_options.Endpoint, unit, _options.RequestTimeout);
        }
        catch (OperationCanceledException) when (connection.Desynchronised)
        {
            await _link.DropAsync("a request was cancelled while being written", backoff: false);
            throw;
        }
        catch (ModbusProtocolException e)
        {
            throw await MalformedAsync(unit, function, e.Message, e);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            await _link.DropAsync(e.Message, backoff: true);
            throw new ModbusConnectionException($"connection to {_endpoint} lost: {e.Message}", e);
        }
    }

    private async ValueTask<ModbusProtocolException> MalformedAsync(byte unit, byte function, string problem, Exception? inner)
    {
        var message = $"malformed reply from {_endpoint} unit {unit} to function {function:D2}: {problem}";
        await _link.DropAsync(message, backoff: true);
        return new ModbusProtocolException($"{message}; connection closed", inner);
    }
}
