using System.Text.Json;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Plant;

/// <summary>
/// The demo meters' energy registers (site import, each loop's heat), kept in the data folder like a real meter keeps
/// them through a power cut: saved every <see cref="SaveEvery"/> and at stop, read back at start, so that a restarted
/// demo's registers go on from where they were. A kill loses at most the last few seconds: a register that simply
/// advanced less, never one that goes back.
/// </summary>
public sealed class DemoMeterRegisters
{
    public const string FileName = "demo-meters.json";

    public static readonly TimeSpan SaveEvery = TimeSpan.FromSeconds(5);

    private readonly string? _path;
    private readonly ILogger _logger;
    private DateTimeOffset _savedAt = DateTimeOffset.MinValue;
    private bool _failing;

    /// <summary>Registers in <paramref name="dataFolder"/>; null keeps none (the demo's registers then count from 0 each run).</summary>
    public DemoMeterRegisters(string? dataFolder, ILogger? logger = null)
    {
        _path = dataFolder is null ? null : Path.Combine(dataFolder, FileName);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The registers saved last; empty where none were (or the file cannot be used, which is logged).</summary>
    public Dictionary<string, double> Load()
    {
        var registers = new Dictionary<string, double>(StringComparer.Ordinal);
        if (_path is null)
        {
            return registers;
        }

        var read = StateFile.Read(_path);
        if (read.Status == StateFileStatus.Missing)
        {
            return registers;
        }

        try
        {
            if (read.Status is StateFileStatus.Good or StateFileStatus.Unchecked
                && JsonSerializer.Deserialize<Dictionary<string, double>>(read.Body!) is { } saved)
            {
                foreach (var (name, kwh) in saved.Where(kv => double.IsFinite(kv.Value) && kv.Value >= 0))
                {
                    registers[name] = kwh;
                }

                return registers;
            }

            Log.DemoRegistersUnreadable(_logger, _path, read.Problem ?? "empty");
        }
        catch (JsonException e)
        {
            Log.DemoRegistersUnreadable(_logger, _path, e.Message);
        }

        return registers;
    }

    /// <summary>Saves when <see cref="SaveEvery"/> has passed since the last save, or at once with <paramref name="force"/>; true when it saved now (always without a folder):
    /// the registers may then show these values, which no restart takes back.</summary>
    public bool Save(IReadOnlyDictionary<string, double> registers, DateTimeOffset now, bool force = false)
    {
        ArgumentNullException.ThrowIfNull(registers);
        if (_path is null)
        {
            return true;
        }

        if (!force && now - _savedAt < SaveEvery)
        {
            return false;
        }

        try
        {
            // Unrounded (JSON round-trips a double): the registers show exactly what was saved, so a restart never takes a reading back.
            StateFile.Write(_path, JsonSerializer.Serialize(registers.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)));
            (_savedAt, _failing) = (now, false);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!_failing)
            {
                Log.DemoRegistersNotSaved(_logger, _path, e.Message);
            }

            _failing = true;
            return false;
        }
    }
}
