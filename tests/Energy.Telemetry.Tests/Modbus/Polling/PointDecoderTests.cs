using Energy.Contracts.Devices;
using Energy.Contracts.Readings;
using Energy.Telemetry.Modbus;
using Energy.Telemetry.Modbus.Polling;

namespace Energy.Telemetry.Tests.Modbus.Polling;

public sealed class PointDecoderTests
{
    private static readonly DateTimeOffset T0 = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Decode_ScaledInt32_IsGoodEngineeringValue()
    {
        var point = Points.Register("power", 0, ModbusValueType.Int32, scale: 0.01);

        var reading = Decode(point, RegisterDecoder.Encode(41_250, ModbusValueType.Int32, WordOrder.Abcd));

        Assert.Equal(Quality.Good, reading.Quality);
        Assert.Equal(412.5, reading.Value, 9);
    }

    [Theory]
    [InlineData(ModbusValueType.Int16, new ushort[] { 0x8000 })]
    [InlineData(ModbusValueType.UInt16, new ushort[] { 0xFFFF })]
    [InlineData(ModbusValueType.Int32, new ushort[] { 0x8000, 0x0000 })]
    [InlineData(ModbusValueType.UInt32, new ushort[] { 0xFFFF, 0xFFFF })]
    [InlineData(ModbusValueType.Float32, new ushort[] { 0x7FC0, 0x0000 })]
    public void Decode_NotAvailableSentinel_IsBadWithReason(ModbusValueType type, ushort[] registers)
    {
        var reading = Decode(Points.Register("x", 0, type), registers);

        Assert.Equal(Quality.Bad, reading.Quality);
        Assert.Contains("not available", reading.Reason, StringComparison.Ordinal);
        Assert.False(reading.IsGood);
    }

    [Fact]
    public void Decode_OutOfRange_IsBadAndNamesTheRange()
    {
        var reading = Decode(Points.Register("t", 0, min: 0, max: 100), [250]);

        Assert.Equal(Quality.Bad, reading.Quality);
        Assert.Contains("out of range: 250 kW is outside [0, 100]", reading.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ImpossibleJump_IsBadOnce()
    {
        var point = Points.Register("p", 0, maxChangePerSecond: 10);
        var state = new PointState();

        Assert.True(Decode(point, [100], state, T0).IsGood);
        var jump = Decode(point, [500], state, T0.AddSeconds(1));
        var steady = Decode(point, [505], state, T0.AddSeconds(2));

        Assert.Equal(Quality.Bad, jump.Quality);
        Assert.Contains("impossible jump", jump.Reason, StringComparison.Ordinal);
        Assert.True(steady.IsGood);
    }

    [Fact]
    public void Decode_UnchangedLongerThanFrozenAfter_IsUncertain()
    {
        var point = Points.Register("t", 0, frozenAfter: TimeSpan.FromMinutes(5));
        var state = new PointState();

        Assert.True(Decode(point, [42], state, T0).IsGood);
        Assert.True(Decode(point, [42], state, T0.AddMinutes(4)).IsGood);
        var frozen = Decode(point, [42], state, T0.AddMinutes(6));
        var moved = Decode(point, [43], state, T0.AddMinutes(7));

        Assert.Equal(Quality.Uncertain, frozen.Quality);
        Assert.Contains("frozen", frozen.Reason, StringComparison.Ordinal);
        Assert.True(moved.IsGood);
    }

    [Fact]
    public void Decode_SunSpecScaleFactor_AppliesPowerOfTen()
    {
        var point = Points.Register("w", 0, ModbusValueType.Int16, scaleFactorAddress: 1);
        var image = new RegisterImage();
        image.SetRegisters(ModbusTable.HoldingRegister, 0, [8_765, unchecked((ushort)(short)-1)]);

        var reading = PointDecoder.Decode(point, "test", T0, image, new PointState());

        Assert.Equal(876.5, reading.Value, 9);
    }

    [Fact]
    public void Decode_BitField_IsZeroOrOne()
    {
        var image = new RegisterImage();
        image.SetRegisters(ModbusTable.InputRegister, 12, [0b10]);

        var bit0 = PointDecoder.Decode(Points.Register("b0", 12, table: ModbusTable.InputRegister, bit: 0), "t", T0, image, new PointState());
        var bit1 = PointDecoder.Decode(Points.Register("b1", 12, table: ModbusTable.InputRegister, bit: 1), "t", T0, image, new PointState());

        Assert.Equal((0.0, 1.0), (bit0.Value, bit1.Value));
    }

    [Fact]
    public void Decode_AddressNotRead_IsBad()
    {
        var reading = PointDecoder.Decode(Points.Register("x", 7), "t", T0, new RegisterImage(), new PointState());

        Assert.Equal(Quality.Bad, reading.Quality);
    }

    private static Reading Decode(ModbusPoint point, ushort[] registers, PointState? state = null, DateTimeOffset? at = null)
    {
        var image = new RegisterImage();
        image.SetRegisters(point.Table, point.Address, registers);
        return PointDecoder.Decode(point, "test", at ?? T0, image, state ?? new PointState());
    }
}
