using Energy.Contracts.Configuration;
using Energy.Contracts.Devices;

namespace Energy.Contracts.Tests.Configuration;

/// <summary>The <c>devices</c> section: Modbus device maps with explicit address bases.</summary>
public sealed class SiteFileDeviceTests
{
    private const string Minimal = """
        site: { name: s, timeZone: UTC }
        grid: { importCapKw: 100 }
        pools:
          - { name: p, gpuModel: H100, count: 1, minPowerW: 200, idlePowerW: 80, maxPowerW: 700 }
        workloads:
          - { name: h, kind: heater }
        devices:
          - name: meter
            endpoint: 127.0.0.1:1502
            unitId: 3
            addressBase: BASE
            points:
              - { name: power, signal: grid.importKw, table: holding, address: ADDR, type: int32, wordOrder: cdab, scale: 0.01, unit: kW, min: 0, max: 900 }
              - { name: alarm, signal: grid.alarm, table: input, address: 11, type: uint16, bit: 3 }
              - { name: breaker, signal: grid.breakerClosed, table: coil, address: 1 }
        """;

    [Fact]
    public void Parse_AddressBaseOne_SubtractsOneForTheWire()
    {
        var device = Load(Minimal.Replace("BASE", "1").Replace("ADDR", "40", StringComparison.Ordinal)).Devices.Single();

        Assert.Equal(1, device.AddressBase);
        Assert.Equal((byte)3, device.UnitId);
        var power = device.Points[0];
        Assert.Equal((ModbusTable.HoldingRegister, (ushort)39, ModbusValueType.Int32, WordOrder.Cdab), (power.Table, power.Address, power.Type, power.WordOrder));
        Assert.Equal(0.01, power.Scale);
        Assert.Equal((ushort)10, device.Points[1].Address);
        Assert.Equal(3, device.Points[1].Bit);
        Assert.True(device.Points[2].IsBitTable);
    }

    [Fact]
    public void Parse_AddressBaseZero_KeepsTheAddress()
    {
        var device = Load(Minimal.Replace("BASE", "0").Replace("ADDR", "40", StringComparison.Ordinal)).Devices.Single();

        Assert.Equal((ushort)40, device.Points[0].Address);
        Assert.Equal(TimeSpan.FromSeconds(1), device.PollPeriod);
    }

    [Fact]
    public void Parse_AddressBaseMissing_IsAnErrorAtTheDevice()
    {
        var yaml = Minimal.Replace("    addressBase: BASE\n", string.Empty, StringComparison.Ordinal).Replace("ADDR", "40", StringComparison.Ordinal);

        var error = Assert.Single(SiteFile.Parse(yaml, "s.yaml").Errors);

        Assert.Equal(("devices[0].addressBase", 8), (error.Field, error.Line));
        Assert.Contains("missing required field", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ADDR", "0", "devices[0].points[0].address", "expected a whole number between 1 and 65536")]
    [InlineData("type: int32", "type: int24", "devices[0].points[0].type", "expected one of uint16, int16")]
    [InlineData("wordOrder: cdab", "wordOrder: abdc", "devices[0].points[0].wordOrder", "expected one of abcd, cdab, badc, dcba")]
    [InlineData("table: holding", "table: registers", "devices[0].points[0].table", "expected one of coil, discrete, holding, input")]
    [InlineData("type: uint16, bit: 3", "type: int32, bit: 3", "devices[0].points[1].bit", "a bit field lives in one 16-bit register")]
    [InlineData("127.0.0.1:1502", "meter.local", "devices[0].endpoint", "expected HOST:PORT")]
    [InlineData("unitId: 3", "unitId: 256", "devices[0].unitId", "between 0 and 255")]
    [InlineData("min: 0, max: 900", "min: 900, max: 0", "devices[0].points[0].min", "is above the maximum")]
    public void Parse_BrokenPoint_NamesTheField(string find, string replace, string field, string message)
    {
        var yaml = Minimal.Replace("BASE", "1").Replace(find, replace, StringComparison.Ordinal).Replace("ADDR", "40", StringComparison.Ordinal);

        var errors = SiteFile.Parse(yaml, "s.yaml").Errors;

        Assert.Contains(errors, e => e.Field == field && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_BathhouseExample_HasTheThreeSimulatedDevices()
    {
        var site = SiteFile.LoadOrThrow(TestSupport.RepoPaths.Example("bathhouse.yaml"));

        Assert.Equal(["heat-meter", "tank-controller", "site-meter"], site.Devices.Select(d => d.Name));
        Assert.All(site.Devices, d => Assert.NotNull(d.Simulate));
        Assert.Contains(site.Devices.SelectMany(d => d.Points), p => p.Signal == "grid.frequencyHz");
        Assert.Equal((ushort)0, site.Devices.Single(d => d.Name == "tank-controller").Points[0].Address);
    }

    [Fact]
    public void Parse_ShippedSharkyMap_IsAValidDeviceEntry()
    {
        var snippet = File.ReadAllLines(TestSupport.RepoPaths.Root + "/ops/examples/devices/diehl-sharky-775.yaml")
            .Where(l => !l.StartsWith('#') && l.Length > 0)
            .Select(l => "  " + l);
        var yaml = Minimal[..Minimal.IndexOf("devices:", StringComparison.Ordinal)] + "devices:\n" + string.Join("\n", snippet) + "\n";

        var device = Load(yaml).Devices.Single();

        Assert.Equal("sharky-775", device.Name);
        Assert.Equal(7, device.Points.Count);
        Assert.All(device.Points.Where(p => p.Type == ModbusValueType.Float32), p => Assert.Equal(WordOrder.Abcd, p.WordOrder));
        Assert.Equal((ushort)28, device.Points.Single(p => p.Name == "power").Address);
    }

    private static Energy.Contracts.Sites.Site Load(string yaml)
    {
        var result = SiteFile.Parse(yaml, "s.yaml");
        Assert.True(result.IsValid, string.Join("\n", result.Errors));
        return result.Site!;
    }
}
