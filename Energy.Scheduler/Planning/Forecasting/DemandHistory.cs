using Energy.Contracts.Sites;
using Energy.Contracts.Time;
using Energy.Telemetry.Signals;

namespace Energy.Scheduler.Planning.Forecasting;

/// <summary>
/// What demand really was, per 15-minute slot, for the last 15 days: for each signal it keeps (each
/// loop's heat demand, the outdoor temperature, each tenant's GPU demand) the mean of the Good samples
/// taken in the slot. A slot with under half its samples Good stays unknown. The forecaster learns from
/// it and the forecast errors are judged against it; <see cref="DemandHistoryStore"/> keeps it across restarts.
/// </summary>
public sealed class DemandHistory
{
    public static readonly TimeSpan SlotLength = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan Kept = TimeSpan.FromDays(15);

    private readonly Lock _gate = new();
    private readonly string[] _signals;
    private readonly Dictionary<string, Dictionary<DateTimeOffset, double>> _means;
    private readonly double[] _sum;
    private readonly int[] _good;
    private DateTimeOffset? _open;

    public DemandHistory(IEnumerable<string> signals, TimeSpan samplePeriod)
    {
        ArgumentNullException.ThrowIfNull(signals);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(samplePeriod, TimeSpan.Zero);
        _signals = signals.Distinct(StringComparer.Ordinal).ToArray();
        _means = _signals.ToDictionary(s => s, _ => new Dictionary<DateTimeOffset, double>(), StringComparer.Ordinal);
        _sum = new double[_signals.Length];
        _good = new int[_signals.Length];
        MinGoodSamples = Math.Max(1, (int)Math.Ceiling(SlotLength / samplePeriod / 2));
    }

    /// <summary>The signals a site's history keeps: heat demand per loop, the outdoor temperature, tenant demand per inference workload.</summary>
    public static IReadOnlyList<string> SignalsOf(Site site)
    {
        ArgumentNullException.ThrowIfNull(site);
        return [.. site.HeatLoops.Select(l => SignalNames.HeatDemandKw(l.Name)), SignalNames.OutdoorTemperatureC,
            .. site.Workloads.OfType<InferenceWorkload>().Select(w => SignalNames.TenantDemandGpus(w.Name))];
    }

    public IReadOnlyList<string> Signals => _signals;

    /// <summary>Good samples a slot needs to be known: half of those the sample period allows.</summary>
    public int MinGoodSamples { get; }

    /// <summary>Slots known, all signals together.</summary>
    public int KnownSlots
    {
        get
        {
            lock (_gate)
            {
                return _means.Values.Sum(m => m.Count);
            }
        }
    }

    /// <summary>
    /// One sample of every signal at <paramref name="at"/> (<paramref name="goodValue"/>: the value when Good
    /// and fresh, else null). Returns the start of the slot it closed when it is the first sample of a new slot.
    /// </summary>
    public DateTimeOffset? Sample(DateTimeOffset at, Func<string, double?> goodValue)
    {
        ArgumentNullException.ThrowIfNull(goodValue);
        var slot = MarketCalendar.SlotStart(at, SlotLength);
        lock (_gate)
        {
            DateTimeOffset? closed = null;
            if (_open is { } open && slot < open)
            {
                return null;   // the clock stepped back: the slot under way is not mixed with an earlier one
            }

            if (_open is { } ended && slot > ended)
            {
                Close(ended);
                Prune(slot);
                closed = ended;
            }

            _open = slot;
            for (var i = 0; i < _signals.Length; i++)
            {
                if (goodValue(_signals[i]) is { } v && double.IsFinite(v))
                {
                    _sum[i] += v;
                    _good[i]++;
                }
            }

            return closed;
        }
    }

    /// <summary>The mean of a completed slot, or null when unknown.</summary>
    public double? Mean(string signal, DateTimeOffset slotStart)
    {
        lock (_gate)
        {
            return _means.TryGetValue(signal, out var means) && means.TryGetValue(slotStart, out var v) ? v : null;
        }
    }

    /// <summary><paramref name="count"/> consecutive slots of one signal from <paramref name="from"/>; NaN where unknown.</summary>
    public double[] Window(string signal, DateTimeOffset from, int count)
    {
        var values = new double[count];
        Array.Fill(values, double.NaN);
        lock (_gate)
        {
            if (_means.TryGetValue(signal, out var means))
            {
                for (var k = 0; k < count; k++)
                {
                    if (means.TryGetValue(from + (SlotLength * k), out var v))
                    {
                        values[k] = v;
                    }
                }
            }
        }

        return values;
    }

    /// <summary>Every known slot, oldest first: (slot start, signal, mean).</summary>
    public IReadOnlyList<(DateTimeOffset Start, string Signal, double Mean)> Known()
    {
        lock (_gate)
        {
            return _means.SelectMany(m => m.Value.Select(v => (Start: v.Key, Signal: m.Key, Mean: v.Value))).OrderBy(v => v.Start).ToList();
        }
    }

    /// <summary>Sets a completed slot's mean (a stored history read back); ignored for a signal not kept or a slot older than 15 days.</summary>
    public void Restore(string signal, DateTimeOffset slotStart, double mean, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_means.TryGetValue(signal, out var means) && double.IsFinite(mean) && slotStart >= MarketCalendar.SlotStart(now, SlotLength) - Kept)
            {
                means[slotStart] = mean;
            }
        }
    }

    private void Close(DateTimeOffset slot)
    {
        for (var i = 0; i < _signals.Length; i++)
        {
            if (_good[i] >= MinGoodSamples)
            {
                _means[_signals[i]][slot] = _sum[i] / _good[i];
            }

            _sum[i] = 0;
            _good[i] = 0;
        }
    }

    private void Prune(DateTimeOffset current)
    {
        var oldest = current - Kept;
        foreach (var means in _means.Values)
        {
            foreach (var old in means.Keys.Where(k => k < oldest).ToList())
            {
                means.Remove(old);
            }
        }
    }
}
