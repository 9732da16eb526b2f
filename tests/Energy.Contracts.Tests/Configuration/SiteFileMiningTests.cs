using Energy.Contracts.Configuration;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using static Energy.Contracts.Tests.Configuration.SiteFileAssert;

namespace Energy.Contracts.Tests.Configuration;

/// <summary>A mining workload's SHA-256d keys (algorithm, hash rates), value series and pool account.</summary>
public sealed class SiteFileMiningTests
{
    private const string Yaml = """
        site: { name: s, timeZone: UTC, currency: EUR }
        grid: { importCapKw: 1000 }
        pools:
          - { name: h100, gpuModel: H100 SXM 80GB, count: 4, minPowerW: 200, idlePowerW: 80, maxPowerW: 700 }
          - { name: odd, gpuModel: Mystery 9000, count: 4, minPowerW: 100, idlePowerW: 30, maxPowerW: 300 }
        workloads:
          - name: btc
            kind: mining
            unit: TH
            joulesPerUnit: 48000
            revenuePerUnit: 0.0000006
        MINING
        """;

    private static string With(string lines) =>
        Yaml.Replace("MINING", string.Join('\n', lines.Split('\n').Select(l => "    " + l)), StringComparison.Ordinal);

    private static MiningWorkload Btc(SiteFileResult result)
    {
        Valid(result);
        return Assert.IsType<MiningWorkload>(result.Site!.Workloads.Single());
    }

    [Fact]
    public void Parse_NoNewKeys_WorkUnitWithoutPoolOrSeries()
    {
        var btc = Btc(Parse(With(string.Empty)));

        Assert.Equal(MiningAlgorithm.WorkUnit, btc.Algorithm);
        Assert.Null(btc.Pool);
        Assert.Null(btc.ValueSeries);
        Assert.False(btc.EarnsNothing);
    }

    [Fact]
    public void Parse_Sha256dWithoutPool_EarnsNothing()
    {
        var btc = Btc(Parse(With("algorithm: sha256d")));

        Assert.Equal(MiningAlgorithm.Sha256d, btc.Algorithm);
        Assert.True(btc.EarnsNothing);
    }

    [Fact]
    public void Parse_PoolWorkerPasswordEnv_ReadIntoTheAccount()
    {
        var btc = Btc(Parse(With("algorithm: sha256d\npool: stratum+tcp://pool.example.com:3333\nworker: acct.rig1\npasswordEnv: POOL_PASSWORD")));

        Assert.Equal(new MiningPoolAccount("stratum+tcp://pool.example.com:3333", "acct.rig1", "POOL_PASSWORD"), btc.Pool);
        Assert.False(btc.EarnsNothing);
        Assert.Equal("s3cret", btc.Pool!.Password(n => n == "POOL_PASSWORD" ? "s3cret" : null));
        Assert.Equal("x", btc.Pool.Password(_ => null));
    }

    [Fact]
    public void Parse_PoolWithoutWorker_ErrorAtTheWorkload()
    {
        HasError(Parse(With("algorithm: sha256d\npool: stratum+tcp://pool.example.com:3333")), 7, 5, "workloads[0].worker", "missing required field");
    }

    [Fact]
    public void Parse_PoolNotStratumTcp_ErrorAtPool()
    {
        SingleError(Parse(With("algorithm: sha256d\npool: http://pool.example.com\nworker: w")), 13, 11, "workloads[0].pool", "expected stratum+tcp://HOST:PORT");
    }

    [Fact]
    public void Parse_WorkerWithoutPool_Error()
    {
        SingleError(Parse(With("algorithm: sha256d\nworker: w")), 13, 13, "workloads[0].worker", "belongs to a pool");
    }

    [Fact]
    public void Parse_PasswordInsteadOfVariableName_Error()
    {
        SingleError(Parse(With("algorithm: sha256d\npool: stratum+tcp://p.example.com:3333\nworker: w\npasswordEnv: hunter2 x")), 15, 18, "workloads[0].passwordEnv", "not an environment variable name");
    }

    [Fact]
    public void Parse_HashRateOnATicketWorkload_ErrorNamingAlgorithm()
    {
        SingleError(Parse(With("hashRateGhPerGpu: 7")), 12, 23, "workloads[0].hashRateGhPerGpu", "add 'algorithm: sha256d'");
    }

    [Fact]
    public void Parse_HashRates_PerPoolThenForAllThenModelled()
    {
        var site = Parse(With("algorithm: sha256d\nhashRates:\n  - { pool: odd, ghPerGpu: 2.5, powerW: 250 }")).Site!;
        var btc = (MiningWorkload)site.Workloads.Single();

        Assert.Equal(new Sha256dRate(2.5, 250, "measured (site file)"), btc.HashRateOn(site.Pools[1]));
        var h100 = btc.HashRateOn(site.Pools[0])!;
        Assert.Equal(8.1, h100.GhPerSecond);
        Assert.Equal(390, h100.PowerW);
        Assert.StartsWith("modelled", h100.Source, StringComparison.Ordinal);

        var all = (MiningWorkload)Parse(With("algorithm: sha256d\nhashRateGhPerGpu: 7.0")).Site!.Workloads.Single();
        Assert.Equal(new Sha256dRate(7.0, 390, "measured (site file)"), all.HashRateOn(site.Pools[0]));
        Assert.Equal(new Sha256dRate(7.0, 300, "measured (site file)"), all.HashRateOn(site.Pools[1]));   // no model: the pool's maximum
        Assert.Null(((MiningWorkload)Parse(With("algorithm: sha256d")).Site!.Workloads.Single()).HashRateOn(site.Pools[1]));
    }

    [Fact]
    public void Parse_HashRateForAnUnknownPool_ReferenceError()
    {
        var result = Parse(With("algorithm: sha256d\nhashRates:\n  - { pool: nope, ghPerGpu: 2.5 }"));
        Assert.Contains(result.Errors, e => e.Field == "workloads[0].hashRates[0].pool" && e.Message.Contains("nope", StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_ValueSeries_ResolvedAgainstTheSiteFilesFolder()
    {
        var result = SiteFile.Parse(With("valueSeries: data/hashprice.csv\nvalueFx: 0.92"), Path.Combine("sites", "a", "site.yaml"));
        Valid(result);
        var btc = (MiningWorkload)result.Site!.Workloads.Single();

        Assert.Equal(Path.Combine("sites", "a", "data", "hashprice.csv"), btc.ValueSeries);
        Assert.Equal(0.92, btc.ValueFx);
    }

    [Fact]
    public void Parse_ValueFxWithoutSeries_Error()
    {
        SingleError(Parse(With("valueFx: 0.92")), 12, 14, "workloads[0].valueFx", "there is no valueSeries");
    }

    [Fact]
    public void ValuePerMwh_Hashprice_IsHashpriceTimesTerahashOverEnergyPerDay()
    {
        var pool = new GpuPool("p", "H100 SXM", 1, Power.FromWatts(200), Power.FromWatts(80), Power.FromWatts(700), null, 0);
        var rate = new Sha256dRate(8.1, 390, "test");

        // 0.05 USD per TH/s per day × 0.0081 TH/s = 0.000405 USD a day, for 390 W × 24 h = 0.00936 MWh.
        Assert.Equal(0.000405 / 0.00936, rate.ValuePerMwh(0.05, pool), 9);
        Assert.Equal(390 / 8.1, rate.JoulesPerGh(pool), 9);
    }

    [Fact]
    public void Sha256dModel_PoolCappedBelowHashingPower_SameEnergyPerHash()
    {
        var capped = new GpuPool("p", "H100 SXM", 1, Power.FromWatts(100), Power.FromWatts(60), Power.FromWatts(300), null, 0);
        var rate = Sha256dModel.For(capped)!;

        Assert.Equal(300, rate.PowerW);
        Assert.Equal(390 / 8.1, rate.JoulesPerGh(capped), 9);
    }
}
