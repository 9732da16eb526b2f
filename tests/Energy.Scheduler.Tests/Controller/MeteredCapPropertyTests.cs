using System.Globalization;
using Energy.Contracts.Planning;
using Energy.Contracts.Policy;
using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Gpu.Devices;
using Energy.Scheduler.Controller;
using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Planning;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller;

/// <summary>
/// The cap held against the site meter, on random sites: the load HeatGrid does not control follows a
/// random walk that jumps by up to ±30 % of the cap, the meter reports one poll late and drops out at
/// random (silent, or reporting Bad), and the GPUs follow their commands with their real lag. After every
/// control tick the <em>metered</em> import — true base load plus what the simulated GPUs really draw,
/// with cooling — must be under the cap, except while the controller's latest good meter reading is
/// older than the latest rise of the base load (it cannot know yet), and from the tick after that on.
/// Without the meter's feedback the same walks break the cap: the second test shows the first can fail.
/// </summary>
public sealed class MeteredCapPropertyTests
{
    private const int Ticks = 240;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    public async Task RandomSitesAndBaseLoadWalks_MeteredImportUnderTheCapOnceTheMeterHasSeenIt(int seed)
    {
        for (var scenario = 0; scenario < 6; scenario++)
        {
            using var run = new Scenario((seed * 100) + scenario, meterFeedback: true);
            var violation = await run.RunAsync(Ticks);
            Assert.True(violation is null, violation);
            Assert.True(run.Steps > 3, $"scenario {(seed * 100) + scenario}: the walk hardly moved ({run.Steps} steps)");
        }
    }

    [Fact]
    public async Task SameWalksWithoutTheMeter_BreakTheCap()
    {
        var broken = 0;
        for (var scenario = 0; scenario < 12; scenario++)
        {
            using var run = new Scenario(100 + scenario, meterFeedback: false);
            if (await run.RunAsync(Ticks) is not null)
            {
                broken++;
            }
        }

        Assert.True(broken >= 10, $"only {broken} of 12 walks broke the cap when HeatGrid held it against its model alone");
    }

    /// <summary>One random site, plan (every GPU mining at full power) and base-load walk, driven tick by tick.</summary>
    private sealed class Scenario : IDisposable
    {
        private const string MeterSignal = GridMeter.DefaultSignal;
        private static readonly DateTimeOffset Start = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

        private readonly Random _random;
        private readonly FakeTimeProvider _time = new(Start);
        private readonly Site _site;
        private readonly SiteLoad _load;
        private readonly SignalRegistry _signals = new();
        private readonly StatusBoard _board = new();
        private readonly ControlLoop _loop;
        private readonly IReadOnlyList<IGpuDevice> _gpus;
        private readonly double _capW;
        private readonly double _maxBaseW;
        private readonly string _name;

        public Scenario(int seed, bool meterFeedback)
        {
            _random = new Random(seed);
            _name = string.Create(CultureInfo.InvariantCulture, $"scenario {seed}");
            var pools = Enumerable.Range(0, _random.Next(1, 4)).Select(i =>
            {
                var idle = 30 + (_random.NextDouble() * 70);
                var min = idle + 40 + (_random.NextDouble() * 100);
                var max = min + 150 + (_random.NextDouble() * 550);
                return new GpuPool($"pool{i}", "GPU", _random.Next(2, 13), Power.FromWatts(min), Power.FromWatts(idle), Power.FromWatts(max), null,
                    _random.NextDouble() * 0.3);
            }).ToList();
            var gpusAtMaxW = pools.Sum(p => p.GridPowerFor(p.MaxPower).Watts);
            var idleW = pools.Sum(p => p.GridPowerFor(p.IdlePower).Watts);
            var baseW = gpusAtMaxW * (0.05 + (_random.NextDouble() * 0.3));
            _capW = baseW + (gpusAtMaxW * (0.8 + (_random.NextDouble() * 0.3)));

            // The walk stays where the GPUs at idle could still hold the cap, with room for the meter-loss margin.
            _maxBaseW = (0.85 * _capW) - idleW;
            BaseW = baseW;
            var grid = new GridConnection(Power.FromWatts(_capW), Power.FromWatts(baseW), new GridTariff(EnergyPrice.EurPerMwh(0), EnergyPrice.EurPerMwh(0)))
            {
                Meter = meterFeedback ? new GridMeter(MeterSignal, TimeSpan.FromSeconds(3), GridMeter.DefaultCapMargin, GridMeter.DefaultLossMargin) : null,
            };
            _site = new Site
            {
                Name = "walk",
                TimeZone = TimeZoneInfo.Utc,
                Currency = Currency.Eur,
                Grid = grid,
                Pools = pools,
                HeatLoops = [],
                Workloads = [new MiningWorkload("mining", [], "TH", 1, Money.Eur(1))],
                Policy = new OperatorPolicy(OperatorPolicy.DefaultShedOrder, null, null, TimeSpan.Zero, SafeState.Idle),
            };
            _load = new SiteLoad(_site);
            var controller = InProcessController.Create(_site, _time);
            _gpus = controller.Agent.Gpus;
            var plan = new CurrentPlan();
            plan.Replace(new Plan(_site.Name, "test", Start, [new PlanSlot(Start, TimeSpan.FromDays(1), EnergyPrice.EurPerMwh(50), EnergyPrice.EurPerMwh(50),
                [.. pools.Select(p => new PoolAllocation(p.Name, "mining", p.MaxPower, p.Count))], [], Power.FromWatts(_capW), [], [])]));
            _loop = new ControlLoop(_site, plan, controller.Link, _signals, new InMemoryStore(), _board, _time, NullLogger<ControlLoop>.Instance);
        }

        public double BaseW { get; private set; }

        public void Dispose() => _loop.Dispose();

        /// <summary>How many times the base load jumped.</summary>
        public int Steps { get; private set; }

        /// <returns>The first tick at which the metered import was over the cap though the meter had shown the rise; null when there was none.</returns>
        public async Task<string?> RunAsync(int ticks)
        {
            var holdFor = _random.Next(1, 15);
            var riseAt = DateTimeOffset.MinValue;
            var lastGoodAt = DateTimeOffset.MinValue;
            (double Kw, DateTimeOffset At)? previousPoll = null;
            var dropoutLeft = 0;
            var dropoutBad = false;
            for (var k = 0; k < ticks; k++)
            {
                var now = _time.GetUtcNow();
                if (--holdFor <= 0)
                {
                    var next = Math.Clamp(BaseW + ((_random.NextDouble() - 0.5) * 0.6 * _capW), 0, _maxBaseW);
                    if (next > BaseW)
                    {
                        riseAt = now;
                    }

                    BaseW = next;
                    Steps++;
                    holdFor = _random.Next(1, 15);
                }

                // The meter polls just before the tick and reports one poll late: the controller sees the previous poll.
                if (dropoutLeft == 0 && _random.NextDouble() < 0.06)
                {
                    dropoutLeft = _random.Next(1, 7);
                    dropoutBad = _random.Next(2) == 0;
                }

                if (dropoutLeft > 0)
                {
                    dropoutLeft--;
                    if (dropoutBad)
                    {
                        _signals.Publish(Reading.Bad(MeterSignal, Unit.Kilowatt, "timeout", now, "test-meter"));
                    }
                }
                else if (previousPoll is { } poll)
                {
                    _signals.Publish(Reading.Good(MeterSignal, poll.Kw, Unit.Kilowatt, poll.At, "test-meter"));
                    lastGoodAt = poll.At;
                }

                previousPoll = (MeteredW() / 1000, now);
                await _loop.TickAsync(CancellationToken.None);
                _time.Advance(ControlLoop.Period);

                var metered = MeteredW();
                if (metered > _capW + 1e-6 && lastGoodAt >= riseAt)
                {
                    return string.Create(CultureInfo.InvariantCulture,
                        $"{_name}, tick {k}: metered import {metered / 1000:0.###} kW over the {_capW / 1000:0.###} kW cap with the meter's reading of "
                        + $"{lastGoodAt:HH:mm:ss} showing the base load of {BaseW / 1000:0.###} kW (risen at {riseAt:HH:mm:ss}); "
                        + $"controller: {_board.Current?.CapHeldAgainst}, base {_board.Current?.BaseLoadKw} kW; {string.Join("; ", _board.Current?.Explanations ?? [])}");
                }
            }

            return null;
        }

        /// <summary>What the site meter would show now: the true base load plus what the GPUs really draw, with cooling.</summary>
        private double MeteredW() => _load.Import(Power.FromWatts(BaseW), _gpus.Select(g => (g.Pool, g.Read().Power))).Watts;
    }
}
