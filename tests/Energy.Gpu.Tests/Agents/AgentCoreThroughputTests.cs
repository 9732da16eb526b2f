using Energy.Contracts.Agents;
using Energy.Contracts.Units;
using Energy.Gpu.Agents;
using Energy.Gpu.Devices;
using Energy.Gpu.Simulation;
using Energy.TestSupport.Sites;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Agents;

/// <summary>Telemetry carries what the GPU backend measures of the running work.</summary>
public sealed class AgentCoreThroughputTests
{
    [Fact]
    public void Telemetry_ReportsTheBackendsThroughputAndZeroWhereItMeasuresNone()
    {
        var time = new FakeTimeProvider(AgentRig.Start);
        var simulated = SimulatedFleet.ForSite(TestSites.With(TestSites.Pool("p", 2)), time);
        var agent = new AgentCore("node-1", [new Measured(simulated[0], 7.5e9), simulated[1]], AgentOptions.Default, time, NullLogger<AgentCore>.Instance);

        var gpus = agent.Telemetry().Gpus;

        Assert.Equal((7.5e9, 0.0), (gpus[0].Throughput, gpus[1].Throughput));
    }

    /// <summary>A simulated GPU whose backend reports a throughput, as the CUDA backend does for its running load.</summary>
    private sealed class Measured(IGpuDevice inner, double throughput) : IGpuDevice
    {
        public string Id => inner.Id;

        public string Model => inner.Model;

        public string Pool => inner.Pool;

        public Power MinPower => inner.MinPower;

        public Power IdlePower => inner.IdlePower;

        public Power MaxPower => inner.MaxPower;

        public double Throughput => throughput;

        public void Apply(string? workload, Power target) => inner.Apply(workload, target);

        public GpuState Read() => inner.Read();
    }
}
