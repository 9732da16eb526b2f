using Energy.Gpu.Pouw;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Pouw;

public sealed class PouwVerifierTests
{
    private static readonly PouwParameters Shape = new(32, 32, 256, 16, 16, 16, 64);

    [Fact]
    public void Mined_tickets_verify_against_the_registry_and_offline()
    {
        var (ticket, registry, _, _) = MineOne(1);
        var time = new FakeTimeProvider(PouwFixtures.Now.AddMinutes(5));

        var verdict = new PouwVerifier(registry, time).Verify(ticket);
        Assert.True(verdict.Accepted, verdict.Detail);
        Assert.Equal("accepted", verdict.Reason);
        Assert.Equal(Shape.MultiplyAdds, verdict.WorkUnits);
        Assert.True(verdict.RegistryConsulted);

        var offline = PouwVerifier.Offline(time).Verify(ticket);
        Assert.True(offline.Accepted, offline.Detail);
        Assert.False(offline.RegistryConsulted);
    }

    [Fact]
    public void The_ticket_rate_matches_the_target_within_its_statistical_bound()
    {
        // 40 batches of 8×8 tiles at one ticket per 8 tiles: 2,560 tiles, 320 tickets expected, σ = √(2560·1/8·7/8) ≈ 16.7.
        var p = new PouwParameters(128, 128, 64, 8, 16, 16, 32);
        var random = new Random(77);
        var w = PouwFixtures.Operand(random, 128, 64, 8);
        var registry = new PouwJobRegistry();
        var header = registry.Register("acme", "rate", PouwMerkle.RootOf(w, 128, 64), p, PouwHeader.TargetFor(8), PouwFixtures.Now);
        var found = 0;
        long tiles = 0;
        for (var batch = 0; batch < 40; batch++)
        {
            var a = PouwFixtures.Operand(random, 128, 64, 8);
            var mined = PouwCpuMiner.Mine(a, w, header);
            found += mined.Tickets.Count;
            tiles += mined.TilesHashed;
        }

        var expected = tiles / 8.0;
        var sigma = Math.Sqrt(tiles * (1 / 8.0) * (7 / 8.0));
        Assert.InRange(found, expected - (4.5 * sigma), expected + (4.5 * sigma));
    }

    [Fact]
    public void Every_kind_of_forged_or_altered_ticket_is_refused_with_its_reason()
    {
        var (ticket, registry, a, w) = MineOne(2);
        var time = new FakeTimeProvider(PouwFixtures.Now.AddMinutes(5));
        var verifier = new PouwVerifier(registry, time);
        PouwRejection Check(PouwTicket t) => verifier.Verify(t).Rejection;
        var h = ticket.Header;

        Assert.Equal(PouwRejection.UnsupportedVersion, Check(ticket with { Header = h with { Version = 2 } }));
        Assert.Equal(PouwRejection.ParameterOutOfBounds, Check(ticket with { Header = h with { Parameters = Shape with { Rank = 65 } } }));
        Assert.Equal(PouwRejection.Malformed, Check(ticket with { TileRow = 2 }));
        Assert.Equal(PouwRejection.Malformed, Check(ticket with { NoisyA = ticket.NoisyA[..^1] }));
        Assert.Equal(PouwRejection.UnknownJob, Check(ticket with { Header = h with { Job = "other" } }));
        Assert.Equal(PouwRejection.WrongWeightsRoot, Check(ticket with { Header = h with { WeightsRoot = Flip(h.WeightsRoot) } }));
        Assert.Equal(PouwRejection.UnknownActivations, Check(ticket with { ActivationsRoot = Flip(ticket.ActivationsRoot) }));
        Assert.Equal(PouwRejection.HeaderNotIssued, Check(ticket with { Header = h with { Target = PouwHeader.TargetFor(1) } }));
        Assert.Equal(PouwRejection.HeaderNotIssued, Check(ticket with { Header = h with { WeightsEpoch = Flip(h.WeightsEpoch) } }));
        Assert.Equal(PouwRejection.HeaderNotIssued, Check(ticket with { Header = h with { Sequence = 5 } }));
        Assert.Equal(PouwRejection.NoiseFromAnotherHeader, Check(ticket with { SeedE = Flip(ticket.SeedE) }));
        Assert.Equal(PouwRejection.NoiseFromAnotherHeader, Check(ticket with { SeedF = Flip(ticket.SeedF) }));

        // An opened row of A' changed by one: its clean row no longer opens to the activations' root.
        var noisyA = (sbyte[])ticket.NoisyA.Clone();
        noisyA[7] = (sbyte)(noisyA[7] + (noisyA[7] > 0 ? -1 : 1));
        Assert.Equal(PouwRejection.WrongOpening, Check(ticket with { NoisyA = noisyA }));
        var openings = ticket.WOpenings.Select(o => o.Select(s => (byte[])s.Clone()).ToArray()).ToArray();
        openings[3][0] = Flip(openings[3][0]);
        Assert.Equal(PouwRejection.WrongOpening, Check(ticket with { WOpenings = openings }));

        // A' outside the range: the clean value would leave −(128−r)..127−r.
        var far = (sbyte[])ticket.NoisyA.Clone();
        far[0] = sbyte.MaxValue;
        far[1] = sbyte.MinValue;
        Assert.Equal(PouwRejection.OperandOutOfRange, Check(ticket with { NoisyA = far }));

        Assert.Equal(PouwRejection.TranscriptMismatch, Check(ticket with { TileHash = Flip(ticket.TileHash) }));
    }

    [Fact]
    public void A_tile_above_the_target_is_refused_as_target_not_met()
    {
        var random = new Random(3);
        var a = PouwFixtures.Operand(random, Shape.M, Shape.K, Shape.Rank);
        var w = PouwFixtures.Operand(random, Shape.N, Shape.K, Shape.Rank);
        var (registry, header) = PouwFixtures.Registered(a, w, Shape, 1e30);
        var ticket = PouwCpuMiner.TicketFor(a, w, header, 1, 0);

        var verdict = new PouwVerifier(registry, new FakeTimeProvider(PouwFixtures.Now)).Verify(ticket);
        Assert.Equal(PouwRejection.TargetNotMet, verdict.Rejection);
        Assert.Contains("above the target", verdict.Detail);
    }

    [Fact]
    public void Stale_headers_are_refused_after_the_job_moved_on_and_after_they_aged()
    {
        var (ticket, registry, _, _) = MineOne(4);
        var time = new FakeTimeProvider(PouwFixtures.Now.AddMinutes(5));
        var verifier = new PouwVerifier(registry, time);

        registry.Advance("acme", "llama-ffn", ticket.TileHash, PouwFixtures.Now.AddMinutes(1));
        Assert.True(verifier.Verify(ticket).Accepted);
        registry.Advance("acme", "llama-ffn", new byte[32], PouwFixtures.Now.AddMinutes(2));
        var stale = verifier.Verify(ticket);
        Assert.Equal(PouwRejection.StaleJob, stale.Rejection);
        Assert.Equal("stale-job", stale.Reason);

        var (fresh, freshRegistry, _, _) = MineOne(5);
        time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(PouwRejection.StaleJob, new PouwVerifier(freshRegistry, time).Verify(fresh).Rejection);
    }

    [Fact]
    public void A_ticket_mined_from_random_matrices_is_refused_for_every_registered_job()
    {
        var (_, registry, _, _) = MineOne(6);
        var random = new Random(66);
        var other = PouwFixtures.Operand(random, 32, 256, 16);
        registry.Register("globex", "bert", PouwMerkle.RootOf(other, 32, 256), Shape, PouwHeader.TargetFor(2), PouwFixtures.Now);
        registry.LogActivations("globex", "bert", PouwMerkle.RootOf(PouwFixtures.Operand(random, 32, 256, 16), 32, 256));
        var verifier = new PouwVerifier(registry, new FakeTimeProvider(PouwFixtures.Now.AddMinutes(1)));

        var randomA = PouwFixtures.Operand(random, 32, 256, 16);
        var randomW = PouwFixtures.Operand(random, 32, 256, 16);
        foreach (var job in registry.Jobs())
        {
            var header = registry.CurrentHeader(job.Tenant, job.Job)!;
            Assert.NotNull(header);

            // Claiming the job's weights root for random W: the miner refuses (W is not the header's weights) …
            Assert.Throws<ArgumentException>(() => PouwCpuMiner.Mine(randomA, randomW, header));

            // … and a ticket mined honestly over random W under a header naming W's own root is refused.
            var own = header with { WeightsRoot = PouwMerkle.RootOf(randomW, 32, 256), Target = PouwHeader.TargetFor(1) };
            var ticket = PouwCpuMiner.Mine(randomA, randomW, own).Tickets[0];
            Assert.Equal(PouwRejection.WrongWeightsRoot, verifier.Verify(ticket).Rejection);

            // Random activations with the job's real weights: the batch was never logged.
            var realW = job.Tenant == "acme" ? null : other;
            if (realW is not null)
            {
                var easy = header with { Target = PouwHeader.TargetFor(1) };
                var withRealW = PouwCpuMiner.Mine(randomA, realW, easy).Tickets[0];
                Assert.Equal(PouwRejection.UnknownActivations, verifier.Verify(withRealW with { Header = header }).Rejection);
            }
        }
    }

    [Fact]
    public void Tickets_round_trip_through_JSON_and_broken_documents_are_named()
    {
        var (ticket, registry, _, _) = MineOne(7);
        var json = ticket.ToJson();
        Assert.True(PouwTicket.TryParse(json, out var back, out var error), error);
        Assert.True(new PouwVerifier(registry, new FakeTimeProvider(PouwFixtures.Now)).Verify(back!).Accepted);
        Assert.Equal(ticket.Id, back!.Id);

        Assert.False(PouwTicket.TryParse("{", out _, out error));
        Assert.Contains("not JSON", error);
        Assert.False(PouwTicket.TryParse(json.Replace("hgpouw-ticket/1", "hgpouw-ticket/9", StringComparison.Ordinal), out _, out error));
        Assert.Contains("format", error);
        Assert.False(PouwTicket.TryParse(json.Replace(Convert.ToHexStringLower(ticket.SeedE), "zz", StringComparison.Ordinal), out _, out error));
        Assert.Contains("seedE", error);
    }

    [Fact]
    public void The_registry_survives_its_JSON_snapshot()
    {
        var (ticket, registry, _, _) = MineOne(8);
        registry.Advance("acme", "llama-ffn", ticket.TileHash, PouwFixtures.Now.AddSeconds(1));
        var restored = PouwJobRegistry.FromJson(registry.ToJson());
        Assert.Equal(1, restored.FindJob("acme", "llama-ffn")!.CurrentSequence);
        Assert.True(restored.IsActivationsLogged("acme", "llama-ffn", ticket.ActivationsRoot));
        Assert.True(new PouwVerifier(restored, new FakeTimeProvider(PouwFixtures.Now.AddMinutes(1))).Verify(ticket).Accepted);
        Assert.Throws<FormatException>(() => PouwJobRegistry.FromJson("{\"format\":\"x\"}"));
        Assert.Throws<FormatException>(() => PouwJobRegistry.FromJson("not json"));
    }

    [Fact]
    public void ReplaceWith_PutsAnotherRegistryInPlace_TheVerifierHoldingItSeesTheNewJobsOnly()
    {
        var (ticket, registry, _, _) = MineOne(8);
        var empty = new PouwJobRegistry();
        var verifier = new PouwVerifier(empty, new FakeTimeProvider(PouwFixtures.Now.AddMinutes(1)));
        Assert.False(verifier.Verify(ticket).Accepted);

        empty.ReplaceWith(PouwJobRegistry.FromJson(registry.ToJson()));
        Assert.True(verifier.Verify(ticket).Accepted);
        Assert.Equal(["llama-ffn"], empty.Jobs().Select(j => j.Job));

        empty.ReplaceWith(new PouwJobRegistry());
        Assert.Empty(empty.Jobs());
        Assert.False(verifier.Verify(ticket).Accepted);
    }

    private static (PouwTicket Ticket, PouwJobRegistry Registry, sbyte[] A, sbyte[] W) MineOne(int seed)
    {
        var random = new Random(seed);
        for (var attempt = 0; ; attempt++)
        {
            var a = PouwFixtures.Operand(random, Shape.M, Shape.K, Shape.Rank);
            var w = PouwFixtures.Operand(random, Shape.N, Shape.K, Shape.Rank);
            var (registry, header) = PouwFixtures.Registered(a, w, Shape, 2);
            var mined = PouwCpuMiner.Mine(a, w, header);
            if (mined.Tickets.Count > 0)
            {
                return (mined.Tickets[0], registry, a, w);
            }

            Assert.True(attempt < 20, "no ticket in 20 batches at one per 2 tiles");
        }
    }

    private static byte[] Flip(byte[] hash)
    {
        var copy = (byte[])hash.Clone();
        copy[^1] ^= 0x5a;
        return copy;
    }
}
