using Energy.Telemetry.Modbus;
using Energy.TestSupport.Streams;

namespace Energy.Telemetry.Tests.Modbus;

public sealed class FrameReaderTests
{
    private static readonly byte[] First = [0, 1, 0, 0, 0, 5, 1, 0x03, 0x02, 0x12, 0x34];
    private static readonly byte[] Second = [0, 2, 0, 0, 0, 3, 1, 0x83, 0x02];

    [Fact]
    public async Task ReadFrameAsync_TwoFramesInOneRead_ExactlyOneFrameEach()
    {
        var reader = new FrameReader(new MemoryStream([.. First, .. Second]));

        Assert.Equal(First, (await reader.ReadFrameAsync(CancellationToken.None)).ToArray());
        Assert.Equal(Second, (await reader.ReadFrameAsync(CancellationToken.None)).ToArray());
        Assert.True((await reader.ReadFrameAsync(CancellationToken.None)).IsEmpty);
    }

    [Fact]
    public async Task ReadFrameAsync_OneByteAtATime_Reassembles()
    {
        var stream = new TrickleStream([.. First, .. Second], bytesPerRead: 1);
        var reader = new FrameReader(stream);

        Assert.Equal(First, (await reader.ReadFrameAsync(CancellationToken.None)).ToArray());
        Assert.Equal(Second, (await reader.ReadFrameAsync(CancellationToken.None)).ToArray());
        Assert.Equal(First.Length + Second.Length, stream.Reads);
    }

    [Fact]
    public async Task ReadFrameAsync_ManyFramesThroughTheBuffer_NoneCorrupted()
    {
        // 200 frames of the longest kind: the buffer wraps around many times.
        var frames = Enumerable.Range(0, 200).Select(i => Enumerable.Repeat((byte)i, 253).Prepend((byte)0x03)).ToList();
        var bytes = frames.SelectMany((pdu, i) => new byte[] { 0, (byte)i, 0, 0, 0, 254, 1 }.Concat(pdu.Skip(1))).ToArray();
        var reader = new FrameReader(new TrickleStream(bytes, bytesPerRead: 97));

        for (var i = 0; i < 200; i++)
        {
            var frame = (await reader.ReadFrameAsync(CancellationToken.None)).ToArray();
            Assert.Equal(260, frame.Length);
            Assert.All(frame[7..], b => Assert.Equal((byte)i, b));
        }
    }

    [Fact]
    public async Task ReadFrameAsync_EndsInsideAFrame_EndOfStream()
    {
        var reader = new FrameReader(new MemoryStream(First[..9]));

        await Assert.ThrowsAsync<EndOfStreamException>(() => reader.ReadFrameAsync(CancellationToken.None).AsTask());
    }

    [Fact]
    public async Task ReadFrameAsync_EndsInsideAHeader_EndOfStream()
    {
        var reader = new FrameReader(new MemoryStream(First[..3]));

        await Assert.ThrowsAsync<EndOfStreamException>(() => reader.ReadFrameAsync(CancellationToken.None).AsTask());
    }

    [Theory]
    [InlineData(new byte[] { 0, 1, 0, 1, 0, 5, 1, 3, 2, 0, 0 })]
    [InlineData(new byte[] { 0, 1, 0, 0, 0, 1, 1 })]
    [InlineData(new byte[] { 0, 1, 0, 0, 0, 0xFF, 1 })]
    [InlineData(new byte[] { 0, 1, 0, 0, 0xFF, 0xFF, 1 })]
    public async Task ReadFrameAsync_HeaderNotModbus_ProtocolException(byte[] bytes)
    {
        var reader = new FrameReader(new MemoryStream(bytes));

        await Assert.ThrowsAsync<ModbusProtocolException>(() => reader.ReadFrameAsync(CancellationToken.None).AsTask());
    }
}
