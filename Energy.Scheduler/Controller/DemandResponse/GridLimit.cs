using System.Text.Json;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Telemetry.Storage;

namespace Energy.Scheduler.Controller.DemandResponse;

/// <summary>
/// The import cap in force: the contract's, lowered for the duration of an explicit curtailment
/// request (HTTP or MQTT). The lowest of overlapping requests wins; expired ones fall away by themselves.
/// Curtailments in force are kept in the data folder, so a controller restart does not forget them.
/// </summary>
public sealed class GridLimit
{
    public const string FileName = "curtailments.json";

    private readonly Site _site;
    private readonly string? _path;
    private readonly Lock _lock = new();
    private readonly List<Curtailment> _active = [];

    public GridLimit(Site site, string? dataFolder = null)
    {
        ArgumentNullException.ThrowIfNull(site);
        _site = site;
        _path = dataFolder is null ? null : Path.Combine(dataFolder, FileName);
        if (_path is not null && File.Exists(_path))
        {
            try
            {
                _active.AddRange(JsonSerializer.Deserialize<List<Stored>>(File.ReadAllText(_path))?
                    .Where(c => c.CapWatts >= 0 && double.IsFinite(c.CapWatts))
                    .Select(c => new Curtailment(c.Id, Power.FromWatts(c.CapWatts), c.From, c.Until, c.Reason)) ?? []);
            }
            catch (JsonException)
            {
                // A broken file is ignored (the contract cap applies); it is rewritten on the next change.
            }
            catch (IOException)
            {
            }
        }
    }

    public Power ContractCap => _site.Grid.ImportCap;

    public Power CapAt(DateTimeOffset now)
    {
        lock (_lock)
        {
            _active.RemoveAll(c => c.Until <= now);
            return _active.Count == 0 ? _site.Grid.ImportCap : Power.Min(_site.Grid.ImportCap, _active.Min(c => c.Cap));
        }
    }

    public IReadOnlyList<Curtailment> Active(DateTimeOffset now)
    {
        lock (_lock)
        {
            _active.RemoveAll(c => c.Until <= now);
            return [.. _active];
        }
    }

    /// <summary>Adds (or replaces, by id) a curtailment: the site stays at or below <paramref name="cap"/> until <paramref name="until"/>.</summary>
    public void Curtail(string id, Power cap, DateTimeOffset from, DateTimeOffset until, string? reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        lock (_lock)
        {
            _active.RemoveAll(c => c.Id == id);
            _active.Add(new Curtailment(id, cap, from, until, reason));
            Save();
        }
    }

    public bool Cancel(string id)
    {
        lock (_lock)
        {
            var removed = _active.RemoveAll(c => c.Id == id) > 0;
            Save();
            return removed;
        }
    }

    private void Save()
    {
        if (_path is null)
        {
            return;
        }

        try
        {
            var stored = JsonSerializer.Serialize(_active.Select(c => new Stored(c.Id, c.Cap.Watts, c.From, c.Until, c.Reason)).ToList());
            AtomicFile.Write(_path, writer => writer.Write(stored));
        }
        catch (IOException)
        {
            // Kept in memory; only a restart would forget it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private sealed record Stored(string Id, double CapWatts, DateTimeOffset From, DateTimeOffset Until, string? Reason);
}

/// <summary>One curtailment in force: the cap, when it was asked for, until when, why.</summary>
public sealed record Curtailment(string Id, Power Cap, DateTimeOffset From, DateTimeOffset Until, string? Reason);
