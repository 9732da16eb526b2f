using Energy.Gpu.Cuda;

namespace Energy.Gpu.Workloads;

/// <summary>
/// Fills GEMM operands with pseudo-random bf16 values in [−1, 1): a GEMM over zeros toggles few bits
/// and draws less power than real work, and sums of 8192 such products stay far from bf16's limits.
/// A block of <see cref="BlockElements"/> values is made on the host once and copied again and again.
/// </summary>
internal static class GemmOperands
{
    public const int BlockElements = 1 << 20;

    /// <summary>xorshift32 from <paramref name="seed"/> (Marsaglia 2003), scaled to [−1, 1).</summary>
    public static BFloat16[] RandomBlock(int length, uint seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        var values = new BFloat16[length];
        var x = seed == 0 ? 1u : seed;
        for (var i = 0; i < values.Length; i++)
        {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            values[i] = BFloat16.FromSingle((x / 2147483648f) - 1f);
        }

        return values;
    }

    /// <summary>Copies <paramref name="block"/> over the whole buffer.</summary>
    public static void Fill(DeviceBuffer<BFloat16> buffer, BFloat16[] block)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(block);
        for (var offset = 0; offset < buffer.Length; offset += block.Length)
        {
            buffer.CopyFrom(block.AsSpan(0, Math.Min(block.Length, buffer.Length - offset)), offset);
        }
    }

    /// <summary>The element count as a buffer length; a single operand must fit one <see cref="DeviceBuffer{T}"/>.</summary>
    public static int Elements(long count) =>
        count is > 0 and <= int.MaxValue ? (int)count : throw new ArgumentOutOfRangeException(nameof(count), count, "A GEMM operand must hold 1 to 2^31 − 1 elements.");
}
