using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Contracts.Configuration;

internal sealed partial class SiteFileReader
{
    private List<HeatLoop> HeatLoops(IReadOnlyList<YamlSection> sections)
    {
        var loops = new List<HeatLoop>();
        foreach (var l in sections)
        {
            var name = l.String("name");
            Declare(_loopNames, name);
            var capture = l.Number("captureFraction", "fraction of GPU power, 0..1", min: 0, max: 1);
            var absorption = l.Number("maxAbsorptionKw", "kW", min: 0, max: SiteFileLimits.MaxKw);
            var price = l.Number("heatPricePerMwh", $"{_currency}/MWh of heat", required: false) ?? 0;
            var dryCooler = l.Number("dryCoolerKw", "kW", required: false, min: 0, max: SiteFileLimits.MaxKw) ?? 0;
            var consumer = Consumer(l.Section("consumer"));
            var storage = Storage(l.Section("storage", required: false));
            var boiler = Boiler(l.Section("boiler", required: false));
            var maxCoolant = l.Number("maxCoolantTemperatureC", "°C", required: false, min: 0, max: 120);
            var coolantSignal = l.String("coolantTemperatureSignal", required: false);
            l.Complete();
            if (name is not null && capture is not null && absorption is not null && consumer is not null)
            {
                var loop = new HeatLoop(name, capture.Value, Power.FromKilowatts(absorption.Value),
                    EnergyPrice.PerMwh(price, _currency), consumer, storage, boiler, Power.FromKilowatts(dryCooler))
                {
                    MaxCoolantTemperature = maxCoolant is { } max ? Temperature.FromCelsius(max) : null,
                };
                if (coolantSignal is not null)
                {
                    loop = loop with { CoolantTemperatureSignal = coolantSignal };
                }

                _origins[loop] = l;
                loops.Add(loop);
            }
        }

        return loops;
    }

    private HeatConsumer? Consumer(YamlSection? c)
    {
        if (c is null)
        {
            return null;
        }

        var name = c.String("name");
        var peak = c.Number("peakDemandKw", "kW", min: 0, max: SiteFileLimits.MaxKw);
        var supply = c.Number("supplyTemperatureC", "°C", required: false, min: 0, max: 200) ?? 70;
        var penalty = c.Number("shortfallPenaltyPerMwh", $"{_currency}/MWh", required: false, min: 0) ?? 1_000;
        c.Complete();
        return name is null || peak is null
            ? null
            : new HeatConsumer(name, Power.FromKilowatts(peak.Value), Temperature.FromCelsius(supply), EnergyPrice.PerMwh(penalty, _currency));
    }

    /// <summary>A tank is given by its usable energy (<c>capacityKwh</c>) or by water volume and temperature band.</summary>
    private static HeatStorage? Storage(YamlSection? s)
    {
        if (s is null)
        {
            return null;
        }

        double? capacityKwh;
        if (s.Has("volumeLitres"))
        {
            var volume = s.Number("volumeLitres", "l", min: 1);
            var low = s.Number("minTemperatureC", "°C", min: 0, max: 200);
            var high = s.Number("maxTemperatureC", "°C", min: 0, max: 200);
            if (low >= high)
            {
                s.ErrorAt("maxTemperatureC", $"the highest temperature ({high} °C) must be above the lowest ({low} °C)");
            }

            capacityKwh = volume is null || low is null || high is null || low >= high
                ? null
                : HeatStorage.EnergyOfWater(volume.Value, Temperature.FromCelsius(low.Value), Temperature.FromCelsius(high.Value)).KilowattHours;
            if (s.Has("capacityKwh"))
            {
                s.ErrorAt("capacityKwh", "give either capacityKwh or volumeLitres with minTemperatureC and maxTemperatureC, not both");
            }
        }
        else
        {
            capacityKwh = s.Number("capacityKwh", "kWh", min: 0.001);
        }

        s.Allow("capacityKwh");
        var minimum = s.Number("minimumKwh", "kWh", required: false, min: 0) ?? 0;
        var initial = s.Number("initialKwh", "kWh", required: false, min: 0);
        var loss = s.Number("lossPercentPerHour", "%/h", required: false, min: 0, max: 100) ?? 0;
        var charge = s.Number("maxChargeKw", "kW", min: 0, max: SiteFileLimits.MaxKw);
        var discharge = s.Number("maxDischargeKw", "kW", min: 0, max: SiteFileLimits.MaxKw);
        if (capacityKwh is not null && minimum > capacityKwh)
        {
            s.ErrorAt("minimumKwh", $"the minimum ({minimum} kWh) is above the capacity ({capacityKwh:0.#} kWh)");
        }

        if (capacityKwh is not null && (initial > capacityKwh || initial < minimum))
        {
            s.ErrorAt("initialKwh", $"the initial content ({initial} kWh) must lie between the minimum ({minimum} kWh) and the capacity ({capacityKwh:0.#} kWh)");
        }

        s.Complete();
        return capacityKwh is null || charge is null || discharge is null
            ? null
            : new HeatStorage(
                EnergyAmount.FromKilowattHours(capacityKwh.Value),
                EnergyAmount.FromKilowattHours(minimum),
                EnergyAmount.FromKilowattHours(initial ?? Math.Max(minimum, capacityKwh.Value / 2)),
                loss / 100,
                Power.FromKilowatts(charge.Value),
                Power.FromKilowatts(discharge.Value));
    }

    private Boiler? Boiler(YamlSection? b)
    {
        if (b is null)
        {
            return null;
        }

        var capacity = b.Number("capacityKw", "kW", min: 0, max: SiteFileLimits.MaxKw);
        var efficiency = b.Number("efficiency", "fraction, 0..1", min: 0.01, max: 1.2);
        var fuel = b.Number("fuelPricePerMwh", $"{_currency}/MWh of fuel", min: 0);
        b.Complete();
        return capacity is null || efficiency is null || fuel is null
            ? null
            : new Boiler(Power.FromKilowatts(capacity.Value), efficiency.Value, EnergyPrice.PerMwh(fuel.Value, _currency));
    }
}
