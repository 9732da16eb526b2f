using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using Energy.Telemetry.Modbus;

namespace Energy.Scheduler.Cli.Bench;

/// <summary>
/// The baseline: the least a Modbus TCP read can cost, a hand-written FC3 request and a blocking read of
/// the reply on a bare socket, without any checking. HeatGrid's client should come close to it.
/// </summary>
internal static class RawSocketLoop
{
    public static async Task<double> ReadsPerSecondAsync(ModbusEndpoint endpoint, int registers, TimeSpan duration, CancellationToken ct)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(endpoint.Host, endpoint.Port, ct);
        var request = new byte[12];
        var reply = new byte[9 + (2 * registers)];
        ushort transaction = 0;
        var reads = 0;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            BinaryPrimitives.WriteUInt16BigEndian(request, ++transaction);
            BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(4), 6);
            request[6] = 1;
            request[7] = 3;
            BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(8), 0);
            BinaryPrimitives.WriteUInt16BigEndian(request.AsSpan(10), (ushort)registers);
            await socket.SendAsync(request, SocketFlags.None, ct);
            var got = 0;
            while (got < reply.Length)
            {
                var n = await socket.ReceiveAsync(reply.AsMemory(got), SocketFlags.None, ct);
                if (n == 0)
                {
                    throw new IOException("The server closed the connection.");
                }

                got += n;
            }

            reads++;
        }

        return reads / clock.Elapsed.TotalSeconds;
    }
}
