using Energy.Telemetry.Mqtt;

namespace Energy.Telemetry.Tests.Mqtt;

public sealed class MqttPacketSizeGuardTests
{
    private static byte[] Packet(int bodyLength)
    {
        var header = new List<byte> { 0x30 }; // PUBLISH, QoS 0
        var length = bodyLength;
        do
        {
            var b = (byte)(length % 128);
            length /= 128;
            header.Add(length > 0 ? (byte)(b | 0x80) : b);
        }
        while (length > 0);

        return [.. header, .. new byte[bodyLength]];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4096)]
    public void PacketsWithinTheLimit_PassHoweverTheReadsAreChunked(int chunk)
    {
        var guard = new MqttPacketSizeGuard(1000);
        byte[] stream = [.. Packet(0), .. Packet(127), .. Packet(128), .. Packet(1000), .. Packet(5)];

        for (var i = 0; i < stream.Length; i += chunk)
        {
            Assert.Null(guard.Inspect(stream.AsSpan(i, Math.Min(chunk, stream.Length - i))));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4096)]
    public void APacketOverTheLimit_IsCaughtFromItsHeader_BeforeItsBody(int chunk)
    {
        var guard = new MqttPacketSizeGuard(1000);
        byte[] stream = [.. Packet(10), .. Packet(1001)[..4]]; // the second one's body never needs to arrive

        long? caught = null;
        for (var i = 0; i < stream.Length && caught is null; i += chunk)
        {
            caught = guard.Inspect(stream.AsSpan(i, Math.Min(chunk, stream.Length - i)));
        }

        Assert.Equal(1001, caught);
    }

    [Fact]
    public void A250MegabytePublish_IsCaughtAtItsThirdLengthByte()
    {
        var guard = new MqttPacketSizeGuard(1024 * 1024);
        var header = Packet(0)[..1].Concat(new byte[] { 0x80, 0x80, 0xF7, 0x7C }).ToArray(); // 0x7C<<21 | 0x77<<14 ≈ 261 MB

        Assert.Null(guard.Inspect(header.AsSpan(0, 3)));
        Assert.True(guard.Inspect(header.AsSpan(3, 1)) > 1024 * 1024);
    }

    [Fact]
    public void AFifthLengthByte_IsMalformed()
    {
        var guard = new MqttPacketSizeGuard(int.MaxValue);

        Assert.Equal(long.MaxValue, guard.Inspect([0x30, 0x80, 0x80, 0x80, 0x80]));
    }
}
