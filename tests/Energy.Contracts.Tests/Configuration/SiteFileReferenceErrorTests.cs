using Energy.TestSupport.Sites;

namespace Energy.Contracts.Tests.Configuration;

/// <summary>Names are unique and every reference points at something the file defines.</summary>
public class SiteFileReferenceErrorTests
{
    private static SiteFileText Bathhouse => SiteFileText.Bathhouse();

    [Fact]
    public void Parse_PoolReferencesUnknownHeatLoop_ErrorListsDefinedLoops()
    {
        var text = Bathhouse.ReplaceLine(36, "heatLoop: bath", "    heatLoop: bth");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 36, 15, "pools[0].heatLoop", "there is no heat loop named 'bth' (defined: bath)");
    }

    [Fact]
    public void Parse_WorkloadReferencesUnknownPool_ErrorListsDefinedPools()
    {
        var text = Bathhouse.ReplaceLine(75, "pools: [liquid-h100]", "    pools: [liquid-h10]");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 75, 12, "workloads[0].pools",
            "there is no GPU pool named 'liquid-h10' (defined: air-l40s, liquid-h100)");
    }

    [Fact]
    public void Parse_HeatLoopReferenceWithoutAnyLoops_SaysNoneAreDefined()
    {
        const string yaml = """
            site: { name: s, timeZone: Europe/Berlin }
            grid: { importCapKw: 100 }
            pools:
              - { name: p, gpuModel: m, count: 1, minPowerW: 100, idlePowerW: 50, maxPowerW: 300, heatLoop: bath }
            workloads:
              - { name: h, kind: heater }
            """;

        SiteFileAssert.SingleError(SiteFileAssert.Parse(yaml), 4, 97, "pools[0].heatLoop", "(none are defined)");
    }

    [Fact]
    public void Parse_DuplicatePoolName_ErrorAtTheSecondName()
    {
        var text = Bathhouse.ReplaceLine(38, "name: air-l40s", "  - name: liquid-h100");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 38, 11, "pools[1].name", "a GPU pool named 'liquid-h100' is already defined");
    }

    [Fact]
    public void Parse_DuplicateWorkloadName_ErrorAtTheSecondName()
    {
        var text = Bathhouse.ReplaceLine(87, "name: heater", "  - name: mining");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 87, 11, "workloads[2].name", "a workload named 'mining' is already defined");
    }

    [Fact]
    public void Parse_DuplicateHeatLoopName_ErrorAtTheSecondName()
    {
        var text = Bathhouse.ReplaceLine(47, "- name: bath", """
              - name: bath
                captureFraction: 0.5
                maxAbsorptionKw: 10
                consumer: { name: pool, peakDemandKw: 10 }
              - name: bath
            """);

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 51, 11, "heatLoops[1].name", "a heat loop named 'bath' is already defined");
    }

    [Fact]
    public void Parse_SlaAboveWhatItsPoolsHold_ErrorAtSlaMinGpus()
    {
        var text = Bathhouse
            .ReplaceLine(77, "slaMinGpus: 96", "    slaMinGpus: 1500")
            .ReplaceLine(78, "maxGpus: 640", "    maxGpus: 2000");

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 77, 17, "workloads[0].slaMinGpus", "more than its pools hold (1024 GPUs)");
    }

    [Fact]
    public void Parse_TwoMiningWorkloads_ErrorAtWorkloads()
    {
        var text = Bathhouse
            .ReplaceLine(87, "name: heater", "  - name: mining-2")
            .ReplaceLine(88, "kind: heater", "    kind: mining")
            .ReplaceLine(89, "pools: [liquid-h100]", """
                    unit: t
                    joulesPerUnit: 1
                    revenuePerUnit: 0
                """);

        SiteFileAssert.SingleError(SiteFileAssert.Parse(text), 72, 3, "workloads", "at most one mining workload");
    }
}
