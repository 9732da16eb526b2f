namespace Energy.Gpu.Cuda;

/// <summary>
/// A bfloat16 value (<c>__nv_bfloat16</c>, <c>CUDA_R_16BF</c>): the top 16 bits of an IEEE float, so the
/// float's range with 8 bits of precision. .NET 10 has no such type; this one only converts, for filling
/// and checking <see cref="DeviceBuffer{T}"/>s on the host.
/// </summary>
public readonly record struct BFloat16(ushort Bits)
{
    /// <summary>Rounds to nearest, ties to even (as <c>__float2bfloat16_rn</c>); NaN stays a quiet NaN.</summary>
    public static BFloat16 FromSingle(float value)
    {
        var bits = BitConverter.SingleToUInt32Bits(value);
        if (float.IsNaN(value))
        {
            return new BFloat16((ushort)((bits >> 16) | 0x0040));
        }

        var roundingBias = 0x7FFFu + ((bits >> 16) & 1);
        return new BFloat16((ushort)(unchecked(bits + roundingBias) >> 16));
    }

    /// <summary>Exact: every bfloat16 is a float.</summary>
    public float ToSingle() => BitConverter.UInt32BitsToSingle((uint)Bits << 16);

    public override string ToString() => ToSingle().ToString(System.Globalization.CultureInfo.InvariantCulture);
}
