using System.Text;
using Energy.Gpu.Mining.Stratum;
using Energy.TestSupport.Streams;

namespace Energy.Gpu.Tests.Mining.Stratum;

public sealed class StratumLineReaderTests
{
    [Fact]
    public async Task ReadLineAsync_BytesTrickleIn_ReassemblesLinesAndDropsTheUnfinishedTail()
    {
        var stream = new TrickleStream(Encoding.ASCII.GetBytes("{\"a\":1}\n{\"b\":2}\r\n\nhalf a messa"), bytesPerRead: 3);
        var reader = new StratumLineReader(stream, maxLineBytes: 1024);

        Assert.Equal("{\"a\":1}", await NextAsync(reader));
        Assert.Equal("{\"b\":2}", await NextAsync(reader));
        Assert.Equal("", await NextAsync(reader));
        Assert.Null(await reader.ReadLineAsync(CancellationToken.None));
        Assert.True(stream.Reads > 3);
    }

    [Fact]
    public async Task ReadLineAsync_LineOfExactlyTheLimit_IsAcceptedOneMoreByteIsNot()
    {
        var atLimit = new string('a', 1024);
        var reader = new StratumLineReader(new MemoryStream(Encoding.ASCII.GetBytes($"{atLimit}\n{atLimit}b\n")), maxLineBytes: 1024);

        Assert.Equal(atLimit, await NextAsync(reader));
        var error = await Assert.ThrowsAsync<StratumProtocolException>(() => reader.ReadLineAsync(CancellationToken.None).AsTask());
        Assert.Equal("The pool sent more than 1024 bytes without a line feed; a Stratum message is one line.", error.Message);
    }

    [Fact]
    public async Task ReadLineAsync_EndlessLine_FailsAfterBufferingNoMoreThanTheLimit()
    {
        var endless = new EndlessStream();
        var reader = new StratumLineReader(endless, maxLineBytes: 10_000);

        await Assert.ThrowsAsync<StratumProtocolException>(() => reader.ReadLineAsync(CancellationToken.None).AsTask());

        Assert.InRange(endless.BytesRead, 10_001, 10_001);
    }

    [Fact]
    public async Task ReadLineAsync_ManyLinesThroughASmallBuffer_AllArriveIntact()
    {
        var lines = Enumerable.Range(0, 500).Select(i => new string((char)('a' + (i % 26)), i % 700)).ToList();
        var reader = new StratumLineReader(new TrickleStream(Encoding.ASCII.GetBytes(string.Join('\n', lines) + "\n"), 997), maxLineBytes: 1024);

        foreach (var line in lines)
        {
            Assert.Equal(line, await NextAsync(reader));
        }

        Assert.Null(await reader.ReadLineAsync(CancellationToken.None));
    }

    private static async Task<string?> NextAsync(StratumLineReader reader) =>
        await reader.ReadLineAsync(CancellationToken.None) is { } line ? Encoding.ASCII.GetString(line.Span) : null;

    /// <summary>A pool that sends 'x' forever and never a line feed.</summary>
    private sealed class EndlessStream : Stream
    {
        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'x');
            BytesRead += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
