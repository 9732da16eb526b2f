namespace Energy.Telemetry.Mqtt;

/// <summary>
/// Follows the MQTT framing of a byte stream as it is read (fixed header, then the remaining length as a
/// variable byte integer of up to four bytes, then that many bytes) and stops a packet that declares more
/// than <see cref="MaxPacketBytes"/> before anyone allocates a buffer for it. It only counts: how the reads
/// are chunked does not matter, and the bytes themselves pass unchanged.
/// </summary>
public sealed class MqttPacketSizeGuard(int maxPacketBytes)
{
    private enum Expect
    {
        Header,
        Length,
        Body,
    }

    private Expect _expect = Expect.Header;
    private long _length;
    private long _multiplier;
    private int _lengthBytes;
    private long _bodyLeft;

    public int MaxPacketBytes { get; } = maxPacketBytes > 0 ? maxPacketBytes : throw new ArgumentOutOfRangeException(nameof(maxPacketBytes));

    /// <summary>Looks at the next bytes of the stream; the packet's declared length when it is too long or malformed, else null.</summary>
    public long? Inspect(ReadOnlySpan<byte> bytes)
    {
        var i = 0;
        while (i < bytes.Length)
        {
            switch (_expect)
            {
                case Expect.Header:
                    i++;
                    (_expect, _length, _multiplier, _lengthBytes) = (Expect.Length, 0, 1, 0);
                    break;
                case Expect.Length:
                    var b = bytes[i++];
                    _length += (b & 0x7F) * _multiplier;
                    _multiplier *= 128;
                    _lengthBytes++;
                    if (_length > MaxPacketBytes)
                    {
                        return _length;
                    }

                    if ((b & 0x80) != 0)
                    {
                        if (_lengthBytes == 4)
                        {
                            return long.MaxValue; // a fifth length byte: not MQTT
                        }

                        break;
                    }

                    (_expect, _bodyLeft) = _length == 0 ? (Expect.Header, 0) : (Expect.Body, _length);
                    break;
                default:
                    var skip = (int)Math.Min(_bodyLeft, bytes.Length - i);
                    i += skip;
                    _bodyLeft -= skip;
                    if (_bodyLeft == 0)
                    {
                        _expect = Expect.Header;
                    }

                    break;
            }
        }

        return null;
    }
}
