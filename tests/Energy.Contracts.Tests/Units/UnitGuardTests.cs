using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Units;

/// <summary>Every factory and arithmetic result of every unit type rejects NaN and ±∞ (UnitGuard).</summary>
public class UnitGuardTests
{
    private static readonly Dictionary<string, Func<double, object>> Factories = new(StringComparer.Ordinal)
    {
        ["Power.FromWatts"] = v => Power.FromWatts(v),
        ["Power.FromKilowatts"] = v => Power.FromKilowatts(v),
        ["Power.FromMegawatts"] = v => Power.FromMegawatts(v),
        ["Power.FromMilliwatts"] = v => Power.FromMilliwatts(v),
        ["EnergyAmount.FromWattHours"] = v => EnergyAmount.FromWattHours(v),
        ["EnergyAmount.FromKilowattHours"] = v => EnergyAmount.FromKilowattHours(v),
        ["EnergyAmount.FromMegawattHours"] = v => EnergyAmount.FromMegawattHours(v),
        ["EnergyAmount.FromJoules"] = v => EnergyAmount.FromJoules(v),
        ["EnergyPrice.PerMwh"] = v => EnergyPrice.PerMwh(v, Currency.Eur),
        ["EnergyPrice.PerKwh"] = v => EnergyPrice.PerKwh(v, Currency.Eur),
        ["EnergyPrice.EurPerMwh"] = v => EnergyPrice.EurPerMwh(v),
        ["Money.Of"] = v => Money.Of(v, Currency.Usd),
        ["Money.Eur"] = v => Money.Eur(v),
        ["Temperature.FromCelsius"] = v => Temperature.FromCelsius(v),
        ["Temperature.FromKelvin"] = v => Temperature.FromKelvin(v),
    };

    public static TheoryData<string, double> NonFiniteInputs()
    {
        var data = new TheoryData<string, double>();
        foreach (var factory in Factories.Keys)
        {
            data.Add(factory, double.NaN);
            data.Add(factory, double.PositiveInfinity);
            data.Add(factory, double.NegativeInfinity);
        }

        return data;
    }

    public static TheoryData<string> FactoryNames() => [.. Factories.Keys];

    [Theory]
    [MemberData(nameof(NonFiniteInputs))]
    public void Factory_NonFiniteValue_ThrowsArgumentOutOfRange(string factory, double value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Factories[factory](value));
    }

    [Theory]
    [MemberData(nameof(FactoryNames))]
    public void Factory_FiniteValue_IsAccepted(string factory)
    {
        Assert.NotNull(Factories[factory](12.5));
    }

    [Fact]
    public void Factory_OverflowsAfterConversion_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Power.FromMegawatts(double.MaxValue));
        Assert.Throws<ArgumentOutOfRangeException>(() => EnergyAmount.FromMegawattHours(double.MaxValue));
    }

    [Fact]
    public void Divide_ByZeroFactor_ThrowsInsteadOfInfinity()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Power.FromWatts(1) / 0.0);
        Assert.Throws<ArgumentOutOfRangeException>(() => EnergyAmount.FromWattHours(1) / 0.0);
        Assert.Throws<ArgumentOutOfRangeException>(() => EnergyPrice.EurPerMwh(1) / 0.0);
        Assert.Throws<ArgumentOutOfRangeException>(() => Money.Eur(1) / 0.0);
    }

    [Fact]
    public void Multiply_ByNaN_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Power.FromWatts(1) * double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => EnergyAmount.FromWattHours(1) * double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => EnergyPrice.EurPerMwh(1) * double.NaN);
        Assert.Throws<ArgumentOutOfRangeException>(() => Money.Eur(1) * double.NaN);
    }
}
