using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace Energy.TestSupport.Modbus;

/// <summary>
/// The client's end of a connection to a <see cref="ScriptedModbusDevice"/>. The device has no
/// task of its own: each write is cut into request ADUs and the script's answer is queued for
/// reading before the write returns. A reply is therefore always there before a test advances its
/// fake clock, and nothing in a test depends on thread scheduling.
/// </summary>
public sealed class ScriptedDeviceStream : Stream
{
    private static readonly PipeOptions Inline = new(
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        pauseWriterThreshold: 0,
        useSynchronizationContext: false);

    private readonly Pipe _toClient = new(Inline);
    private readonly List<byte> _fromClient = [];
    private readonly Func<byte[], IEnumerable<byte[]>> _script;
    private readonly Action<byte[]> _received;
    private readonly Lock _lock = new();
    private bool _dropped;
    private bool _disposed;

    internal ScriptedDeviceStream(Func<byte[], IEnumerable<byte[]>> script, Action<byte[]> received)
    {
        _script = script;
        _received = received;
    }

    /// <summary>True once the client closed its end.</summary>
    public bool IsClosedByClient => Volatile.Read(ref _disposed);

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>The device hangs up: the client reads end-of-stream, and its writes fail.</summary>
    public void Drop()
    {
        lock (_lock)
        {
            _dropped = true;
        }

        _toClient.Writer.Complete();
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        List<byte[]> requests = [];
        lock (_lock)
        {
            if (_dropped)
            {
                throw new IOException("Connection reset by the scripted device.");
            }

            _fromClient.AddRange(buffer);
            while (_fromClient.Count >= 7)
            {
                var length = 6 + Math.Max(1, (int)BinaryPrimitives.ReadUInt16BigEndian([_fromClient[4], _fromClient[5]]));
                if (_fromClient.Count < length)
                {
                    break;
                }

                requests.Add([.. _fromClient.GetRange(0, length)]);
                _fromClient.RemoveRange(0, length);
            }
        }

        foreach (var request in requests)
        {
            _received(request);
            foreach (var chunk in _script(request))
            {
                _toClient.Writer.Write(chunk);
                _ = _toClient.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
            }
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var result = await _toClient.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        var data = result.Buffer;
        var count = (int)Math.Min(buffer.Length, data.Length);
        data.Slice(0, count).CopyTo(buffer.Span);
        _toClient.Reader.AdvanceTo(data.GetPosition(count));
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !Volatile.Read(ref _disposed))
        {
            Volatile.Write(ref _disposed, true);
            _toClient.Reader.Complete();
        }

        base.Dispose(disposing);
    }
}
