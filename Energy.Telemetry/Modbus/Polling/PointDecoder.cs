using System.Globalization;
using Energy.Contracts.Devices;
using Energy.Contracts.Readings;

namespace Energy.Telemetry.Modbus.Polling;

/// <summary>
/// Turns the registers of one point into a reading with a quality: "not available" sentinels, values
/// out of range, impossible jumps are Bad; a value stuck for longer than its frozen limit is Uncertain.
/// The checks use the point's unit (its limits are written in it); the reading is in the signal's.
/// </summary>
internal static class PointDecoder
{
    public static Reading Decode(ModbusPoint point, string source, DateTimeOffset now, RegisterImage image, PointState state)
    {
        if (point.IsBitTable)
        {
            return image.TryGetBit(point.Table, point.Address, out var on)
                ? Check(point, source, now, on ? 1 : 0, on ? 1UL : 0UL, state)
                : Bad(point, source, now, "not read");
        }

        var width = RegisterDecoder.RegisterCount(point.Type);
        Span<ushort> registers = stackalloc ushort[width];
        if (!image.TryGetRegisters(point.Table, point.Address, registers))
        {
            return Bad(point, source, now, "not read");
        }

        if (point.Bit is { } bit)
        {
            var set = RegisterDecoder.Bit(registers[0], bit);
            return Check(point, source, now, set ? 1 : 0, set ? 1UL : 0UL, state);
        }

        if (RegisterDecoder.IsNotAvailable(registers, point.Type, point.WordOrder))
        {
            return Bad(point, source, now, $"not available (the device sent its 'no value' sentinel {Hex(registers)})");
        }

        var value = RegisterDecoder.Decode(registers, point.Type, point.WordOrder);
        if (point.ScaleFactorAddress is { } sfAddress)
        {
            Span<ushort> sf = stackalloc ushort[1];
            if (!image.TryGetRegisters(point.Table, sfAddress, sf))
            {
                return Bad(point, source, now, "scale factor not read");
            }

            value = RegisterDecoder.ApplyScaleFactor(value, unchecked((short)sf[0]));
            if (double.IsNaN(value))
            {
                return Bad(point, source, now, "scale factor register says 'not implemented' (0x8000)");
            }
        }

        return Check(point, source, now, Scaled(point, value), Fingerprint(registers), state);
    }

    /// <summary>raw × scale + offset, rounded to the scale's decimals so that 916 × 0.1 reads 91.6, not 91.60000000000001.</summary>
    private static double Scaled(ModbusPoint point, double raw)
    {
        var value = (raw * point.Scale) + point.Offset;
        var integer = point.Type is not (ModbusValueType.Float32 or ModbusValueType.Float64) && point.ScaleFactorAddress is null;
        if (!integer || point.Scale == 0 || !double.IsFinite(value))
        {
            return value;
        }

        var decimals = (int)Math.Clamp(Math.Ceiling(-Math.Log10(Math.Abs(point.Scale)) - 1e-9), 0, 12);
        return Math.Round(value, decimals);
    }

    public static Reading Bad(ModbusPoint point, string source, DateTimeOffset now, string reason) =>
        Reading.Bad(point.Signal, point.SignalUnit, reason, now, source);

    private static Reading Check(ModbusPoint point, string source, DateTimeOffset now, double value, ulong raw, PointState state)
    {
        if (!double.IsFinite(value))
        {
            return Bad(point, source, now, $"not a number ({value})");
        }

        if (value < point.Min || value > point.Max)
        {
            Remember(state, now, value, raw);
            return Bad(point, source, now, $"out of range: {F(value)} {point.Unit} is outside [{F(point.Min)}, {F(point.Max)}]");
        }

        var (lastValue, lastAt) = (state.LastValue, state.LastValueAt);
        var changed = state.LastRaw != raw;
        Remember(state, now, value, raw);
        var seconds = (now - lastAt).TotalSeconds;
        if (point.MaxChangePerSecond is { } limit && lastValue is { } last && seconds > 0 && Math.Abs(value - last) / seconds > limit)
        {
            return Bad(point, source, now,
                $"impossible jump: {F(last)} to {F(value)} {point.Unit} in {seconds:0.##} s (limit {F(limit)} {point.Unit}/s)");
        }

        var unit = point.SignalUnit;
        if (!point.Unit.TryConvert(value, unit, out var converted))
        {
            return Bad(point, source, now, $"{point.Unit.Describe()} does not convert to {unit.Describe()}");
        }

        if (!changed && point.FrozenAfter is { } frozen && now - state.LastRawChange >= frozen)
        {
            return new Reading(point.Signal, converted, unit, Quality.Uncertain,
                $"frozen: unchanged for {(now - state.LastRawChange).TotalSeconds:0} s", now, source);
        }

        return Reading.Good(point.Signal, converted, unit, now, source);
    }

    private static void Remember(PointState state, DateTimeOffset now, double value, ulong raw)
    {
        if (state.LastRaw != raw)
        {
            state.LastRaw = raw;
            state.LastRawChange = now;
        }

        state.LastValue = value;
        state.LastValueAt = now;
    }

    private static ulong Fingerprint(ReadOnlySpan<ushort> registers)
    {
        ulong raw = 0;
        foreach (var r in registers)
        {
            raw = (raw << 16) | r;
        }

        return raw;
    }

    private static string Hex(ReadOnlySpan<ushort> registers)
    {
        var parts = new string[registers.Length];
        for (var i = 0; i < registers.Length; i++)
        {
            parts[i] = registers[i].ToString("X4", CultureInfo.InvariantCulture);
        }

        return "0x" + string.Join(string.Empty, parts);
    }

    private static string F(double? value) => value?.ToString("0.###", CultureInfo.InvariantCulture) ?? "-";
}
