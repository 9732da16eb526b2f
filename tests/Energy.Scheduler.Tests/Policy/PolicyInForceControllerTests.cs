using System.Text.Json;
using Energy.Contracts.Agents;
using Energy.Scheduler.Audit;
using Energy.Scheduler.Controller;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Policy;
using Energy.Scheduler.Tests.Controller;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Policy;

/// <summary>The control loop reads the policy in force at every tick: a ramp limit changed through <see cref="PolicyState"/> holds from the next tick.</summary>
public sealed class PolicyInForceControllerTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-policy-loop-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 1, 16, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Tick_AfterARampLimitChange_TheSequencerIsGivenTheNewAllowance()
    {
        var site = TestSites.Bathhouse();
        var policy = new PolicyState(site, new PolicyStore(_data), _time, NullLogger<PolicyState>.Instance);
        var agents = new RecordingLink();
        var loop = new ControlLoop(site, new CurrentPlan(), agents, new SignalRegistry(), new InMemoryStore(), new StatusBoard(), _time,
            NullLogger<ControlLoop>.Instance, policy: policy);

        await loop.TickAsync(CancellationToken.None);
        var changed = policy.Change(JsonDocument.Parse("""{"rampLimitKwPerMinute": 60}""").RootElement, null, null, new AuditActor("ana", "operator", "test"));
        await loop.TickAsync(CancellationToken.None);

        Assert.Equal(PolicyChangeOutcome.Changed, changed.Outcome);
        Assert.Equal([5.0, 1.0], agents.Ramps);                                       // 300 kW/min, then 60 kW/min, over a 1-s tick
    }

    private sealed class RecordingLink : IAgentLink
    {
        public List<double?> Ramps { get; } = [];

        public string GpuBackend => "recording";

        public long Epoch => 1;

        public ValueTask<IReadOnlyList<FleetGpu>> ReadAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IReadOnlyList<FleetGpu>>([]);

        public ValueTask<SequencedBatches> SendAsync(IReadOnlyList<GpuAssignment> wanted, CapLimits limits, CancellationToken cancellationToken)
        {
            Ramps.Add(limits.RampAllowance?.Kilowatts);
            return ValueTask.FromResult(new SequencedBatches([], 0, 0));
        }
    }
}
