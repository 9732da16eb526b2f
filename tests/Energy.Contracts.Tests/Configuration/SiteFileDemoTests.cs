using Energy.Contracts.Configuration;

namespace Energy.Contracts.Tests.Configuration;

/// <summary>The optional top-level <c>demo</c> key and how it meets devices marked <c>simulate</c>.</summary>
public sealed class SiteFileDemoTests
{
    private const string Minimal = """
        site: { name: s, timeZone: UTC }
        grid: { importCapKw: 100 }
        pools:
          - { name: p, gpuModel: H100, count: 1, minPowerW: 200, idlePowerW: 80, maxPowerW: 700 }
        workloads:
          - { name: h, kind: heater }
        DEMO
        devices:
          - name: meter
            endpoint: 127.0.0.1:1502
            unitId: 1
            addressBase: 0
            SIMULATE
            points:
              - { name: power, signal: grid.meteredImportKw, table: holding, address: 0, type: int16, unit: kW }
        """;

    [Theory]
    [InlineData("", "", null)]
    [InlineData("demo: true", "", true)]
    [InlineData("demo: false", "", false)]
    [InlineData("", "simulate: site-meter", null)]
    [InlineData("demo: true", "simulate: site-meter", true)]
    public void Parse_DemoKeyIsOptional_AndKeptAsWritten(string demo, string simulate, bool? expected)
    {
        var result = SiteFileAssert.Parse(Yaml(demo, simulate));

        SiteFileAssert.Valid(result);
        Assert.Equal(expected, result.Site!.Demo);
    }

    [Fact]
    public void Parse_DemoFalseBesideASimulatedDevice_IsAnErrorAtTheDemoKey()
    {
        var result = SiteFileAssert.Parse(Yaml("demo: false", "simulate: site-meter"));

        SiteFileAssert.SingleError(result, line: 7, column: 7, field: "demo", messagePart: "meter is marked simulate");
    }

    [Fact]
    public void Parse_DemoNotABoolean_IsAnError()
    {
        var result = SiteFileAssert.Parse(Yaml("demo: maybe", ""));

        SiteFileAssert.SingleError(result, line: 7, column: 7, field: "demo", messagePart: "expected true or false");
    }

    private static string Yaml(string demo, string simulate) =>
        Minimal.Replace("DEMO", demo, StringComparison.Ordinal).Replace("SIMULATE", simulate, StringComparison.Ordinal);
}
