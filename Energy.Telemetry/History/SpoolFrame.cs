using System.Buffers.Binary;
using System.Numerics;

namespace Energy.Telemetry.History;

/// <summary>
/// One batch in a spool segment: a 24-byte header — magic, payload length, point count, when it was
/// appended (Unix ms), CRC-32C of all of that and the payload — then the payload (line protocol, UTF-8).
/// A frame whose header or checksum does not hold marks where a crash tore the segment: it and all after it are cut.
/// </summary>
internal static class SpoolFrame
{
    public const int HeaderBytes = 24;

    /// <summary>The most one frame may carry; a larger length in a header is damage, not a batch.</summary>
    public const int MaxPayloadBytes = 64 * 1024 * 1024;

    private const uint Magic = 0x50534748; // "HGSP" read little-endian

    public static void WriteHeader(Span<byte> header, ReadOnlySpan<byte> payload, int points, long appendedUnixMs)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(header[4..], payload.Length);
        BinaryPrimitives.WriteInt32LittleEndian(header[8..], points);
        BinaryPrimitives.WriteInt64LittleEndian(header[12..], appendedUnixMs);
        BinaryPrimitives.WriteUInt32LittleEndian(header[20..], Checksum(header[4..20], payload));
    }

    /// <summary>The header's fields when it is one (magic right, length plausible); the checksum is checked with the payload.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> header, out int payloadBytes, out int points, out long appendedUnixMs, out uint checksum)
    {
        payloadBytes = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        points = BinaryPrimitives.ReadInt32LittleEndian(header[8..]);
        appendedUnixMs = BinaryPrimitives.ReadInt64LittleEndian(header[12..]);
        checksum = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
        return BinaryPrimitives.ReadUInt32LittleEndian(header) == Magic && payloadBytes is >= 0 and <= MaxPayloadBytes && points >= 0;
    }

    public static bool ChecksumHolds(ReadOnlySpan<byte> header, ReadOnlySpan<byte> payload) =>
        BinaryPrimitives.ReadUInt32LittleEndian(header[20..]) == Checksum(header[4..20], payload);

    /// <summary>CRC-32C (Castagnoli), in hardware where the CPU has it (SSE 4.2, ARMv8 CRC).</summary>
    internal static uint Checksum(ReadOnlySpan<byte> fields, ReadOnlySpan<byte> payload) => ~Crc(Crc(uint.MaxValue, fields), payload);

    private static uint Crc(uint crc, ReadOnlySpan<byte> data)
    {
        while (data.Length >= 8)
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }

        return crc;
    }
}
