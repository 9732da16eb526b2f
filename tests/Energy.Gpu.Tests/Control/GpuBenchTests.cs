using System.Text.Json;
using Energy.Gpu.Benchmarks;

namespace Energy.Gpu.Tests.Control;

/// <summary>The simulated GPU bench: every JSON field present, and the real controller meeting ±5 % / 2 s.</summary>
public class GpuBenchTests
{
    [Fact]
    public void Json_HasEveryField_AndSaysTheRatesAreModelled()
    {
        using var doc = JsonDocument.Parse(GpuBench.ToJson(GpuBench.RunSimulated(SimulatedGpuSpec.H100Sxm)));
        var root = doc.RootElement;

        Assert.Equal("simulated H100 SXM 80GB", root.GetProperty("device").GetString());
        foreach (var name in new[] { "sha256dGhs", "sha256dJoulesPerGh", "sharesFound", "sharesVerified", "gemmTflops" })
        {
            Assert.Equal(JsonValueKind.Number, root.GetProperty(name).ValueKind);
        }

        Assert.Contains("not measured", root.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.InRange(root.GetProperty("sha256dGhs").GetDouble(), 6, 8);
        Assert.InRange(root.GetProperty("sha256dJoulesPerGh").GetDouble(), 50, 65);
        var tracking = root.GetProperty("powerTracking").EnumerateArray().ToList();
        Assert.Equal([200.0, 300.0, 450.0], tracking.Select(t => t.GetProperty("targetW").GetDouble()));
        Assert.All(tracking, t => Assert.Equal(["targetW", "meanW", "errorPct", "settleSeconds"], t.EnumerateObject().Select(p => p.Name)));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(60)]
    public void PowerTracking_Within5Percent_SettledInside2Seconds(double seconds)
    {
        var result = GpuBench.RunSimulated(SimulatedGpuSpec.H100Sxm, seconds);

        Assert.All(result.PowerTracking, p =>
        {
            Assert.InRange(p.ErrorPct, -5, 5);
            Assert.NotNull(p.SettleSeconds);
            Assert.InRange(p.SettleSeconds.Value, 0, 2);
        });
    }

    [Fact]
    public void TooFewSeconds_Rejected() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GpuBench.RunSimulated(SimulatedGpuSpec.H100Sxm, 1));
}
