using Energy.Contracts.Signals;
using Energy.Contracts.Units;

namespace Energy.Contracts.Tests.Signals;

public class SignalUnitsTests
{
    [Theory]
    [InlineData("bath.heatDemandKw", "kW")]
    [InlineData("grid.importKw", "kW")]
    [InlineData("bath.tankStoredKwh", "kWh")]
    [InlineData("bath.heatEnergyMwh", "MWh")]
    [InlineData("bath.supplyTemperatureC", "°C")]
    [InlineData("tank.{1}.topC", "°C")]
    [InlineData("grid.frequencyHz", "Hz")]
    [InlineData("grid.voltageL1V", "V")]
    [InlineData("bath.flowM3PerHour", "m³/h")]
    [InlineData("bath.valveOpenPercent", "%")]
    public void Of_KnownSuffix_IsItsUnit(string signal, string symbol)
    {
        Assert.Equal(Unit.Parse(symbol), SignalUnits.Of(signal));
    }

    [Theory]
    [InlineData("bath.visitors")]
    [InlineData("tenant.acme-inference.demandGpus")]
    [InlineData("bath.boilerOn")]
    [InlineData("bath.heatMeterErrorCode")]
    [InlineData("bath.deltaTemperatureK")]
    [InlineData("grid.spotPricePerMwh")]
    [InlineData("grid.feePerKwh")]
    [InlineData("test.{1}")]
    [InlineData("plant.HVAC")]
    [InlineData("bath.kw")]
    [InlineData("Kw")]
    [InlineData("")]
    public void Of_NoKnownSuffix_IsNull(string signal)
    {
        Assert.Null(SignalUnits.Of(signal));
    }
}
