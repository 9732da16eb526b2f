using System.Net.Sockets;
using System.Security.Authentication;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace Energy.Telemetry.Mqtt;

/// <summary>
/// The loop that keeps an <see cref="MqttLink"/> connected, in rounds: connect and check the CONNACK
/// code (MQTTnet returns a refusal rather than throwing it), subscribe every remembered filter,
/// announce "online", then ping until the connection is lost; or, after a failed attempt, wait out
/// the capped backoff. Each round uses a new <see cref="MqttConnection"/>.
/// </summary>
internal sealed class MqttSupervisor(
    MqttBrokerOptions options,
    MqttRouter router,
    MqttLinkStatus status,
    TimeProvider time,
    ILogger logger,
    Func<MqttApplicationMessageReceivedEventArgs, Task> onMessage)
{
    private readonly MqttClientOptions _connect = MqttConnectOptions.Build(options);
    private readonly MqttBackoff _backoff = new(options.InitialBackoff, options.MaxBackoff);
    private readonly string _broker = options.ToString();

    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await RunRoundAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // Loop boundary: an unforeseen failure in one round must not end supervision for good.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Log.MqttSupervisorFailed(logger, _broker, e);
                var wait = _backoff.Fail(refused: false);
                status.Fail(MqttFailureText.Of(e), refused: false, wait);
                try
                {
                    await Task.Delay(wait, time, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>A subscription added while connected; if the connection fails under it, the next connect subscribes it.</summary>
    public async Task SubscribeLateAsync(MqttConnection connection, MqttSubscription subscription)
    {
        try
        {
            using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
            await SubscribeAsync(connection, subscription, timeout.Token);
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or ObjectDisposedException)
        {
            // Lost with the connection; the next connect subscribes every remembered filter.
        }
    }

    private async Task RunRoundAsync(CancellationToken stop)
    {
        using var connection = new MqttConnection(onMessage);
        try
        {
            var (error, refused) = await ConnectAsync(connection, stop);
            if (error is not null)
            {
                var wait = _backoff.Fail(refused);
                status.Fail(error, refused, wait);
                await Task.Delay(wait, time, stop);
                return;
            }

            var lost = await StayConnectedAsync(connection, stop);
            router.SetLive(null);
            if (lost is not null)
            {
                status.Lose(lost);
            }
        }
        finally
        {
            router.SetLive(null);
        }
    }

    private async Task<(string? Error, bool Refused)> ConnectAsync(MqttConnection connection, CancellationToken stop)
    {
        using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        try
        {
            var result = await connection.ConnectAsync(_connect, linked.Token);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                return (MqttFailureText.Rejected(result), MqttFailureText.IsRefusal(result.ResultCode));
            }

            foreach (var subscription in router.SetLive(connection))
            {
                await SubscribeAsync(connection, subscription, linked.Token);
            }

            if (options.StatusTopic is { } topic && !await connection.PublishAsync(topic, MqttConnectOptions.Online, MqttQualityOfServiceLevel.AtLeastOnce, retain: true, linked.Token))
            {
                return ($"broker did not take our \"online\" status on {topic}", false);
            }

            _backoff.Reset();
            status.Connect(result.IsSessionPresent);
            return (null, false);
        }
        catch (Exception e) when (stop.IsCancellationRequested && e is OperationCanceledException or MqttCommunicationException)
        {
            throw new OperationCanceledException("The MQTT link was stopped while connecting.", e, stop);
        }
        catch (Exception e) when (timeout.IsCancellationRequested && e is OperationCanceledException or MqttCommunicationException)
        {
            return ($"no answer from {options.Host}:{options.Port} within {MqttLinkStatus.Milliseconds(options.ConnectTimeout)} ms", false);
        }
        catch (Exception e) when (e is MqttCommunicationException or SocketException or IOException or AuthenticationException)
        {
            var hint = e.GetBaseException() is AuthenticationException && !options.AllowUntrustedCertificates
                ? " (a broker with a self-signed certificate needs AllowUntrustedCertificates)"
                : "";
            return ($"cannot connect to {options.Host}:{options.Port}: {MqttFailureText.Of(e)}{hint}", false);
        }
    }

    /// <summary>
    /// Waits for the loss of the connection, pinging every keep-alive period. MQTTnet pings only when
    /// it has sent nothing for that long; a link that only publishes would notice a half-open
    /// connection (broker gone without a RST) only when TCP gives up, after many minutes.
    /// Returns why the connection was lost, or null after a clean stop.
    /// </summary>
    private async Task<string?> StayConnectedAsync(MqttConnection connection, CancellationToken stop)
    {
        while (true)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(stop);
            var delay = Task.Delay(options.KeepAlive, time, tick.Token);
            if (await Task.WhenAny(connection.Lost, delay) == connection.Lost)
            {
                await tick.CancelAsync();
                return await connection.Lost;
            }

            if (stop.IsCancellationRequested)
            {
                await CloseAsync(connection);
                return null;
            }

            using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
            if (!await connection.PingAsync(timeout.Token))
            {
                return connection.Lost.IsCompleted ? await connection.Lost : $"no answer to a ping within {MqttLinkStatus.Milliseconds(options.ConnectTimeout)} ms";
            }
        }
    }

    /// <summary>A clean stop: "offline" first (a clean DISCONNECT discards the will), then DISCONNECT.</summary>
    private async Task CloseAsync(MqttConnection connection)
    {
        using var timeout = new CancellationTokenSource(options.ConnectTimeout, time);
        try
        {
            if (options.StatusTopic is { } topic)
            {
                await connection.PublishAsync(topic, MqttConnectOptions.Offline, MqttQualityOfServiceLevel.AtLeastOnce, retain: true, timeout.Token);
            }

            await connection.CloseAsync(timeout.Token);
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or ObjectDisposedException)
        {
            // The broker went away as we were leaving: the will says "offline" for us.
        }

        Log.MqttStopped(logger, _broker);
    }

    private async Task SubscribeAsync(MqttConnection connection, MqttSubscription subscription, CancellationToken ct)
    {
        if (await connection.SubscribeAsync(subscription, ct) is { } refusal)
        {
            Log.MqttSubscriptionRejected(logger, _broker, subscription.Filter, refusal);
        }
    }
}
