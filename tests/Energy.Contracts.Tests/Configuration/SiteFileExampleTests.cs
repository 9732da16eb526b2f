using System.Globalization;
using Energy.Contracts.Configuration;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.TestSupport;
using Energy.TestSupport.Sites;

namespace Energy.Contracts.Tests.Configuration;

public class SiteFileExampleTests
{
    [Theory]
    [InlineData("bathhouse.yaml")]
    [InlineData("district-heat.yaml")]
    public void Load_ShippedExample_IsValid(string fileName)
    {
        SiteFileAssert.Valid(SiteFile.Load(RepoPaths.Example(fileName)));
    }

    [Fact]
    public void Parse_BathhouseText_IsValid()
    {
        SiteFileAssert.Valid(SiteFileAssert.Parse(SiteFileText.Bathhouse()));
    }

    [Fact]
    public void Load_Bathhouse_HasTwoPoolsOf1280Gpus()
    {
        var site = TestSites.Bathhouse();

        Assert.Equal("bathhouse", site.Name);
        Assert.Equal(["liquid-h100", "air-l40s"], site.Pools.Select(p => p.Name));
        Assert.Equal(1_280, site.TotalGpus);
        Assert.Equal("bath", site.Pool("liquid-h100").HeatLoop);
        Assert.Null(site.Pool("air-l40s").HeatLoop);
        Assert.Equal(700, site.Pool("liquid-h100").MaxPowerPerGpu.Watts);
        Assert.Equal(0.30, site.Pool("air-l40s").CoolingOverhead);
    }

    [Fact]
    public void Load_Bathhouse_GridCapAndTariffInKilowattsAndEuros()
    {
        var site = TestSites.Bathhouse();

        Assert.Equal(900, site.Grid.ImportCap.Kilowatts);
        Assert.Equal(60, site.Grid.BaseLoad.Kilowatts);
        Assert.Equal(840, site.Grid.ControllableCap.Kilowatts);
        Assert.Equal(118, site.Grid.Tariff.CostAt(EnergyPrice.EurPerMwh(78)).PerMegawattHour, 9);
        Assert.Equal("Europe/Berlin", site.TimeZone.Id);
        Assert.Equal(Currency.Eur, site.Currency);
    }

    [Fact]
    public void Load_Bathhouse_TankCapacityComesFromWaterVolumeAndTemperatures()
    {
        var tank = TestSites.Bathhouse().HeatLoops.Single().Storage!;

        // 40 000 l × 0.975 kg/l × 4.19 kJ/(kg·K) × 30 K ≈ 1.362 MWh
        Assert.Equal(1.36, tank.Capacity.MegawattHours, 2);
        Assert.Equal(100, tank.Minimum.KilowattHours, 9);
        Assert.Equal(700, tank.Initial.KilowattHours, 9);
        Assert.Equal(0.005, tank.LossFractionPerHour, 12);
        Assert.Equal(500, tank.MaxCharge.Kilowatts);
    }

    [Fact]
    public void Load_Bathhouse_HeatLoopConsumerAndBoiler()
    {
        var loop = TestSites.Bathhouse().HeatLoops.Single();

        Assert.Equal(0.85, loop.CaptureFraction);
        Assert.Equal(650, loop.MaxAbsorption.Kilowatts);
        Assert.Equal(750, loop.Consumer.PeakDemand.Kilowatts);
        Assert.Equal(70, loop.Consumer.SupplyTemperature.Celsius);
        Assert.Equal(1_200, loop.Boiler!.Capacity.Kilowatts);
        Assert.Equal(56.52, loop.Boiler.HeatCost.PerMegawattHour, 2);
    }

    [Fact]
    public void Load_Bathhouse_MiningIsWorth110EurPerMwh()
    {
        var mining = TestSites.Bathhouse().Workloads.OfType<MiningWorkload>().Single();

        Assert.Equal(110, mining.ValuePerMwh.PerMegawattHour, 6);
        Assert.Equal(Currency.Eur, mining.ValuePerMwh.Currency);
        Assert.Empty(mining.Pools);
    }

    [Theory]
    [InlineData("2024-07-01T06:00:00Z", 340)]   // 08:00 CEST
    [InlineData("2024-01-15T06:00:00Z", 240)]   // 07:00 CET
    [InlineData("2024-01-15T22:30:00Z", 140)]   // 23:30 CET
    public void Load_Bathhouse_InferenceDemandFollowsLocalHour(string instant, int expected)
    {
        var site = TestSites.Bathhouse();
        var inference = site.Workloads.OfType<InferenceWorkload>().Single();

        var demand = inference.DemandAt(DateTimeOffset.Parse(instant, CultureInfo.InvariantCulture), site.TimeZone);

        Assert.Equal(expected, demand);
        Assert.Equal(96, inference.SlaMinGpus);
        Assert.Equal(640, inference.MaxGpus);
    }

    [Fact]
    public void Load_Bathhouse_PolicyAsWritten()
    {
        var policy = TestSites.Bathhouse().Policy;

        Assert.Equal(TimeSpan.FromMinutes(15), policy.MinDwell);
        Assert.Equal(400, policy.MaxImportPrice!.Value.PerMegawattHour);
        Assert.Equal(300, policy.RampLimitPerMinute!.Value.Kilowatts);
        Assert.False(policy.MayShedSla);
        Assert.Equal(SafeState.Idle, policy.SafeState);
    }
}
