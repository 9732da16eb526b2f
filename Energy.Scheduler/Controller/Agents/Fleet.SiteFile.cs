using Energy.Contracts.Agents.Protocol;

namespace Energy.Scheduler.Controller.Agents;

/// <summary>The fleet's check of what agents say against the site file, and the alarms it raises.</summary>
public sealed partial class Fleet
{
    /// <summary>Why a heartbeat does not fit the site file by itself, or null.</summary>
    private string? Refusal(AgentHeartbeat heartbeat)
    {
        if (string.IsNullOrWhiteSpace(heartbeat.Node) || heartbeat.Node.Length > 200 || heartbeat.Node.AsSpan().IndexOfAny("+#/ ") >= 0)
        {
            return "not a node name";
        }

        if (heartbeat.Gpus.Count > _site.TotalGpus)
        {
            return $"it offers {heartbeat.Gpus.Count} GPUs, the site file has {_site.TotalGpus}";
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var g in heartbeat.Gpus)
        {
            if (!seen.Add(g.Gpu))
            {
                return $"GPU {Short(g.Gpu)} is listed twice";
            }

            if (!_load.Knows(g.Pool))
            {
                Log.AgentUnknownPools(_logger, Short(heartbeat.Node), Short(g.Pool));
                return $"GPU {Short(g.Gpu)} is in pool '{Short(g.Pool)}', which the site file does not have";
            }

            var range = _load.Pool(g.Pool).Range;
            if (!(double.IsFinite(g.MinW) && double.IsFinite(g.IdleW) && double.IsFinite(g.MaxW)
                && g.MinW >= range.Min.Watts - RangeToleranceW && g.MaxW <= range.Max.Watts + RangeToleranceW
                && g.MinW <= g.MaxW && g.IdleW >= 0 && g.IdleW <= g.MaxW))
            {
                return $"GPU {Short(g.Gpu)} claims {g.MinW:0.#}–{g.MaxW:0.#} W (idle {g.IdleW:0.#} W), outside pool {g.Pool}'s {range.Min.Watts:0.#}–{range.Max.Watts:0.#} W";
            }
        }

        foreach (var pool in heartbeat.Gpus.GroupBy(g => g.Pool, StringComparer.Ordinal))
        {
            var count = _load.Pool(pool.Key).Count;
            if (pool.Count() > count)
            {
                return $"it offers {pool.Count()} GPUs of pool {pool.Key}, which has {count}";
            }
        }

        foreach (var other in _agents.Values)
        {
            if (other.Node != heartbeat.Node && heartbeat.Gpus.FirstOrDefault(g => other.Inventory.ContainsKey(g.Gpu)) is { } taken)
            {
                return $"GPU {Short(taken.Gpu)} is held by agent {other.Node}";
            }
        }

        return null;
    }

    /// <summary>
    /// The GPUs of a heartbeat that fit in their pools beside every other agent's (agents offline long enough
    /// give up their place first); the excess is refused and alarmed. Known GPUs of this agent keep their place.
    /// </summary>
    private List<GpuInventoryItem> Fit(AgentEntry agent, AgentHeartbeat heartbeat, DateTimeOffset at)
    {
        var taken = new List<GpuInventoryItem>(heartbeat.Gpus.Count);
        var excess = 0;
        var forgotten = false;
        foreach (var pool in heartbeat.Gpus.GroupBy(g => g.Pool, StringComparer.Ordinal))
        {
            int Free() => _load.Pool(pool.Key).Count - _agents.Values.Where(a => a != agent).Sum(a => a.Inventory.Values.Count(g => g.Pool == pool.Key));
            var free = Free();
            if (free < pool.Count() && !forgotten)
            {
                forgotten = true;
                Forget(at, agent);
                free = Free();
            }

            var ordered = pool.OrderBy(g => agent.Inventory.ContainsKey(g.Gpu) ? 0 : 1).ThenBy(g => g.Gpu, StringComparer.Ordinal).ToList();
            taken.AddRange(ordered.Take(Math.Max(0, free)));
            excess += Math.Max(0, ordered.Count - Math.Max(0, free));
        }

        if (excess > 0)
        {
            Alarm("agents.heartbeatExcess", $"agent {heartbeat.Node} offers {excess} GPU(s) more than its pools have left beside the other agents' "
                + "(site file counts); those are refused and get no work");
        }

        return taken;
    }

    /// <summary>Drops agents offline and unheard for <see cref="ForgetAfter"/>, whose batches have all run out. Returns whether any was.</summary>
    private bool Forget(DateTimeOffset now, AgentEntry? keep)
    {
        var gone = _agents.Values.Where(a => a != keep && !Online(a, now) && now - a.LastHeard >= ForgetAfter
            && a.Pending.Count == 0 && (a.Acked is null || a.Acked.ValidUntil + ClockMargin <= now)).Select(a => a.Node).ToList();
        foreach (var node in gone)
        {
            _agents.Remove(node);
            Log.AgentForgotten(_logger, node, ForgetAfter.TotalMinutes);
        }

        return gone.Count > 0;
    }

    /// <summary>
    /// A report of an agent no accepted heartbeat introduced: ignored (so invented names take no memory). Alarmed
    /// once the controller has run a little: just after its start a report may overtake the retained heartbeat.
    /// </summary>
    private void Unknown(string what, string node, DateTimeOffset at)
    {
        if (_startedAt == DateTimeOffset.MinValue || at - _startedAt > UnknownGrace)
        {
            Alarm("agents.unknown", $"{what} of agent '{Short(node)}' ignored: no heartbeat of it was accepted");
        }
    }

    private void Alarm(string key, string message)
    {
        if (_alarms is not null)
        {
            _alarms.Raise(key, message);
        }
        else
        {
            Log.FleetRefused(_logger, key, message);
        }
    }

    /// <summary>Text from a message, cut short for logs and alarms: a hostile one may be long.</summary>
    private static string Short(string? text) => Short(text, 64);

    private static string Short(string? text, int length) =>
        text is null ? "" : text.Length <= length ? text : string.Concat(text.AsSpan(0, length), "…");
}
