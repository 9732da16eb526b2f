using System.Diagnostics;
using System.Text;
using Energy.Telemetry.Mqtt;

namespace Energy.IntegrationTests.Mqtt;

/// <summary>What one handler received, copied out of the receive buffer, and a probe to wait for it.</summary>
internal sealed class MqttInbox
{
    private readonly List<Received> _messages = [];

    public IReadOnlyList<Received> Messages
    {
        get
        {
            lock (_messages)
            {
                return [.. _messages];
            }
        }
    }

    public int Count
    {
        get
        {
            lock (_messages)
            {
                return _messages.Count;
            }
        }
    }

    public ValueTask HandleAsync(MqttInbound message)
    {
        lock (_messages)
        {
            _messages.Add(new Received(message.Topic, Encoding.UTF8.GetString(message.Payload.Span), message.Retained));
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Probes every 10 ms until <paramref name="done"/> holds; fails with the messages seen so far otherwise.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<Received>, bool> done, TimeSpan timeout, Func<string>? diagnostics = null)
    {
        var clock = Stopwatch.StartNew();
        while (!done(Messages))
        {
            if (clock.Elapsed > timeout)
            {
                Assert.Fail($"not received within {timeout.TotalSeconds} s; got {Count}: {string.Join(", ", Messages.TakeLast(20))}\n{diagnostics?.Invoke()}");
            }

            await Task.Delay(10);
        }
    }

    public Task WaitForCountAsync(int count, TimeSpan timeout, Func<string>? diagnostics = null) =>
        WaitForAsync(m => m.Count >= count, timeout, diagnostics);

    internal sealed record Received(string Topic, string Payload, bool Retained);
}
