using Energy.Contracts.Devices;
using Energy.Telemetry.Modbus.Polling;

namespace Energy.Telemetry.Tests.Modbus.Polling;

public sealed class ReadPlannerTests
{
    [Fact]
    public void Plan_NeighbouringRegisters_ShareOneRequest()
    {
        var blocks = ReadPlanner.Plan([
            Points.Register("a", 0, ModbusValueType.Int32),
            Points.Register("b", 2, ModbusValueType.Int16),
            Points.Register("c", 6, ModbusValueType.Float32)]);

        var block = Assert.Single(blocks);
        Assert.Equal((ModbusTable.HoldingRegister, (ushort)0, 8), (block.Table, block.Address, block.Count));
        Assert.Equal(3, block.Points.Count);
    }

    [Fact]
    public void Plan_DistantRegistersAndOtherTables_AreSeparateRequests()
    {
        var blocks = ReadPlanner.Plan([
            Points.Register("a", 0),
            Points.Register("far", 100),
            Points.Register("input", 0, table: ModbusTable.InputRegister),
            Points.Coil("coil", 3)]);

        Assert.Equal(4, blocks.Count);
        Assert.Contains(blocks, b => b.Table == ModbusTable.HoldingRegister && b.Address == 100 && b.Count == 1);
        Assert.Contains(blocks, b => b.Table == ModbusTable.Coil && b.Address == 3);
    }

    [Fact]
    public void Plan_MoreThanOneRequestCanCarry_SplitsAt125Registers()
    {
        var points = Enumerable.Range(0, 100).Select(i => Points.Register("p" + i, (ushort)(i * 2), ModbusValueType.Float32)).ToArray();

        var blocks = ReadPlanner.Plan(points);

        Assert.All(blocks, b => Assert.True(b.Count <= 125, $"{b.Count} registers in one request"));
        Assert.Equal(200, blocks.Sum(b => b.Count));
        Assert.Equal(100, blocks.Sum(b => b.Points.Count));
    }

    [Fact]
    public void Plan_ScaleFactorRegister_IsReadWithItsValue()
    {
        var block = Assert.Single(ReadPlanner.Plan([Points.Register("w", 10, ModbusValueType.Int16, scaleFactorAddress: 14)]));

        Assert.Equal((10, 5), (block.Address, block.Count));
    }
}
