namespace Energy.Gpu.Cuda;

/// <summary>A grid (in blocks) or block (in threads) shape for a kernel launch; every extent at least 1.</summary>
public readonly record struct Dim3
{
    public Dim3(uint x, uint y = 1, uint z = 1)
    {
        ArgumentOutOfRangeException.ThrowIfZero(x);
        ArgumentOutOfRangeException.ThrowIfZero(y);
        ArgumentOutOfRangeException.ThrowIfZero(z);
        X = x;
        Y = y;
        Z = z;
    }

    public uint X { get; }

    public uint Y { get; }

    public uint Z { get; }

    /// <summary>X·Y·Z.</summary>
    public ulong Count => (ulong)X * Y * Z;

    public override string ToString() => $"({X}, {Y}, {Z})";
}
