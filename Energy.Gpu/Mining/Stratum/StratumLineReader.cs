namespace Energy.Gpu.Mining.Stratum;

/// <summary>
/// Splits what the pool sends into lines: Stratum v1 ends each JSON message with a line feed. The
/// buffer grows to at most <c>maxLineBytes + 1</c>; a line longer than that is a
/// <see cref="StratumProtocolException"/>, found as soon as the bytes are in, not after the line ends.
/// </summary>
internal sealed class StratumLineReader
{
    private const int InitialCapacity = 4096;

    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private byte[] _buffer;
    private int _start;
    private int _end;

    // Bytes after _start already known to hold no line feed.
    private int _scanned;

    public StratumLineReader(Stream stream, int maxLineBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 1);
        _stream = stream;
        _maxLineBytes = maxLineBytes;
        _buffer = new byte[Math.Min(InitialCapacity, maxLineBytes + 1)];
    }

    /// <summary>
    /// The next line without its <c>\n</c> or <c>\r\n</c>, valid until the next call; null at the end
    /// of the stream (bytes after the last line feed are dropped: half a message is no message).
    /// </summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start + _scanned, _end - _start - _scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var length = _scanned + newline;
                CheckLength(length);
                var line = _buffer.AsMemory(_start, length);
                _start += length + 1;
                _scanned = 0;
                return line.Span is [.., (byte)'\r'] ? line[..^1] : line;
            }

            _scanned = _end - _start;
            CheckLength(_scanned);
            if (_end == _buffer.Length)
            {
                MakeRoom();
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                return null;
            }

            _end += read;
        }
    }

    private void CheckLength(int length)
    {
        if (length > _maxLineBytes)
        {
            throw new StratumProtocolException($"The pool sent more than {_maxLineBytes} bytes without a line feed; a Stratum message is one line.");
        }
    }

    private void MakeRoom()
    {
        var pending = _end - _start;
        if (_start > 0)
        {
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            _start = 0;
            _end = pending;
        }
        else
        {
            // Full of one unfinished line no longer than the limit (CheckLength passed), so the buffer
            // is still below its cap of _maxLineBytes + 1 and can grow.
            Array.Resize(ref _buffer, (int)Math.Min(_buffer.Length * 2L, _maxLineBytes + 1L));
        }
    }
}
