namespace Energy.Scheduler.Books;

/// <summary>A heat buyer's figures: the heat of every loop it buys from, its supply temperature against the contract, its bill, and the boiler's part.</summary>
public sealed class StatementHeatBuyerFigures(string buyer) : StatementFigures
{
    private readonly HashSet<EnergyBasis> _bases = [];
    private double _temperatureKwh;
    private double _temperatureTimesKwh;
    private readonly StatementRegisterSpan _meter = new();

    public string Buyer { get; } = buyer;

    /// <summary>kWh of heat delivered (the heat meter's register where there is one).</summary>
    public double HeatKwh { get; private set; }

    /// <summary>How the heat was obtained: counter, integrated, model, or several joined with '+'.</summary>
    public string? Basis => BasisText(_bases);

    /// <summary>Energy-weighted supply temperature over the heat whose temperature was measured; null where none was.</summary>
    public double? SupplyTemperatureC => _temperatureKwh > 0 ? _temperatureTimesKwh / _temperatureKwh : null;

    /// <summary>The contracted supply temperature (the highest, should its loops differ).</summary>
    public double? ContractSupplyTemperatureC { get; private set; }

    public double HoursBelowContract { get; private set; }

    /// <summary>What it is billed: delivered heat at the loop's heat price.</summary>
    public double Amount { get; private set; }

    /// <summary>Heat the backup boiler gave it.</summary>
    public double BoilerKwh { get; private set; }

    /// <summary>The boiler's fuel for that heat.</summary>
    public double BoilerFuelCost { get; private set; }

    /// <summary>Heat of its loops thrown away by the dry cooler.</summary>
    public double DumpedKwh { get; private set; }

    /// <summary>The heat meter's energy register where the line's counting started; null for a buyer of several loops or without a register.</summary>
    public double? MeterStartKwh => _meter.StartKwh;

    /// <summary>Its last reading in the line: with no reset or estimate, <see cref="HeatKwh"/> is end − start.</summary>
    public double? MeterEndKwh => _meter.EndKwh;

    public override IReadOnlyList<StatementField> Fields() =>
    [
        new("heatKwh", "Heat kWh-th", StatementUnit.Kwh, HeatKwh),
        new("basis", "Basis", StatementUnit.Text, null, Basis),
        new("supplyTemperatureC", "Supply °C", StatementUnit.Celsius, SupplyTemperatureC),
        new("contractSupplyTemperatureC", "Contract °C", StatementUnit.Celsius, ContractSupplyTemperatureC),
        new("hoursBelowContract", "h below contract", StatementUnit.Hours, HoursBelowContract),
        new("amount", "Amount", StatementUnit.Money, Amount),
        new("boilerKwh", "Boiler kWh-th", StatementUnit.Kwh, BoilerKwh),
        new("boilerFuelCost", "Boiler fuel", StatementUnit.Money, BoilerFuelCost),
        new("dumpedKwh", "Dumped kWh-th", StatementUnit.Kwh, DumpedKwh),
        new("meterStartKwh", "Meter from kWh", StatementUnit.Kwh, MeterStartKwh),
        new("meterEndKwh", "Meter to kWh", StatementUnit.Kwh, MeterEndKwh),
    ];

    internal override void AddSlot(LedgerSlot slot)
    {
        foreach (var line in slot.HeatLoops.Where(l => string.Equals(l.Buyer, Buyer, StringComparison.Ordinal)))
        {
            HeatKwh += line.DeliveredKwh;
            _bases.Add(line.DeliveredBasis);
            if (line.SupplyTemperatureC is { } t && line.DeliveredKwh > 0)
            {
                _temperatureKwh += line.DeliveredKwh;
                _temperatureTimesKwh += t * line.DeliveredKwh;
            }

            ContractSupplyTemperatureC = Math.Max(ContractSupplyTemperatureC ?? double.MinValue, line.ContractSupplyTemperatureC);
            HoursBelowContract += line.SecondsBelowContract / 3600;
            Amount += line.Revenue;
            BoilerKwh += line.BoilerKwh;
            BoilerFuelCost += line.BoilerFuelCost;
            DumpedKwh += line.DumpedKwh;
            _meter.Add(line.Loop, line.RegisterStartKwh, line.RegisterEndKwh);
        }
    }

    internal override void Add(StatementFigures other)
    {
        var o = Same<StatementHeatBuyerFigures>(other);
        HeatKwh += o.HeatKwh;
        _bases.UnionWith(o._bases);
        _temperatureKwh += o._temperatureKwh;
        _temperatureTimesKwh += o._temperatureTimesKwh;
        if (o.ContractSupplyTemperatureC is { } c)
        {
            ContractSupplyTemperatureC = Math.Max(ContractSupplyTemperatureC ?? double.MinValue, c);
        }

        HoursBelowContract += o.HoursBelowContract;
        Amount += o.Amount;
        BoilerKwh += o.BoilerKwh;
        BoilerFuelCost += o.BoilerFuelCost;
        DumpedKwh += o.DumpedKwh;
        _meter.Add(o._meter);
    }

    internal override StatementFigures Empty() => new StatementHeatBuyerFigures(Buyer);
}
