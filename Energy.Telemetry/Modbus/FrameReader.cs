using System.Runtime.CompilerServices;

namespace Energy.Telemetry.Modbus;

/// <summary>
/// Cuts a byte stream into MBAP frames: exactly the 7-byte header, then exactly <c>length − 1</c>
/// bytes (Implementation Guide V1.0b §3.1.3). Reads are buffered, so that a reply usually costs one
/// read and bytes that arrive with it (a late reply, the next frame) wait here instead of being
/// lost; a read cut short by cancellation therefore never breaks the framing.
/// </summary>
internal sealed class FrameReader(Stream stream)
{
    // Room for two whole frames: after moving the unread tail to the front, a frame always fits.
    private readonly byte[] _buffer = new byte[2 * ModbusFrame.MaxAduLength];
    private int _start;
    private int _end;

    /// <summary>Bytes received but not yet handed out as a frame.</summary>
    public int Buffered => _end - _start;

    // Pooled builders here and on the client's request path: a reply that goes asynchronous then
    // reuses a state machine box instead of allocating one per request.

    /// <summary>
    /// The next frame, header included; it stays valid until the next call. Empty when the stream
    /// ends between frames.
    /// </summary>
    /// <exception cref="EndOfStreamException">The stream ended inside a frame.</exception>
    /// <exception cref="ModbusProtocolException">The header cannot start a Modbus frame.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadOnlyMemory<byte>> ReadFrameAsync(CancellationToken cancellationToken)
    {
        if (!await FillAsync(ModbusFrame.HeaderLength, cancellationToken))
        {
            return Buffered == 0 ? ReadOnlyMemory<byte>.Empty : throw Truncated();
        }

        var header = ModbusFrame.ReadHeader(_buffer.AsSpan(_start));
        if (ModbusFrame.HeaderProblem(header) is { } problem)
        {
            throw new ModbusProtocolException(problem);
        }

        if (!await FillAsync(header.FrameLength, cancellationToken))
        {
            throw Truncated();
        }

        var frame = _buffer.AsMemory(_start, header.FrameLength);
        _start += header.FrameLength;
        return frame;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> FillAsync(int count, CancellationToken cancellationToken)
    {
        while (Buffered < count)
        {
            if (Buffered == 0)
            {
                _start = _end = 0;
            }
            else if (_buffer.Length - _start < count)
            {
                _buffer.AsSpan(_start, Buffered).CopyTo(_buffer);
                _end = Buffered;
                _start = 0;
            }

            var read = await stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                return false;
            }

            _end += read;
        }

        return true;
    }

    private EndOfStreamException Truncated() => new($"the stream ended inside a frame, after {Buffered} of its bytes");
}
