using Energy.Contracts.Units;
using Energy.Gpu.Pouw;
using Energy.Gpu.Simulation;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Pouw;

/// <summary>
/// CPU PoUW for simulated GPUs: the seeded operands, <see cref="CpuPouwWork"/>'s bursts (the reference miner on queued
/// batches, only verified tickets handed on, a bad batch skipped) and the duty that follows the simulated GPUs' mining.
/// </summary>
public sealed class CpuPouwWorkTests
{
    private static readonly PouwParameters Shape = new(32, 32, 256, 8, 16, 16, 64);
    private readonly FakeTimeProvider _time = new(PouwFixtures.Now);

    [Theory]
    [InlineData(8)]
    [InlineData(64)]
    public void SyntheticOperands_Deterministic_WithinTheRanksRange_CoverIt(int rank)
    {
        var w = PouwSyntheticOperands.Weights(42, 64, 256, rank);
        Assert.Equal(w, PouwSyntheticOperands.Weights(42, 64, 256, rank));
        Assert.NotEqual(w, PouwSyntheticOperands.Weights(43, 64, 256, rank));
        Assert.Equal(-(128 - rank), w.Min());
        Assert.Equal(127 - rank, w.Max());
        var a = PouwSyntheticOperands.Activations("n1", 1, 1, 32, 256, rank);
        Assert.Equal(a, PouwSyntheticOperands.Activations("n1", 1, 1, 32, 256, rank));
        Assert.NotEqual(a, PouwSyntheticOperands.Activations("n1", 1, 2, 32, 256, rank));
        Assert.NotEqual(a, PouwSyntheticOperands.Activations("n2", 1, 1, 32, 256, rank));
        Assert.NotEqual(a, PouwSyntheticOperands.Activations("n1", 2, 1, 32, 256, rank));
        Assert.InRange(w.Average(v => (double)v), -4, 4);            // no skew towards one end
    }

    [Fact]
    public void SyntheticWeights_RootIsStable()
    {
        // Pinned: an agent and 'heatgrid pouw weights' of another build must make the same W from the same seed.
        var root = PouwMerkle.RootOf(PouwSyntheticOperands.Weights(42, 32, 256, 8), 32, 256);
        Assert.Equal("11ff5107ecf4808ceac26140b29a19887542c39b3964381a31a0ee948629fb44", Convert.ToHexStringLower(root));
    }

    [Fact]
    public void Run_MinesQueuedBatches_VerifiedTicketsToTheSink_BadBatchSkipped_FalseWhenEmpty()
    {
        var w = PouwSyntheticOperands.Weights(42, Shape.N, Shape.K, Shape.Rank);
        var registry = new PouwJobRegistry();
        var header = registry.Register("acme", "chat", PouwMerkle.RootOf(w, Shape.N, Shape.K), Shape, PouwHeader.TargetFor(2), PouwFixtures.Now);
        var tree = PouwMerkle.Build(w, Shape.N, Shape.K);
        var source = new QueuedPouwBatches();
        var expected = 0;
        for (var i = 0; i < 8; i++)
        {
            var a = PouwSyntheticOperands.Activations("n1", 1, i, Shape.M, Shape.K, Shape.Rank);
            registry.LogActivations("acme", "chat", PouwMerkle.RootOf(a, Shape.M, Shape.K));
            expected += PouwCpuMiner.Mine(a, w, header).Tickets.Count;
            source.Enqueue(new PouwWorkBatch(header, w, a, tree));
        }

        var foreign = PouwSyntheticOperands.Weights(7, Shape.N, Shape.K, Shape.Rank);
        source.Enqueue(new PouwWorkBatch(header, foreign, PouwSyntheticOperands.Activations("n1", 1, 99, Shape.M, Shape.K, Shape.Rank)));
        var sink = new PouwTicketCollector();
        var log = new CapturingLogger<CpuPouwWork>();
        var work = new CpuPouwWork(source, sink, new PouwVerifier(registry, _time), _time, log);

        Assert.True(work.Run(TimeSpan.FromMilliseconds(25)));             // the fake clock stands still: the burst takes the whole queue
        Assert.False(work.Run(TimeSpan.FromMilliseconds(25)));

        Assert.True(expected > 0, "8 batches of 4 tiles at 2 tiles per ticket gave none");
        Assert.Equal((8L, (long)expected, 0L, 1L, 8.0 * Shape.MultiplyAdds), work.Totals);
        Assert.Equal(expected, sink.FoundCount);
        var verifier = new PouwVerifier(registry, _time);
        Assert.All(sink.Tickets, t => Assert.True(verifier.Verify(t).Accepted));
        Assert.Single(log.WithEventId(2485));                               // the foreign batch, named
        Assert.Equal(expected, log.WithEventId(2493).Count);
    }

    [Fact]
    public void Run_VerifierRefusesTheTicket_RefusalNotTicket()
    {
        var w = PouwSyntheticOperands.Weights(42, Shape.N, Shape.K, Shape.Rank);
        var registry = new PouwJobRegistry();
        var header = registry.Register("acme", "chat", PouwMerkle.RootOf(w, Shape.N, Shape.K), Shape, PouwHeader.TargetFor(1), PouwFixtures.Now);
        var source = new QueuedPouwBatches();
        source.Enqueue(new PouwWorkBatch(header, w, PouwSyntheticOperands.Activations("n1", 1, 1, Shape.M, Shape.K, Shape.Rank)));   // never logged
        var sink = new PouwTicketCollector();
        var work = new CpuPouwWork(source, sink, new PouwVerifier(registry, _time), _time);

        work.Run(TimeSpan.FromMilliseconds(25));

        Assert.Equal((0L, 4L), (sink.FoundCount, sink.RefusedCount));
        Assert.Equal(4, work.Totals.Refused);
    }

    [Fact]
    public void Update_DutyIsTheMeanMiningDutyOfTheSimulatedGpus()
    {
        var gpus = Enumerable.Range(0, 2).Select(i => new SimulatedGpu($"n1/gpus/{i}", "H100", "gpus", Power.FromWatts(200), Power.FromWatts(80), Power.FromWatts(700), _time))
            .ToArray();
        var log = new CapturingLogger<SimulatedGpuPouwMining>();
        using var mining = new SimulatedGpuPouwMining(gpus, w => w == "mining", new CpuPouwWork(new QueuedPouwBatches(), new PouwTicketCollector(), PouwVerifier.Offline(_time), _time),
            _time, log);

        Assert.Equal(0, mining.Update());
        gpus[0].Apply("mining", Power.FromWatts(700));
        Assert.Equal(0.5, mining.Update(), 6);
        gpus[1].Apply("heater", Power.FromWatts(700));
        Assert.Equal(0.5, mining.Update(), 6);                            // a heater is not mining
        gpus[1].Apply("mining", Power.FromWatts(390));
        var expected = (1 + SimulatedGpuPouwMining.DutyFor(gpus[1], Power.FromWatts(390))) / 2;
        Assert.InRange(expected, 0.6, 0.9);
        Assert.Equal(expected, mining.Update(), 6);
        Assert.Equal(expected, mining.Runner.Duty, 6);
        gpus[0].Apply(null, Power.Zero);
        gpus[1].Apply(null, Power.Zero);
        Assert.Equal(0, mining.Update());
        Assert.Equal(0, mining.Runner.Duty);
        Assert.All(log.WithEventId(2491), e => Assert.Contains("CPU PoUW", e.Message, StringComparison.Ordinal));
        Assert.Equal(4, log.WithEventId(2491).Count);                     // each change said once: 0, 0.5, (0.5 again: quiet), 0.7x, 0
    }
}
