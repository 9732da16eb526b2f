using System.Diagnostics;
using System.Net.Sockets;

namespace Energy.IntegrationTests.Support;

internal static class TcpProbe
{
    /// <summary>Waits until something accepts connections on 127.0.0.1:port, probing rather than sleeping blindly.</summary>
    public static async Task WaitForListenerAsync(int port, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        Assert.Fail($"nothing listened on 127.0.0.1:{port} within {timeout.TotalSeconds} s. {diagnostics?.Invoke()}");
    }
}
