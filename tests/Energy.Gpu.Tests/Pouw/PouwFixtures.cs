using Energy.Gpu.Pouw;

namespace Energy.Gpu.Tests.Pouw;

/// <summary>Random operands inside the operand range, and a registry with a tenant's job, for the PoUW tests.</summary>
internal static class PouwFixtures
{
    public static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    public static sbyte[] Operand(Random random, int rows, int k, int rank)
    {
        var x = new sbyte[rows * k];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (sbyte)random.Next(-(128 - rank), 128 - rank);
        }

        return x;
    }

    /// <summary>A registry with job tenant/job over <paramref name="w"/>, one logged batch <paramref name="a"/>, and its header.</summary>
    public static (PouwJobRegistry Registry, PouwHeader Header) Registered(sbyte[] a, sbyte[] w, PouwParameters p, double tilesPerTicket, string tenant = "acme", string job = "llama-ffn")
    {
        var registry = new PouwJobRegistry();
        var header = registry.Register(tenant, job, PouwMerkle.RootOf(w, p.N, p.K), p, PouwHeader.TargetFor(tilesPerTicket), Now);
        registry.LogActivations(tenant, job, PouwMerkle.RootOf(a, p.M, p.K));
        return (registry, header);
    }
}
