using System.Buffers.Binary;

namespace Energy.Telemetry.Modbus;

/// <summary>
/// Values from registers and back, with the word order stated explicitly. The registers are first
/// put together into one big-endian bit pattern (see <see cref="WordOrder"/>) and then read as the
/// type; floats are bit-casts of that pattern, so the host's endianness never enters.
/// </summary>
public static class RegisterDecoder
{
    // 2^63 and 2^64 are exact doubles; every double below them converts to long / ulong exactly.
    private const double TwoPow63 = 9223372036854775808.0;
    private const double TwoPow64 = 18446744073709551616.0;

    /// <summary>How many registers a value of <paramref name="type"/> spans: 1, 2 or 4.</summary>
    public static int RegisterCount(ModbusValueType type) => type switch
    {
        ModbusValueType.UInt16 or ModbusValueType.Int16 => 1,
        ModbusValueType.UInt32 or ModbusValueType.Int32 or ModbusValueType.Float32 => 2,
        ModbusValueType.UInt64 or ModbusValueType.Int64 or ModbusValueType.Float64 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a Modbus value type."),
    };

    /// <summary>
    /// The raw value in the first <see cref="RegisterCount"/> registers. 64-bit integers beyond
    /// 2^53 in magnitude lose their lowest bits in the double (energy counters reach that only
    /// after 9·10^15 units). Sentinels decode as numbers: ask <see cref="IsNotAvailable"/> first.
    /// </summary>
    public static double Decode(ReadOnlySpan<ushort> registers, ModbusValueType type, WordOrder order)
    {
        var bits = Assemble(registers, type, order);
        return type switch
        {
            ModbusValueType.UInt16 => (ushort)bits,
            ModbusValueType.Int16 => unchecked((short)bits),
            ModbusValueType.UInt32 => (uint)bits,
            ModbusValueType.Int32 => unchecked((int)bits),
            ModbusValueType.UInt64 => bits,
            ModbusValueType.Int64 => unchecked((long)bits),
            ModbusValueType.Float32 => BitConverter.UInt32BitsToSingle((uint)bits),
            _ => BitConverter.UInt64BitsToDouble(bits),
        };
    }

    /// <summary>
    /// The value as the device holds it, without the double's rounding: <see cref="long"/> and
    /// <see cref="ulong"/> for the 64-bit integer types, <see cref="double"/> for the rest. For
    /// diagnostics that must print exactly what was served.
    /// </summary>
    public static object DecodeExact(ReadOnlySpan<ushort> registers, ModbusValueType type, WordOrder order) => type switch
    {
        // Each arm boxed on its own: a switch's common type would turn the integers back into doubles.
        ModbusValueType.UInt64 => (object)Assemble(registers, type, order),
        ModbusValueType.Int64 => (object)unchecked((long)Assemble(registers, type, order)),
        _ => (object)Decode(registers, type, order),
    };

    /// <summary>
    /// True for the "not available" patterns of SunSpec and most meter maps: int16 0x8000, uint16
    /// 0xFFFF, int32 0x80000000, uint32 0xFFFFFFFF, int64 0x8000000000000000, uint64 all ones, and
    /// any NaN for floats. Decided on the bit pattern, after the word order is applied.
    /// </summary>
    public static bool IsNotAvailable(ReadOnlySpan<ushort> registers, ModbusValueType type, WordOrder order)
    {
        var bits = Assemble(registers, type, order);
        return type switch
        {
            ModbusValueType.UInt16 => bits == ushort.MaxValue,
            ModbusValueType.Int16 => bits == 0x8000,
            ModbusValueType.UInt32 => bits == uint.MaxValue,
            ModbusValueType.Int32 => bits == 0x8000_0000,
            ModbusValueType.UInt64 => bits == ulong.MaxValue,
            ModbusValueType.Int64 => bits == 0x8000_0000_0000_0000,
            ModbusValueType.Float32 => float.IsNaN(BitConverter.UInt32BitsToSingle((uint)bits)),
            _ => double.IsNaN(BitConverter.UInt64BitsToDouble(bits)),
        };
    }

    /// <summary>
    /// The registers a device would send for <paramref name="value"/>: the inverse of
    /// <see cref="Decode"/>, for simulators and tests. Integer types round to the nearest integer
    /// (so 21.5 / 0.01 encodes as 2150 despite binary fractions); floats keep NaN and infinities.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value does not fit the type, or is NaN or infinite for an integer type.</exception>
    public static ushort[] Encode(double value, ModbusValueType type, WordOrder order)
    {
        var bits = type switch
        {
            ModbusValueType.UInt16 => (ulong)Integer(value, type, 0, ushort.MaxValue),
            ModbusValueType.Int16 => unchecked((ushort)(short)Integer(value, type, short.MinValue, short.MaxValue)),
            ModbusValueType.UInt32 => (ulong)Integer(value, type, 0, uint.MaxValue),
            ModbusValueType.Int32 => unchecked((uint)(int)Integer(value, type, int.MinValue, int.MaxValue)),
            ModbusValueType.UInt64 => (ulong)Integer(value, type, 0, TwoPow64),
            ModbusValueType.Int64 => unchecked((ulong)(long)Integer(value, type, -TwoPow63, TwoPow63)),
            ModbusValueType.Float32 => BitConverter.SingleToUInt32Bits(Single(value)),
            ModbusValueType.Float64 => BitConverter.DoubleToUInt64Bits(value),
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a Modbus value type."),
        };

        var registers = new ushort[RegisterCount(type)];
        Scatter(bits, registers, order);
        return registers;
    }

    /// <summary>One bit of a bit-field register; bit 0 is the least significant.</summary>
    public static bool Bit(ushort register, int bit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bit);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bit, 15);
        return ((register >> bit) & 1) != 0;
    }

    /// <summary>
    /// raw × 10^sf, SunSpec's scale-factor convention; sf = 0x8000 (−32768) means "not
    /// implemented" and gives NaN. Negative factors divide by the exact power of ten, so
    /// 2150 with sf −2 is 21.5 exactly rather than 2150 × 0.01.
    /// </summary>
    public static double ApplyScaleFactor(double raw, short sunSpecScaleFactor) => sunSpecScaleFactor switch
    {
        short.MinValue => double.NaN,
        >= 0 => raw * Math.Pow(10, sunSpecScaleFactor),
        _ => raw / Math.Pow(10, -sunSpecScaleFactor),
    };

    // Register i of the value, counted from the most significant, sits at wire position i (ABCD,
    // BADC) or count − 1 − i (CDAB, DCBA); BADC and DCBA also swap the bytes inside each register.
    private static ulong Assemble(ReadOnlySpan<ushort> registers, ModbusValueType type, WordOrder order)
    {
        var count = RegisterCount(type);
        if (registers.Length < count)
        {
            throw new ArgumentException($"{type} needs {count} registers, got {registers.Length}.", nameof(registers));
        }

        var (reverseWords, swapBytes) = Layout(order);
        ulong bits = 0;
        for (var i = 0; i < count; i++)
        {
            var word = registers[reverseWords ? count - 1 - i : i];
            bits = (bits << 16) | (swapBytes ? BinaryPrimitives.ReverseEndianness(word) : word);
        }

        return bits;
    }

    private static void Scatter(ulong bits, Span<ushort> registers, WordOrder order)
    {
        var (reverseWords, swapBytes) = Layout(order);
        var count = registers.Length;
        for (var i = 0; i < count; i++)
        {
            var word = (ushort)((bits >> (16 * (count - 1 - i))) & 0xFFFF);
            registers[reverseWords ? count - 1 - i : i] = swapBytes ? BinaryPrimitives.ReverseEndianness(word) : word;
        }
    }

    private static (bool ReverseWords, bool SwapBytes) Layout(WordOrder order) => order switch
    {
        WordOrder.Abcd => (false, false),
        WordOrder.Cdab => (true, false),
        WordOrder.Badc => (false, true),
        WordOrder.Dcba => (true, true),
        _ => throw new ArgumentOutOfRangeException(nameof(order), order, "Not a word order."),
    };

    // Rounded, then checked against [min, maxExclusive] where max is inclusive for the small types
    // and 2^63 / 2^64 is exclusive for the 64-bit ones (the largest values have no exact double).
    private static double Integer(double value, ModbusValueType type, double min, double max)
    {
        var rounded = Math.Round(value, MidpointRounding.AwayFromZero);
        var inRange = max >= TwoPow63 ? rounded >= min && rounded < max : rounded >= min && rounded <= max;
        return double.IsFinite(value) && inRange
            ? rounded
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"{value} does not fit {type}.");
    }

    private static float Single(double value)
    {
        var single = (float)value;
        return float.IsInfinity(single) && double.IsFinite(value)
            ? throw new ArgumentOutOfRangeException(nameof(value), value, $"{value} does not fit {ModbusValueType.Float32}.")
            : single;
    }
}
