using Energy.Telemetry.Modbus;

namespace Energy.Telemetry.Tests.Modbus;

public sealed class ModbusDataBankTests
{
    private readonly ModbusDataBank _bank = new();

    [Fact]
    public void ReadRegisters_SetRange_Copied()
    {
        _bank.SetRegisters(ModbusTable.InputRegister, 100, [1, 2, 3]);
        var into = new ushort[2];

        Assert.Null(_bank.ReadRegisters(ModbusTable.InputRegister, 101, 2, into));
        Assert.Equal(new ushort[] { 2, 3 }, into);
    }

    [Fact]
    public void ReadRegisters_RangeTouchingAnUnsetAddress_IllegalDataAddress()
    {
        _bank.SetRegisters(ModbusTable.HoldingRegister, 100, [1, 2, 3]);

        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, _bank.ReadRegisters(ModbusTable.HoldingRegister, 101, 3, new ushort[3]));
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, _bank.ReadRegisters(ModbusTable.HoldingRegister, 99, 1, new ushort[1]));
        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, _bank.ReadRegisters(ModbusTable.InputRegister, 100, 1, new ushort[1]));
    }

    [Fact]
    public void Tables_AreSeparate()
    {
        _bank.SetRegisters(ModbusTable.HoldingRegister, 0, [7]);
        _bank.SetRegisters(ModbusTable.InputRegister, 0, [8]);
        _bank.SetBits(ModbusTable.Coil, 0, [true]);
        _bank.SetBits(ModbusTable.DiscreteInput, 0, [false]);

        Assert.Equal(new ushort[] { 7 }, _bank.GetRegisters(ModbusTable.HoldingRegister, 0, 1));
        Assert.Equal(new ushort[] { 8 }, _bank.GetRegisters(ModbusTable.InputRegister, 0, 1));
        Assert.Equal(new[] { true }, _bank.GetBits(ModbusTable.Coil, 0, 1));
        Assert.Equal(new[] { false }, _bank.GetBits(ModbusTable.DiscreteInput, 0, 1));
    }

    [Fact]
    public void WriteRegisters_AllOrNothing()
    {
        _bank.SetRegisters(ModbusTable.HoldingRegister, 10, [1, 2]);

        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, _bank.WriteRegisters(10, [5, 6, 7]));
        Assert.Equal(new ushort[] { 1, 2 }, _bank.GetRegisters(ModbusTable.HoldingRegister, 10, 2));
        Assert.Null(_bank.WriteRegisters(10, [5, 6]));
        Assert.Equal(new ushort[] { 5, 6 }, _bank.GetRegisters(ModbusTable.HoldingRegister, 10, 2));
    }

    [Fact]
    public void WriteBits_OnlyCoilsNeverDiscreteInputs()
    {
        _bank.SetBits(ModbusTable.DiscreteInput, 0, [false]);

        Assert.Equal(ModbusExceptionCode.IllegalDataAddress, _bank.WriteBits(0, [true]));
        Assert.Equal(new[] { false }, _bank.GetBits(ModbusTable.DiscreteInput, 0, 1));
    }

    [Fact]
    public void WrongKindOfTable_IllegalFunctionOverModbusArgumentExceptionInCode()
    {
        Assert.Equal(ModbusExceptionCode.IllegalFunction, _bank.ReadBits(ModbusTable.HoldingRegister, 0, 1, new bool[1]));
        Assert.Equal(ModbusExceptionCode.IllegalFunction, _bank.ReadRegisters(ModbusTable.Coil, 0, 1, new ushort[1]));
        Assert.Throws<ArgumentException>(() => _bank.SetRegisters(ModbusTable.Coil, 0, [1]));
        Assert.Throws<ArgumentException>(() => _bank.SetBits(ModbusTable.InputRegister, 0, [true]));
    }

    [Fact]
    public void SetValueGetValue_EncodedWithTheWordOrder()
    {
        _bank.SetValue(ModbusTable.HoldingRegister, 200, 123.456f, ModbusValueType.Float32, WordOrder.Cdab);

        Assert.Equal(new ushort[] { 0xE979, 0x42F6 }, _bank.GetRegisters(ModbusTable.HoldingRegister, 200, 2));
        Assert.Equal(123.456f, _bank.GetValue(ModbusTable.HoldingRegister, 200, ModbusValueType.Float32, WordOrder.Cdab));
    }

    [Fact]
    public void GetRegisters_Unset_ArgumentExceptionNamesTheAddress()
    {
        _bank.SetRegisters(ModbusTable.HoldingRegister, 0, [1]);

        var e = Assert.Throws<ArgumentException>(() => _bank.GetRegisters(ModbusTable.HoldingRegister, 0, 2));

        Assert.StartsWith("HoldingRegister 1 was never set.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SetRegisters_PastTheEndOfTheTable_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => _bank.SetRegisters(ModbusTable.HoldingRegister, 65535, [1, 2]));

    [Fact]
    public void LastAddress_Usable()
    {
        _bank.SetRegisters(ModbusTable.HoldingRegister, 65535, [9]);
        var into = new ushort[1];

        Assert.Null(_bank.ReadRegisters(ModbusTable.HoldingRegister, 65535, 1, into));
        Assert.Equal(9, into[0]);
    }

    [Fact]
    public async Task ConcurrentWritersAndReaders_EveryReadSeesOneWholeWrite()
    {
        _bank.SetRegisters(ModbusTable.HoldingRegister, 0, new ushort[100]);
        var writers = Enumerable.Range(1, 4).Select(w => Task.Run(() =>
        {
            var block = Enumerable.Repeat((ushort)w, 100).ToArray();
            for (var i = 0; i < 2000; i++)
            {
                Assert.Null(_bank.WriteRegisters(0, block));
            }
        }));
        var reader = Task.Run(() =>
        {
            var into = new ushort[100];
            for (var i = 0; i < 2000; i++)
            {
                Assert.Null(_bank.ReadRegisters(ModbusTable.HoldingRegister, 0, 100, into));
                Assert.All(into, v => Assert.Equal(into[0], v));
            }
        });

        await Task.WhenAll([.. writers, reader]);
    }
}
