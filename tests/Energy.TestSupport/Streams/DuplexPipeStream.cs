using System.Buffers;
using System.IO.Pipelines;

namespace Energy.TestSupport.Streams;

/// <summary>
/// One end of an in-memory, full-duplex byte connection: what one end writes, the other reads.
/// Stands in for a TCP connection in protocol tests without opening a socket, where the test plays
/// the other end by hand (read the request, check what is pending, answer). Both pipes schedule
/// inline and ignore the synchronization context, so a write completes the other end's pending
/// read at once; async code layered above may still resume later.
/// </summary>
public sealed class DuplexPipeStream : Stream
{
    private static readonly PipeOptions Inline = new(
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 0,
        useSynchronizationContext: false);

    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private int _disposed;

    private DuplexPipeStream(PipeReader input, PipeWriter output)
    {
        _input = input;
        _output = output;
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>True once this end was disposed (for a client: it closed the connection).</summary>
    public bool IsClosed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Two connected ends: what <c>Client</c> writes, <c>Device</c> reads, and back.</summary>
    public static (DuplexPipeStream Client, DuplexPipeStream Device) CreatePair()
    {
        var toDevice = new Pipe(Inline);
        var toClient = new Pipe(Inline);
        return (new DuplexPipeStream(toClient.Reader, toDevice.Writer), new DuplexPipeStream(toDevice.Reader, toClient.Writer));
    }

    /// <summary>Bytes the other end wrote that nobody has read yet; never waits.</summary>
    public int Pending()
    {
        if (!_input.TryRead(out var result))
        {
            return 0;
        }

        _input.AdvanceTo(result.Buffer.Start, result.Buffer.Start);
        return (int)result.Buffer.Length;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var result = await _input.ReadAsync(cancellationToken).ConfigureAwait(false);
        var data = result.Buffer;
        var count = (int)Math.Min(buffer.Length, data.Length);
        data.Slice(0, count).CopyTo(buffer.Span);
        _input.AdvanceTo(data.GetPosition(count));
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        await _output.WriteAsync(buffer, cancellationToken).ConfigureAwait(false);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Write(byte[] buffer, int offset, int count) =>
        WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    /// <summary>Ends what this end writes (the other end reads end-of-stream) and stops reading.</summary>
    protected override void Dispose(bool disposing)
    {
        if (disposing && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _output.Complete();
            _input.Complete();
        }

        base.Dispose(disposing);
    }
}
