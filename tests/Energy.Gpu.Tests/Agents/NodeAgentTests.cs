using Energy.Contracts.Agents;
using Energy.Contracts.Units;
using Energy.Gpu.Agents;
using Energy.Gpu.Simulation;
using Energy.TestSupport.Logging;
using Energy.TestSupport.Sites;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Agents;

/// <summary>An agent over three simulated GPUs of pool "p" (idle 80 W, limits 200–700 W).</summary>
public class NodeAgentTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 7, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly CapturingLogger<NodeAgent> _logger = new();
    private readonly NodeAgent _agent;

    public NodeAgentTests() =>
        _agent = new NodeAgent("node-1", SimulatedFleet.ForSite(TestSites.With(TestSites.Pool("p", 3)), _time), _time, _logger);

    private GpuAssignment Assign(string gpu, long epoch, double watts = 450, string? workload = "mining", TimeSpan? validFor = null) =>
        new(gpu, workload, Power.FromWatts(watts), _time.GetUtcNow() + (validFor ?? Lease), epoch);

    private GpuState State(string gpu) => _agent.ReadAll().Single(s => s.GpuId == gpu);

    [Fact]
    public void Apply_ValidAssignments_AppliedToTheirGpus()
    {
        var applied = _agent.Apply([Assign("p/0", 1, 450), Assign("p/2", 1, 600, "acme-inference")]);

        Assert.Equal(2, applied);
        Assert.Equal(("mining", 450.0), (State("p/0").Workload, State("p/0").PowerTarget.Watts));
        Assert.Equal(("acme-inference", 600.0), (State("p/2").Workload, State("p/2").PowerTarget.Watts));
        Assert.Null(State("p/1").Workload);
        Assert.Empty(_logger.Entries);
    }

    [Fact]
    public void Apply_OlderEpochAfterNewer_RefusedAndLogged()
    {
        _agent.Apply([Assign("p/0", 5, 450)]);

        var applied = _agent.Apply([Assign("p/0", 4, 650, "heater"), Assign("p/1", 4)]);

        Assert.Equal(0, applied);
        Assert.Equal(("mining", 450.0), (State("p/0").Workload, State("p/0").PowerTarget.Watts));
        Assert.Null(State("p/1").Workload);
        Assert.Equal(2, _logger.WithEventId(2001).Count);
        Assert.All(_logger.Entries, e => Assert.Equal(LogLevel.Warning, e.Level));
    }

    [Fact]
    public void Apply_SameOrNewerEpoch_Accepted()
    {
        _agent.Apply([Assign("p/0", 5)]);

        Assert.Equal(2, _agent.Apply([Assign("p/0", 5, 300), Assign("p/1", 6, 350)]));
        Assert.Equal(300, State("p/0").PowerTarget.Watts);
    }

    [Fact]
    public void Apply_NewerEpochInBatch_RefusesOlderLaterInTheSameBatch()
    {
        var applied = _agent.Apply([Assign("p/0", 7), Assign("p/1", 6)]);

        Assert.Equal(1, applied);
        Assert.Single(_logger.WithEventId(2001));
    }

    [Fact]
    public void Apply_UnknownGpu_RefusedAndLogged()
    {
        var applied = _agent.Apply([Assign("p/9", 1), Assign("p/0", 1)]);

        Assert.Equal(1, applied);
        var entry = Assert.Single(_logger.WithEventId(2002));
        Assert.Contains("p/9", entry.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Apply_AlreadyExpired_RefusedAndLogged(int validForSeconds)
    {
        var applied = _agent.Apply([Assign("p/0", 1, validFor: TimeSpan.FromSeconds(validForSeconds))]);

        Assert.Equal(0, applied);
        Assert.Null(State("p/0").Workload);
        Assert.Single(_logger.WithEventId(2003));
    }

    [Fact]
    public void EnforceDeadman_BeforeExpiry_LeavesAssignmentsRunning()
    {
        _agent.Apply([Assign("p/0", 1)]);
        _time.Advance(Lease - TimeSpan.FromSeconds(1));

        Assert.Equal(0, _agent.EnforceDeadman());
        Assert.Equal("mining", State("p/0").Workload);
        Assert.Empty(_logger.WithEventId(2004));
    }

    [Fact]
    public void EnforceDeadman_AfterExpiry_SendsExpiredGpusToIdleOnce()
    {
        _agent.Apply([Assign("p/0", 1, 700), Assign("p/1", 1, 600, validFor: TimeSpan.FromMinutes(5))]);
        _time.Advance(Lease);

        Assert.Equal(1, _agent.EnforceDeadman());
        _time.Advance(TimeSpan.FromSeconds(5));

        var expired = State("p/0");
        Assert.Null(expired.Workload);
        Assert.Equal(80, expired.PowerTarget.Watts);
        Assert.Equal(80, expired.Power.Watts, 0.8);
        Assert.Equal("mining", State("p/1").Workload);
        Assert.Single(_logger.WithEventId(2004));
        Assert.Equal(0, _agent.EnforceDeadman());
    }

    [Fact]
    public void EnforceDeadman_RenewedBeforeExpiry_KeepsRunning()
    {
        _agent.Apply([Assign("p/0", 1)]);
        _time.Advance(Lease - TimeSpan.FromSeconds(5));
        _agent.Apply([Assign("p/0", 2)]);

        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(0, _agent.EnforceDeadman());
        Assert.Equal("mining", State("p/0").Workload);
    }

    [Fact]
    public void ReadAll_ThreeGpus_OneStateEach()
    {
        Assert.Equal(["p/0", "p/1", "p/2"], _agent.ReadAll().Select(s => s.GpuId).Order(StringComparer.Ordinal));
        Assert.Equal(3, _agent.Gpus.Count);
        Assert.Equal("node-1", _agent.Node);
    }

    [Fact]
    public void Apply_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => _agent.Apply(null!));
    }
}
