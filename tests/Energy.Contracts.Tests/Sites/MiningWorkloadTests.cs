using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Sites;

public class MiningWorkloadTests
{
    [Fact]
    public void ValuePerMwh_TicketOf10WhAt0point0011_Is110PerMwh()
    {
        var mining = new MiningWorkload("mining", [], "ticket", 36_000, Money.Eur(0.0011));

        Assert.Equal(EnergyPrice.EurPerMwh(110).PerMegawattHour, mining.ValuePerMwh.PerMegawattHour, 9);
    }

    [Fact]
    public void ValuePerMwh_KeepsTheRevenueCurrency()
    {
        var mining = new MiningWorkload("mining", [], "TH", 3.6e9, Money.Of(50, Currency.Usd));

        Assert.Equal(EnergyPrice.PerMwh(50, Currency.Usd), mining.ValuePerMwh);
    }

    [Fact]
    public void ValuePerMwh_HalfTheEnergyPerUnit_DoublesTheValue()
    {
        var costly = new MiningWorkload("m", [], "t", 36_000, Money.Eur(0.001));
        var efficient = costly with { JoulesPerUnit = 18_000 };

        Assert.Equal(2 * costly.ValuePerMwh.PerMegawattHour, efficient.ValuePerMwh.PerMegawattHour, 9);
    }

    [Fact]
    public void MayRunOn_NoPoolsListed_RunsEverywhere()
    {
        var mining = new MiningWorkload("mining", [], "ticket", 36_000, Money.Eur(0.0011));
        var pool = new GpuPool("any", "L40S", 4, Power.FromWatts(100), Power.FromWatts(35), Power.FromWatts(350), null, 0.3);

        Assert.True(mining.MayRunOn(pool));
        Assert.Equal(WorkloadKind.Mining, mining.Kind);
    }
}
