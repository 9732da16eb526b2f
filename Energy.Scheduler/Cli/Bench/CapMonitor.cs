using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>
/// The site's commanded grid power (what every agent commands for its GPUs, plus cooling and base load)
/// against the cap: each observation of the agents' sum is one sample.
/// </summary>
internal sealed class CapMonitor(Site site)
{
    private readonly Lock _gate = new();
    private long _samples;
    private long _violations;
    private double _maxGridW;

    public long Samples
    {
        get
        {
            lock (_gate)
            {
                return _samples;
            }
        }
    }

    public long Violations
    {
        get
        {
            lock (_gate)
            {
                return _violations;
            }
        }
    }

    public double MaxGridW
    {
        get
        {
            lock (_gate)
            {
                return _maxGridW;
            }
        }
    }

    public void Observe(double commandedGpuW)
    {
        var grid = site.Grid.BaseLoad.Watts + site.Pools[0].GridPowerFor(Power.FromWatts(commandedGpuW)).Watts;
        lock (_gate)
        {
            _samples++;
            _maxGridW = Math.Max(_maxGridW, grid);
            if (grid > site.Grid.ImportCap.Watts + 1e-6)
            {
                _violations++;
            }
        }
    }

    /// <summary>Observes <paramref name="commandedGpuW"/> every 5 ms until cancelled.</summary>
    public async Task SampleAsync(Func<double> commandedGpuW, TimeProvider time, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Observe(commandedGpuW());
            await Task.Delay(TimeSpan.FromMilliseconds(5), time, ct);
        }
    }
}
