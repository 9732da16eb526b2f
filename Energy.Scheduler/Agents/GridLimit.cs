using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Agents;

/// <summary>
/// The import cap in force: the contract's, lowered for the duration of an explicit curtailment
/// request (HTTP or MQTT). The lowest of overlapping requests wins; expired ones fall away by themselves.
/// </summary>
public sealed class GridLimit(Site site)
{
    private readonly Lock _lock = new();
    private readonly List<Curtailment> _active = [];

    public Power ContractCap => site.Grid.ImportCap;

    public Power CapAt(DateTimeOffset now)
    {
        lock (_lock)
        {
            _active.RemoveAll(c => c.Until <= now);
            return _active.Count == 0 ? site.Grid.ImportCap : Power.Min(site.Grid.ImportCap, _active.Min(c => c.Cap));
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
        }
    }

    public bool Cancel(string id)
    {
        lock (_lock)
        {
            return _active.RemoveAll(c => c.Id == id) > 0;
        }
    }
}

/// <summary>One curtailment in force: the cap, when it was asked for, until when, why.</summary>
public sealed record Curtailment(string Id, Power Cap, DateTimeOffset From, DateTimeOffset Until, string? Reason);
