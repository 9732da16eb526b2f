using Energy.Contracts.Signals;
using Energy.Contracts.Units;

namespace Energy.Contracts.Devices;

/// <summary>
/// One value a device serves: where it lives, how it is encoded, and what a valid reading looks like.
/// Engineering value = raw × Scale (× 10^sf with a SunSpec scale-factor register) + Offset, in
/// <see cref="Unit"/>; the reading converts it to the signal's unit (<see cref="SignalUnit"/>).
/// </summary>
/// <param name="Signal">The signal it feeds, e.g. <c>bath.heatDemandKw</c>.</param>
/// <param name="Address">Wire address (the device's address base already applied).</param>
/// <param name="Unit">The unit the device serves the value in (after scale and offset); converts to the signal's unit.</param>
/// <param name="Bit">For a bit field: which bit of the register (0 = least significant); the value is 0 or 1.</param>
/// <param name="ScaleFactorAddress">Wire address of an int16 SunSpec scale-factor register in the same table, if any.</param>
/// <param name="Min">Lowest valid engineering value, in <paramref name="Unit"/>; below it the reading is Bad.</param>
/// <param name="Max">Highest valid engineering value, in <paramref name="Unit"/>; above it the reading is Bad.</param>
/// <param name="MaxChangePerSecond">A larger change between two polls, in <paramref name="Unit"/> per second, is an impossible jump: Bad.</param>
/// <param name="FrozenAfter">An unchanged raw value for this long makes the reading Uncertain (a stuck meter); null to never flag.</param>
public sealed record ModbusPoint(
    string Name,
    string Signal,
    ModbusTable Table,
    ushort Address,
    ModbusValueType Type,
    WordOrder WordOrder,
    double Scale,
    double Offset,
    Unit Unit,
    int? Bit,
    ushort? ScaleFactorAddress,
    double? Min,
    double? Max,
    double? MaxChangePerSecond,
    TimeSpan? FrozenAfter)
{
    public bool IsBitTable => Table is ModbusTable.Coil or ModbusTable.DiscreteInput;

    /// <summary>The unit its readings carry: the one the signal's name implies, else the point's own.</summary>
    public Unit SignalUnit => SignalUnits.Of(Signal) ?? Unit;
}
