namespace Energy.Telemetry.Modbus;

/// <summary>
/// One Modbus table of a <see cref="ModbusDataBank"/>: 65536 16-bit cells (bits are stored as 0/1)
/// and a bitmap of which cells exist. 136 KiB per table in use: cheaper than a dictionary
/// lookup per register, and a range check is a few word tests. Not thread-safe: the bank locks.
/// </summary>
internal sealed class SparseTable
{
    public const int Size = 65536;

    private readonly ushort[] _values = new ushort[Size];
    private readonly ulong[] _defined = new ulong[Size / 64];

    /// <summary>True when every address of the range was set.</summary>
    public bool AllDefined(int address, int count) => FirstUndefined(address, count) < 0;

    /// <summary>The first address of the range that was never set, or −1.</summary>
    public int FirstUndefined(int address, int count)
    {
        for (var a = address; a < address + count; a++)
        {
            if ((_defined[a >> 6] & (1UL << (a & 63))) == 0)
            {
                return a;
            }
        }

        return -1;
    }

    public void Set(int address, ReadOnlySpan<ushort> values)
    {
        values.CopyTo(_values.AsSpan(address));
        Define(address, values.Length);
    }

    public void Set(int address, ReadOnlySpan<bool> values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            _values[address + i] = values[i] ? (ushort)1 : (ushort)0;
        }

        Define(address, values.Length);
    }

    public void CopyTo(int address, Span<ushort> into) => _values.AsSpan(address, into.Length).CopyTo(into);

    public void CopyTo(int address, Span<bool> into)
    {
        for (var i = 0; i < into.Length; i++)
        {
            into[i] = _values[address + i] != 0;
        }
    }

    private void Define(int address, int count)
    {
        for (var a = address; a < address + count; a++)
        {
            _defined[a >> 6] |= 1UL << (a & 63);
        }
    }
}
