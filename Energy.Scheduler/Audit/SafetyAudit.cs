using Energy.Contracts.Agents;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Audit;

/// <summary>
/// The control loop's automatic safety actions as audit entries, one per transition, not one per tick: the safe state
/// entered and left (no plan), the heat loops held off work for over-temperature changed, shedding to hold the cap
/// begun and ended, the metered import over the cap in force begun and ended. Shedding and a breach end only once they
/// have stayed off for <see cref="Settle"/>, so a site that hovers at its cap does not write an entry every second.
/// </summary>
public sealed class SafetyAudit(IAuditTrail audit)
{
    /// <summary>How long shedding or a breach must have stayed off before its end is recorded.</summary>
    public static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);

    private bool _safeState;
    private IReadOnlyList<string> _hotLoops = [];
    private Episode _shed;
    private Episode _breach;

    /// <summary>The GPUs the cap's fit took off work this tick: wanted with work, sent without.</summary>
    public static int Shed(IReadOnlyList<GpuAssignment> wanted, IReadOnlyList<GpuAssignment> sent)
    {
        ArgumentNullException.ThrowIfNull(wanted);
        ArgumentNullException.ThrowIfNull(sent);
        var working = wanted.Where(a => a.Workload is not null).Select(a => a.GpuId).ToHashSet(StringComparer.Ordinal);
        return sent.Count(a => a.Workload is null && working.Contains(a.GpuId));
    }

    /// <summary>One control tick's safety state.</summary>
    public void Observe(DateTimeOffset now, bool safeState, IReadOnlyList<string> hotLoops, int shedGpus, IReadOnlyList<string> shedWhy,
        Power? metered, Power cap, Power holdBelow)
    {
        ArgumentNullException.ThrowIfNull(hotLoops);
        ArgumentNullException.ThrowIfNull(shedWhy);
        var actor = AuditActor.Controller;
        if (safeState != _safeState)
        {
            audit.Record(actor, "safety.safeState", new { safeState = _safeState }, new { safeState },
                safeState ? "no plan covers now: GPUs held in the safe state" : "a plan covers now again: leaving the safe state");
            _safeState = safeState;
        }

        if (!hotLoops.SequenceEqual(_hotLoops, StringComparer.Ordinal))
        {
            var hot = hotLoops.Except(_hotLoops, StringComparer.Ordinal).ToList();
            var cooled = _hotLoops.Except(hotLoops, StringComparer.Ordinal).ToList();
            audit.Record(actor, "safety.overTemperature", new { hotLoops = _hotLoops }, new { hotLoops },
                string.Join("; ", [.. hot.Select(l => $"coolant too hot on {l}: its GPUs come off work"), .. cooled.Select(l => $"{l} cooled: its GPUs may work again")]));
            _hotLoops = [.. hotLoops];
        }

        var why = string.Join("; ", shedWhy);
        switch (_shed.Observe(now, shedGpus > 0))
        {
            case true:
                audit.Record(actor, "safety.shed", new { shedGpus = 0 }, new { shedGpus, holdBelowKw = holdBelow.Kilowatts }, why);
                break;
            case false:
                audit.Record(actor, "safety.shed", new { shedGpus = _shed.Peak }, new { shedGpus = 0, holdBelowKw = holdBelow.Kilowatts },
                    "the site fits under the cap again without shedding");
                break;
        }

        _shed.Track(shedGpus);
        var over = metered is { } m && m > cap;
        switch (_breach.Observe(now, over))
        {
            case true:
                audit.Record(actor, "safety.capBreach", new { overCap = false }, new { overCap = true, meteredKw = metered!.Value.Kilowatts, capKw = cap.Kilowatts },
                    "the site meter shows more import than the cap in force: work is being shed");
                break;
            case false:
                audit.Record(actor, "safety.capBreach", new { overCap = true, peakKw = _breach.Peak },
                    new { overCap = false, meteredKw = metered?.Kilowatts, capKw = cap.Kilowatts }, "the metered import is at or under the cap again");
                break;
        }

        _breach.Track(metered?.Kilowatts ?? 0);
    }

    /// <summary>Something that starts at once and ends once it has stayed off for <see cref="Settle"/>; its peak while on.</summary>
    private struct Episode
    {
        private bool _on;
        private DateTimeOffset? _offSince;

        public double Peak { get; private set; }

        /// <summary>True when it starts now, false when it ends now, null otherwise.</summary>
        public bool? Observe(DateTimeOffset now, bool on)
        {
            if (on)
            {
                _offSince = null;
                if (_on)
                {
                    return null;
                }

                (_on, Peak) = (true, 0);
                return true;
            }

            if (!_on)
            {
                return null;
            }

            _offSince ??= now;
            if (now - _offSince.Value < Settle)
            {
                return null;
            }

            (_on, _offSince) = (false, null);
            return false;
        }

        public void Track(double value)
        {
            if (_on && _offSince is null)
            {
                Peak = Math.Max(Peak, value);
            }
        }
    }
}
