using Energy.Telemetry.Modbus;

namespace Energy.Telemetry.Tests.Modbus;

public sealed class RegisterDecoderTests
{
    // Every type in every word order, as the registers arrive on the wire. Worked out by hand from
    // the big-endian bytes (ABCD), then word-reversed (CDAB), byte-swapped per word (BADC) and both
    // (DCBA); checked against Python's struct module.
    public static TheoryData<ModbusValueType, WordOrder, ushort[], double> Layouts => new()
    {
        { ModbusValueType.UInt16, WordOrder.Abcd, [0x1234], 0x1234 },
        { ModbusValueType.UInt16, WordOrder.Cdab, [0x1234], 0x1234 },
        { ModbusValueType.UInt16, WordOrder.Badc, [0x3412], 0x1234 },
        { ModbusValueType.UInt16, WordOrder.Dcba, [0x3412], 0x1234 },
        { ModbusValueType.Int16, WordOrder.Abcd, [0xFFFE], -2 },
        { ModbusValueType.Int16, WordOrder.Cdab, [0xFFFE], -2 },
        { ModbusValueType.Int16, WordOrder.Badc, [0xFEFF], -2 },
        { ModbusValueType.Int16, WordOrder.Dcba, [0xFEFF], -2 },
        { ModbusValueType.UInt32, WordOrder.Abcd, [0x1234, 0x5678], 0x12345678 },
        { ModbusValueType.UInt32, WordOrder.Cdab, [0x5678, 0x1234], 0x12345678 },
        { ModbusValueType.UInt32, WordOrder.Badc, [0x3412, 0x7856], 0x12345678 },
        { ModbusValueType.UInt32, WordOrder.Dcba, [0x7856, 0x3412], 0x12345678 },
        { ModbusValueType.Int32, WordOrder.Abcd, [0xFFFF, 0xFFFE], -2 },
        { ModbusValueType.Int32, WordOrder.Cdab, [0xFFFE, 0xFFFF], -2 },
        { ModbusValueType.Int32, WordOrder.Badc, [0xFFFF, 0xFEFF], -2 },
        { ModbusValueType.Int32, WordOrder.Dcba, [0xFEFF, 0xFFFF], -2 },
        { ModbusValueType.Int32, WordOrder.Abcd, [0xF8A4, 0x32EB], -123456789 },
        { ModbusValueType.Int32, WordOrder.Cdab, [0x32EB, 0xF8A4], -123456789 },
        { ModbusValueType.Int32, WordOrder.Badc, [0xA4F8, 0xEB32], -123456789 },
        { ModbusValueType.Int32, WordOrder.Dcba, [0xEB32, 0xA4F8], -123456789 },
        { ModbusValueType.Float32, WordOrder.Abcd, [0x42F6, 0xE979], 123.456f },
        { ModbusValueType.Float32, WordOrder.Cdab, [0xE979, 0x42F6], 123.456f },
        { ModbusValueType.Float32, WordOrder.Badc, [0xF642, 0x79E9], 123.456f },
        { ModbusValueType.Float32, WordOrder.Dcba, [0x79E9, 0xF642], 123.456f },
        { ModbusValueType.UInt64, WordOrder.Abcd, [0x0102, 0x0304, 0x0506, 0x0800], 0x0102030405060800UL },
        { ModbusValueType.UInt64, WordOrder.Cdab, [0x0800, 0x0506, 0x0304, 0x0102], 0x0102030405060800UL },
        { ModbusValueType.UInt64, WordOrder.Badc, [0x0201, 0x0403, 0x0605, 0x0008], 0x0102030405060800UL },
        { ModbusValueType.UInt64, WordOrder.Dcba, [0x0008, 0x0605, 0x0403, 0x0201], 0x0102030405060800UL },
        { ModbusValueType.Int64, WordOrder.Abcd, [0xFFFB, 0x9D2A, 0xC375, 0x4540], -1234567890123456 },
        { ModbusValueType.Int64, WordOrder.Cdab, [0x4540, 0xC375, 0x9D2A, 0xFFFB], -1234567890123456 },
        { ModbusValueType.Int64, WordOrder.Badc, [0xFBFF, 0x2A9D, 0x75C3, 0x4045], -1234567890123456 },
        { ModbusValueType.Int64, WordOrder.Dcba, [0x4045, 0x75C3, 0x2A9D, 0xFBFF], -1234567890123456 },
        { ModbusValueType.Float64, WordOrder.Abcd, [0x4009, 0x21FB, 0x5444, 0x2D18], Math.PI },
        { ModbusValueType.Float64, WordOrder.Cdab, [0x2D18, 0x5444, 0x21FB, 0x4009], Math.PI },
        { ModbusValueType.Float64, WordOrder.Badc, [0x0940, 0xFB21, 0x4454, 0x182D], Math.PI },
        { ModbusValueType.Float64, WordOrder.Dcba, [0x182D, 0x4454, 0xFB21, 0x0940], Math.PI },
    };

    public static TheoryData<ModbusValueType, WordOrder> AllTypesAndOrders()
    {
        var data = new TheoryData<ModbusValueType, WordOrder>();
        foreach (var type in Enum.GetValues<ModbusValueType>())
        {
            foreach (var order in Enum.GetValues<WordOrder>())
            {
                data.Add(type, order);
            }
        }

        return data;
    }

    [Theory]
    [InlineData(ModbusValueType.UInt16, 1)]
    [InlineData(ModbusValueType.Int16, 1)]
    [InlineData(ModbusValueType.UInt32, 2)]
    [InlineData(ModbusValueType.Int32, 2)]
    [InlineData(ModbusValueType.Float32, 2)]
    [InlineData(ModbusValueType.UInt64, 4)]
    [InlineData(ModbusValueType.Int64, 4)]
    [InlineData(ModbusValueType.Float64, 4)]
    public void RegisterCount_EachType_OneTwoOrFour(ModbusValueType type, int expected) =>
        Assert.Equal(expected, RegisterDecoder.RegisterCount(type));

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Decode_HandComputedLayout_GivesTheValue(ModbusValueType type, WordOrder order, ushort[] registers, double expected) =>
        Assert.Equal(expected, RegisterDecoder.Decode(registers, type, order));

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Encode_Value_GivesTheHandComputedLayout(ModbusValueType type, WordOrder order, ushort[] registers, double value) =>
        Assert.Equal(registers, RegisterDecoder.Encode(value, type, order));

    [Theory]
    [MemberData(nameof(AllTypesAndOrders))]
    public void EncodeThenDecode_RepresentableValues_RoundTrip(ModbusValueType type, WordOrder order)
    {
        double[] values = type switch
        {
            ModbusValueType.UInt16 => [0, 1, 0x00FF, 0xFF00, 65535],
            ModbusValueType.Int16 => [0, 1, -1, short.MinValue, short.MaxValue],
            ModbusValueType.UInt32 => [0, 1, 0x0000FFFF, 0xFFFF0000, uint.MaxValue],
            ModbusValueType.Int32 => [0, -1, int.MinValue, int.MaxValue, 0x00010002],
            ModbusValueType.UInt64 => [0, 1, 1UL << 53, 0xFFFF_FFFF_FFFF_F800UL],
            ModbusValueType.Int64 => [0, -1, long.MinValue, -(1L << 53), 0x0001_0002_0003_0004],
            ModbusValueType.Float32 => [0, -0.5, 21.75, float.MaxValue, float.Epsilon, double.PositiveInfinity],
            _ => [0, -0.5, Math.E, double.MaxValue, double.Epsilon, double.NegativeInfinity],
        };

        foreach (var value in values)
        {
            var registers = RegisterDecoder.Encode(value, type, order);
            Assert.Equal(RegisterDecoder.RegisterCount(type), registers.Length);
            Assert.Equal(value, RegisterDecoder.Decode(registers, type, order));
        }
    }

    [Fact]
    public void Decode_UInt64Beyond2Pow53_NearestDouble()
    {
        // Documented precision loss: above 2^53 the low bits of a counter do not survive the double.
        var value = RegisterDecoder.Decode([0x0102, 0x0304, 0x0506, 0x0708], ModbusValueType.UInt64, WordOrder.Abcd);

        Assert.Equal((double)0x0102030405060708UL, value);
        Assert.NotEqual(0x0102030405060708UL, (ulong)value);
    }

    [Fact]
    public void Decode_MoreRegistersThanNeeded_UsesTheFirst() =>
        Assert.Equal(0x1234, RegisterDecoder.Decode([0x1234, 0x9999], ModbusValueType.UInt16, WordOrder.Abcd));

    [Fact]
    public void Decode_TooFewRegisters_Throws() =>
        Assert.Throws<ArgumentException>(() => RegisterDecoder.Decode([0x1234], ModbusValueType.Float32, WordOrder.Abcd));

    [Theory]
    [InlineData(ModbusValueType.UInt16, 65536)]
    [InlineData(ModbusValueType.UInt16, -1)]
    [InlineData(ModbusValueType.Int16, 32768)]
    [InlineData(ModbusValueType.Int16, -32769)]
    [InlineData(ModbusValueType.UInt32, 4294967296)]
    [InlineData(ModbusValueType.Int32, 2147483648)]
    [InlineData(ModbusValueType.UInt64, -1)]
    [InlineData(ModbusValueType.UInt64, 18446744073709551616.0)]
    [InlineData(ModbusValueType.Int64, 9223372036854775808.0)]
    [InlineData(ModbusValueType.Int32, double.NaN)]
    [InlineData(ModbusValueType.UInt16, double.PositiveInfinity)]
    [InlineData(ModbusValueType.Float32, 1e39)]
    public void Encode_OutOfRange_Throws(ModbusValueType type, double value) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RegisterDecoder.Encode(value, type, WordOrder.Abcd));

    [Theory]
    [InlineData(21.5 / 0.01, 2150)]
    [InlineData(2.5, 3)]
    [InlineData(-2.5, -3)]
    [InlineData(32767.4, 32767)]
    public void Encode_FractionForIntegerType_RoundsToNearest(double value, double expected) =>
        Assert.Equal(expected, RegisterDecoder.Decode(RegisterDecoder.Encode(value, ModbusValueType.Int16, WordOrder.Abcd), ModbusValueType.Int16, WordOrder.Abcd));

    [Theory]
    [InlineData(ModbusValueType.UInt16, new ushort[] { 0xFFFF })]
    [InlineData(ModbusValueType.Int16, new ushort[] { 0x8000 })]
    [InlineData(ModbusValueType.UInt32, new ushort[] { 0xFFFF, 0xFFFF })]
    [InlineData(ModbusValueType.Int32, new ushort[] { 0x8000, 0x0000 })]
    [InlineData(ModbusValueType.UInt64, new ushort[] { 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFF })]
    [InlineData(ModbusValueType.Int64, new ushort[] { 0x8000, 0, 0, 0 })]
    [InlineData(ModbusValueType.Float32, new ushort[] { 0x7FC0, 0x0000 })]
    [InlineData(ModbusValueType.Float32, new ushort[] { 0xFFC0, 0x0000 })]
    [InlineData(ModbusValueType.Float32, new ushort[] { 0x7F80, 0x0001 })]
    [InlineData(ModbusValueType.Float64, new ushort[] { 0x7FF8, 0, 0, 0 })]
    [InlineData(ModbusValueType.Float64, new ushort[] { 0xFFF0, 0, 0, 1 })]
    public void IsNotAvailable_Sentinel_True(ModbusValueType type, ushort[] registers) =>
        Assert.True(RegisterDecoder.IsNotAvailable(registers, type, WordOrder.Abcd));

    [Theory]
    [InlineData(ModbusValueType.UInt16, new ushort[] { 0xFFFE })]
    [InlineData(ModbusValueType.Int16, new ushort[] { 0x8001 })]
    [InlineData(ModbusValueType.Int16, new ushort[] { 0xFFFF })]
    [InlineData(ModbusValueType.UInt32, new ushort[] { 0xFFFF, 0xFFFE })]
    [InlineData(ModbusValueType.Int32, new ushort[] { 0x0000, 0x8000 })]
    [InlineData(ModbusValueType.Int32, new ushort[] { 0x8000, 0x0001 })]
    [InlineData(ModbusValueType.UInt64, new ushort[] { 0xFFFF, 0xFFFF, 0xFFFF, 0xFFFE })]
    [InlineData(ModbusValueType.Int64, new ushort[] { 0x8000, 0, 0, 1 })]
    [InlineData(ModbusValueType.Float32, new ushort[] { 0x7F80, 0x0000 })]
    [InlineData(ModbusValueType.Float64, new ushort[] { 0x7FF0, 0, 0, 0 })]
    public void IsNotAvailable_OrdinaryValueOrInfinity_False(ModbusValueType type, ushort[] registers) =>
        Assert.False(RegisterDecoder.IsNotAvailable(registers, type, WordOrder.Abcd));

    [Theory]
    [InlineData(ModbusValueType.Int32, WordOrder.Cdab, new ushort[] { 0x0000, 0x8000 })]
    [InlineData(ModbusValueType.Int16, WordOrder.Badc, new ushort[] { 0x0080 })]
    [InlineData(ModbusValueType.Int64, WordOrder.Dcba, new ushort[] { 0, 0, 0, 0x0080 })]
    [InlineData(ModbusValueType.Float32, WordOrder.Dcba, new ushort[] { 0x0000, 0xC07F })]
    public void IsNotAvailable_SentinelInAnotherWordOrder_DecidedAfterReordering(ModbusValueType type, WordOrder order, ushort[] registers)
    {
        Assert.True(RegisterDecoder.IsNotAvailable(registers, type, order));
        Assert.False(RegisterDecoder.IsNotAvailable(registers, type, WordOrder.Abcd));
    }

    [Theory]
    [InlineData(2150, -2, 21.5)]
    [InlineData(123, 0, 123)]
    [InlineData(5, 3, 5000)]
    [InlineData(-4711, -1, -471.1)]
    [InlineData(1, -10, 1e-10)]
    public void ApplyScaleFactor_SunSpec_RawTimesTenToTheFactor(double raw, short scaleFactor, double expected) =>
        Assert.Equal(expected, RegisterDecoder.ApplyScaleFactor(raw, scaleFactor));

    [Fact]
    public void ApplyScaleFactor_NotImplemented0x8000_NaN() =>
        Assert.True(double.IsNaN(RegisterDecoder.ApplyScaleFactor(2150, unchecked((short)0x8000))));

    [Theory]
    [InlineData(0b0000_0000_0000_0101, 0, true)]
    [InlineData(0b0000_0000_0000_0101, 1, false)]
    [InlineData(0b0000_0000_0000_0101, 2, true)]
    [InlineData(0x8000, 15, true)]
    [InlineData(0x7FFF, 15, false)]
    public void Bit_BitZeroIsLeastSignificant(int register, int bit, bool expected) =>
        Assert.Equal(expected, RegisterDecoder.Bit((ushort)register, bit));

    [Theory]
    [InlineData(-1)]
    [InlineData(16)]
    public void Bit_OutsideTheRegister_Throws(int bit) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RegisterDecoder.Bit(0xFFFF, bit));

    [Fact]
    public void DecodeExact_64BitIntegersBeyondTwoPow53_KeepEveryDigit()
    {
        // 2^53 + 1 has no double; pymodbus-style ABCD words of 0x0020_0000_0000_0001.
        Assert.Equal(9_007_199_254_740_993UL, RegisterDecoder.DecodeExact([0x0020, 0x0000, 0x0000, 0x0001], ModbusValueType.UInt64, WordOrder.Abcd));
        Assert.Equal(-9_007_199_254_740_993L, RegisterDecoder.DecodeExact([0xFFDF, 0xFFFF, 0xFFFF, 0xFFFF], ModbusValueType.Int64, WordOrder.Abcd));
        Assert.Equal(412.5, RegisterDecoder.DecodeExact(RegisterDecoder.Encode(412.5, ModbusValueType.Float32, WordOrder.Cdab), ModbusValueType.Float32, WordOrder.Cdab));
    }
}
