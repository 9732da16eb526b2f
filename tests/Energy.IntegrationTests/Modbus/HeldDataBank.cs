using Energy.Telemetry.Modbus;

namespace Energy.IntegrationTests.Modbus;

/// <summary>
/// A data bank whose register reads wait until the test releases them: a slow device behind a
/// gateway, whose reply arrives after the client gave up. Blocks the server's connection task on
/// purpose, as a serial line would.
/// </summary>
internal sealed class HeldDataBank(IModbusDataBank inner, SemaphoreSlim release) : IModbusDataBank
{
    public ModbusExceptionCode? ReadBits(ModbusTable table, ushort address, int count, Span<bool> into) =>
        inner.ReadBits(table, address, count, into);

    public ModbusExceptionCode? ReadRegisters(ModbusTable table, ushort address, int count, Span<ushort> into)
    {
        if (!release.Wait(TimeSpan.FromSeconds(30)))
        {
            return ModbusExceptionCode.ServerDeviceBusy;
        }

        return inner.ReadRegisters(table, address, count, into);
    }

    public ModbusExceptionCode? WriteBits(ushort address, ReadOnlySpan<bool> values) => inner.WriteBits(address, values);

    public ModbusExceptionCode? WriteRegisters(ushort address, ReadOnlySpan<ushort> values) => inner.WriteRegisters(address, values);
}
