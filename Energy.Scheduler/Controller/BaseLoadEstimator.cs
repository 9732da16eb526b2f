using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Controller;

/// <summary>
/// What the site draws that HeatGrid does not control (pumps, chillers, lights, a tenant's CPUs),
/// measured: the site meter's import minus what HeatGrid's GPUs drew at the same instant (their
/// reported power with cooling, <see cref="SiteLoad"/>). The estimate rises at once when the meter
/// shows more and falls slowly (time constant <see cref="FallTimeConstant"/>), so that the cap is held
/// against the load as it is, never against a hopeful average. A meter that is Bad, stale or silent
/// makes it assume the worst estimate of the last <see cref="WorstWindow"/> plus the meter's loss
/// margin, and say so. Without a meter the site file's base load is all there is. Pure: the control
/// loop feeds it, once a tick; not thread-safe.
/// </summary>
/// <remarks>
/// A reading is compared with HeatGrid's draw at the reading's instant. It falls between two control
/// ticks; where the GPUs' draw changed between them (a shed, a ramp), the reading can only prove that the
/// base load is at least the meter minus the higher of the two, so only that may raise the estimate, and
/// nothing lowers it.
/// </remarks>
public sealed class BaseLoadEstimator
{
    public static readonly TimeSpan FallTimeConstant = TimeSpan.FromSeconds(60);

    public static readonly TimeSpan WorstWindow = TimeSpan.FromMinutes(15);

    private const int ControlledHistory = 32;

    /// <summary>HeatGrid's draw counts as steady between two ticks when it moved by less than this share of the contract cap.</summary>
    private const double SteadyShare = 0.005;

    private readonly GridConnection _grid;
    private readonly Queue<(DateTimeOffset At, double Watts)> _controlled = new();
    private readonly LinkedList<(DateTimeOffset At, double Watts)> _estimates = new();
    private DateTimeOffset _lastSampleAt = DateTimeOffset.MinValue;
    private double? _estimateW;

    public BaseLoadEstimator(GridConnection grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        _grid = grid;
    }

    public GridMeter? Meter => _grid.Meter;

    /// <summary>Notes what HeatGrid's GPUs drew from the grid at <paramref name="at"/>, cooling included.</summary>
    public void RecordControlled(DateTimeOffset at, Power controlled)
    {
        if (_controlled.Count > 0 && _controlled.Last().At >= at)
        {
            return;
        }

        _controlled.Enqueue((at, controlled.Watts));
        while (_controlled.Count > ControlledHistory)
        {
            _controlled.Dequeue();
        }
    }

    /// <summary>The base load to hold the cap with at <paramref name="now"/>, given the meter's latest reading (null: none yet).</summary>
    public BaseLoadState Update(DateTimeOffset now, Reading? meter)
    {
        if (_grid.Meter is not { } config)
        {
            return new BaseLoadState(_grid.BaseLoad, CapBasis.Model, null, null, null);
        }

        var problem = meter switch
        {
            null => "has not reported yet",
            { IsGood: false } => $"is bad ({meter.Reason ?? meter.Quality.ToString()})",
            _ when now - meter.Timestamp > config.StaleAfter =>
                $"is stale (last value {(now - meter.Timestamp).TotalSeconds:0} s ago, limit {config.StaleAfter.TotalSeconds:0.#} s)",
            _ => null,
        };
        Prune(now);
        if (problem is not null)
        {
            var worst = _estimates.Count > 0 ? _estimates.Max(e => e.Watts) : _estimateW ?? _grid.BaseLoad.Watts;
            var margin = _grid.ImportCap.Watts * config.LossMargin;
            return new BaseLoadState(Power.FromWatts(worst + margin), CapBasis.MeterLost, null, null,
                $"site meter {config.Signal} {problem}: the cap is held against the worst base load of the last "
                + $"{WorstWindow.TotalMinutes:0} min, {worst / 1000:0.#} kW, plus {margin / 1000:0.#} kW");
        }

        if (meter!.Timestamp > _lastSampleAt)
        {
            Sample(meter.Timestamp, meter.Value * 1000);
        }

        var estimate = _estimateW ?? _grid.BaseLoad.Watts;
        return new BaseLoadState(Power.FromWatts(estimate), CapBasis.Meter, Power.FromKilowatts(meter.Value), meter.Timestamp, null);
    }

    private void Sample(DateTimeOffset at, double meteredW)
    {
        if (Controlled(at) is not { } controlled)
        {
            return;
        }

        var sample = meteredW - controlled.Watts;
        if (_estimateW is not { } estimate || sample >= estimate)
        {
            _estimateW = sample;
        }
        else if (controlled.Steady)
        {
            var dt = (at - _lastSampleAt).TotalSeconds;
            _estimateW = estimate + ((sample - estimate) * (1 - Math.Exp(-Math.Max(0, dt) / FallTimeConstant.TotalSeconds)));
        }

        _lastSampleAt = at;
        _estimates.AddLast((at, _estimateW!.Value));
    }

    /// <summary>HeatGrid's draw at <paramref name="at"/> and whether it was steady then (else the higher of the ticks around it).</summary>
    private (double Watts, bool Steady)? Controlled(DateTimeOffset at)
    {
        (DateTimeOffset At, double Watts)? before = null, after = null;
        foreach (var c in _controlled)
        {
            if (c.At <= at)
            {
                before = c;
            }
            else
            {
                after = c;
                break;
            }
        }

        if (before is { } b && (b.At == at || after is null))
        {
            return (b.Watts, true);
        }

        if (before is null)
        {
            return after is { } a ? (a.Watts, true) : null;
        }

        var (w1, w2) = (before.Value.Watts, after!.Value.Watts);
        if (Math.Abs(w2 - w1) <= SteadyShare * _grid.ImportCap.Watts)
        {
            var f = (at - before.Value.At) / (after.Value.At - before.Value.At);
            return (w1 + ((w2 - w1) * f), true);
        }

        return (Math.Max(w1, w2), false);
    }

    private void Prune(DateTimeOffset now)
    {
        while (_estimates.First is { } first && now - first.Value.At > WorstWindow)
        {
            _estimates.RemoveFirst();
        }
    }
}

/// <summary>The base load the cap is held with, and what it rests on.</summary>
/// <param name="Metered">The meter's import, when it is good and current.</param>
/// <param name="Problem">Why the meter cannot be used now (bad, stale, silent), in words; null when it can or there is none.</param>
public sealed record BaseLoadState(Power BaseLoad, CapBasis Basis, Power? Metered, DateTimeOffset? MeteredAt, string? Problem);

/// <summary>What the grid cap is held against.</summary>
public enum CapBasis
{
    /// <summary>No site meter: HeatGrid's model with the site file's base load.</summary>
    Model,

    /// <summary>The site meter: base load estimated from metered import.</summary>
    Meter,

    /// <summary>The site meter is bad or stale: the worst recent base load plus a margin.</summary>
    MeterLost,
}
