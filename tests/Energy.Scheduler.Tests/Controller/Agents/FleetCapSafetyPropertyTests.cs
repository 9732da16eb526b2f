using System.Globalization;
using Energy.Contracts.Agents;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Gpu.Agents;
using Energy.Gpu.Devices;
using Energy.Gpu.Simulation;
using Energy.Scheduler.Controller.Agents;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller.Agents;

/// <summary>
/// The controller and its agents over a network that delays, reorders and drops messages, with
/// controller restarts, partitioned agents and under-frequency events thrown in. Wanted targets ignore
/// the cap on purpose: the sequencer and the agents alone must hold it. After every single event the
/// sum of what agents command (cooling and base load included) must be under the cap.
/// </summary>
public sealed class FleetCapSafetyPropertyTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    public void RandomPlansLossAndReordering_CommandedSumNeverExceedsTheCap(int seed)
    {
        for (var scenario = 0; scenario < 25; scenario++)
        {
            new Scenario(seed * 1000 + scenario).Run(steps: 120);
        }
    }

    [Fact]
    public void ReliableNetwork_ReachesTheWantedTargetsWhereTheCapAllows()
    {
        var s = new Scenario(42, lossless: true);
        s.RunSteady(steps: 8);
        Assert.True(s.HeldLastTick == 0, $"{s.HeldLastTick} increases still held on a reliable network under a generous cap");
        Assert.Equal(s.WantedSumW, s.CommandedGpuW, precision: 1);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    [InlineData(13)]
    [InlineData(14)]
    public void CapLeavingRoomOnlyForSla_SlaInferenceGetsItsTargetsFirst(int seed)
    {
        for (var scenario = 0; scenario < 10; scenario++)
        {
            var s = new Scenario((seed * 100) + scenario, lossless: true);
            s.RunSlaTight(steps: 8);
            Assert.True(s.SlaShortW <= 1e-6, $"seed {seed}/{scenario}: SLA GPUs short of their targets by {s.SlaShortW:F1} W");
        }
    }

    private sealed class Scenario
    {
        private readonly Random _random;
        private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 26, 12, 0, 0, TimeSpan.Zero));
        private Site _site;
        private readonly List<AgentCore> _agents = [];
        private readonly Dictionary<string, IGpuDevice> _gpus = new(StringComparer.Ordinal);
        private readonly List<(DateTimeOffset Due, int Order, Action Deliver)> _network = [];
        private readonly HashSet<string> _partitioned = new(StringComparer.Ordinal);
        private readonly bool _lossless;
        private readonly double _dropRate;
        private Fleet _fleet = null!;
        private FleetSequencer _sequencer = null!;
        private long _epoch = 1000;
        private int _order;
        private List<GpuAssignment> _wanted = [];

        public Scenario(int seed, bool lossless = false)
        {
            _random = new Random(seed);
            _lossless = lossless;
            _dropRate = lossless ? 0 : _random.NextDouble() * 0.3;
            _site = RandomSite(lossless);
            var nodes = _random.Next(1, 5);
            var devices = SimulatedFleet.ForSite(_site, _time);
            foreach (var d in devices)
            {
                _gpus[d.Id] = d;
            }

            for (var n = 0; n < nodes; n++)
            {
                var mine = devices.Where((_, i) => i % nodes == n).ToList();
                if (mine.Count > 0)
                {
                    _agents.Add(new AgentCore($"node{n}", mine, AgentOptions.From(_site.Policy), _time, NullLogger<AgentCore>.Instance));
                }
            }

            StartController();
        }

        public int HeldLastTick { get; private set; }

        public double WantedSumW => _wanted.Sum(a => Effective(a));

        public double CommandedGpuW => _agents.Sum(a => a.CommandedW);

        public void Run(int steps)
        {
            for (var step = 0; step < steps; step++)
            {
                Step(step, chaos: true);
            }
        }

        /// <summary>SLA GPUs' wanted power minus what their agents command (0 when every SLA GPU holds its target).</summary>
        public double SlaShortW => _wanted.Where(a => a.Shed == ShedStep.InferenceSla)
            .Sum(a => Math.Max(0, Effective(a) - _agents.SelectMany(g => g.Telemetry().Gpus).Single(g => g.Gpu == a.GpuId).TargetW));

        /// <summary>Random wanted targets, and a cap with room for the SLA GPUs' targets and every other GPU idle, not more.</summary>
        public void RunSlaTight(int steps)
        {
            _wanted = RandomWanted();
            var grid = _site.Grid.BaseLoad.Watts + _wanted.Sum(a =>
            {
                var gpu = _gpus[a.GpuId];
                var w = a.Shed == ShedStep.InferenceSla ? Effective(a) : gpu.IdlePower.Watts;
                return _site.Pool(gpu.Pool).GridPowerFor(Power.FromWatts(w)).Watts;
            });
            _site = _site with { Grid = _site.Grid with { ImportCap = Power.FromWatts(grid + 1) } };
            for (var step = 0; step < steps; step++)
            {
                Step(step, chaos: false);
            }
        }

        public void RunSteady(int steps)
        {
            _wanted = RandomWanted();
            for (var step = 0; step < steps; step++)
            {
                Step(step, chaos: false);
            }
        }

        private void Step(int step, bool chaos)
        {
            if (chaos)
            {
                if (step % 5 == 0)
                {
                    _wanted = RandomWanted();
                }

                var dice = _random.Next(100);
                if (dice < 2)
                {
                    StartController();   // a restart: new epoch, nothing remembered
                }
                else if (dice < 5 && _agents.Count > 1)
                {
                    var node = _agents[_random.Next(_agents.Count)].Node;
                    if (!_partitioned.Remove(node))
                    {
                        _partitioned.Add(node);
                    }
                }
                else if (dice < 8)
                {
                    var hz = 49.4 + (_random.NextDouble() * 0.7);
                    foreach (var agent in _agents)
                    {
                        Send(agent.Node, () => agent.OnFrequency(new FrequencySample(hz, _time.GetUtcNow()), _time.GetUtcNow()));
                    }
                }
            }

            // Controller tick: read what has arrived, sequence, count each batch, send it into the network.
            var now = _time.GetUtcNow();
            var result = _sequencer.Sequence(_wanted, new CapLimits(_site.Grid.ImportCap, _site.Grid.BaseLoad), now, now + TimeSpan.FromSeconds(10));
            HeldLastTick = result.Held;
            foreach (var batch in result.Batches)
            {
                _fleet.Sent(batch);
                var agent = _agents.First(a => a.Node == batch.Node);
                var fleet = _fleet;
                Send(batch.Node, () =>
                {
                    var ack = agent.Apply(batch);
                    Check($"{batch.Node} applied {batch.Epoch}/{batch.Seq}");
                    Send(batch.Node, () => fleet.OnAck(ack, _time.GetUtcNow()));
                });
            }

            // Agents tick and report, over the same unreliable network.
            var end = now + TimeSpan.FromMilliseconds(_lossless ? 1000 : _random.Next(200, 1200));
            while (_time.GetUtcNow() < end)
            {
                _time.Advance(TimeSpan.FromMilliseconds(100));
                Deliver();
                foreach (var agent in _agents)
                {
                    agent.Tick();
                    Check($"{agent.Node} ticked");
                }
            }

            foreach (var agent in _agents)
            {
                var telemetry = agent.Telemetry();
                var fleet = _fleet;
                Send(agent.Node, () => fleet.OnTelemetry(telemetry, _time.GetUtcNow()));
            }

            Deliver();
        }

        private void StartController()
        {
            _epoch += 1 + _random.Next(5);
            _fleet = new Fleet(_site, _time, NullLogger<Fleet>.Instance);
            var now = _time.GetUtcNow();
            _sequencer = new FleetSequencer(_site, _fleet, _epoch, now);
            var epoch = _epoch;
            foreach (var agent in _agents)
            {
                Send(agent.Node, () => agent.ObserveEpoch(epoch));   // the retained announcement
            }

            // Retained heartbeats reach a new controller at once; telemetry follows within a second.
            foreach (var agent in _agents)
            {
                _fleet.OnHeartbeat(agent.Heartbeat(true, "simulated", TimeSpan.FromSeconds(10)), now);
            }
        }

        private void Send(string node, Action deliver)
        {
            if (_partitioned.Contains(node) || (!_lossless && _random.NextDouble() < _dropRate))
            {
                return;
            }

            var delay = _lossless ? 0 : _random.Next(0, 1500);
            _network.Add((_time.GetUtcNow() + TimeSpan.FromMilliseconds(delay), _order++, deliver));
        }

        private void Deliver()
        {
            var now = _time.GetUtcNow();
            var due = _network.Where(m => m.Due <= now).ToList();
            _network.RemoveAll(m => m.Due <= now);

            // Whatever is due arrives in any order.
            foreach (var m in _lossless ? due.OrderBy(d => d.Order) : due.OrderBy(_ => _random.Next()))
            {
                m.Deliver();
            }
        }

        private void Check(string after)
        {
            var grid = _site.Grid.BaseLoad.Watts;
            foreach (var agent in _agents)
            {
                foreach (var gpu in agent.Telemetry().Gpus)
                {
                    grid += _site.Pool(gpu.Pool).GridPowerFor(Power.FromWatts(gpu.TargetW)).Watts;
                }
            }

            Assert.True(grid <= _site.Grid.ImportCap.Watts + 1e-6,
                string.Create(CultureInfo.InvariantCulture, $"commanded {grid:F1} W > cap {_site.Grid.ImportCap.Watts:F1} W after {after} (drop rate {_dropRate:P0})"));
        }

        private double Effective(GpuAssignment a)
        {
            var gpu = _gpus[a.GpuId];
            return a.Workload is null ? gpu.IdlePower.Watts : Math.Clamp(a.PowerTarget.Watts, gpu.MinPower.Watts, gpu.MaxPower.Watts);
        }

        private List<GpuAssignment> RandomWanted()
        {
            var until = _time.GetUtcNow() + TimeSpan.FromSeconds(10);
            ShedStep[] steps = [ShedStep.Mining, ShedStep.Heater, ShedStep.InferenceAboveSla, ShedStep.InferenceSla];
            return [.. _gpus.Values.Where(_ => _lossless || _random.Next(10) > 0).Select(g => _random.Next(4) == 0
                ? new GpuAssignment(g.Id, null, g.IdlePower, until, _epoch)
                : new GpuAssignment(g.Id, "work", Power.FromWatts(_random.Next(0, (int)g.MaxPower.Watts + 100)), until, _epoch)
                { Shed = steps[_random.Next(steps.Length)] })];
        }

        private Site RandomSite(bool generous)
        {
            var pools = new List<GpuPool>();
            for (var p = 0; p < _random.Next(1, 4); p++)
            {
                var max = _random.Next(300, 701);
                var min = _random.Next(100, max / 2);
                var idle = _random.Next(30, min);
                pools.Add(new GpuPool($"pool{p}", "GPU", _random.Next(2, 13), Power.FromWatts(min), Power.FromWatts(idle), Power.FromWatts(max),
                    null, _random.Next(0, 31) / 100.0));
            }

            var baseLoad = 1000.0;
            var idleGrid = pools.Sum(p => p.GridPowerFor(p.IdlePower).Watts);
            var maxGrid = pools.Sum(p => p.GridPowerFor(p.MaxPower).Watts);
            var cap = generous ? baseLoad + (maxGrid * 1.2) : baseLoad + idleGrid + ((maxGrid - idleGrid) * (0.05 + (_random.NextDouble() * 0.8)));
            return new Site
            {
                Name = "property",
                TimeZone = TimeZoneInfo.Utc,
                Currency = Currency.Eur,
                Grid = new GridConnection(Power.FromWatts(cap), Power.FromWatts(baseLoad),
                    new GridTariff(EnergyPrice.PerMwh(0, Currency.Eur), EnergyPrice.PerMwh(0, Currency.Eur))),
                Pools = pools,
                HeatLoops = [],
                Workloads = [],
                Policy = new OperatorPolicy([ShedStep.Mining, ShedStep.Heater, ShedStep.InferenceAboveSla], null, null, TimeSpan.Zero,
                    _random.Next(2) == 0 ? SafeState.Idle : SafeState.MinimumPower),
            };
        }
    }
}
