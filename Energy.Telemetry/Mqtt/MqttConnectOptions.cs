using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

namespace Energy.Telemetry.Mqtt;

/// <summary>
/// The CONNECT that <see cref="MqttBrokerOptions"/> stand for: MQTT 5, a persistent session
/// (clean start off, a session expiry, a fixed client id) so that the broker queues QoS 1 messages
/// while we are away, the status topic's "offline" as a retained last will, and a packet-size limit.
/// </summary>
internal static class MqttConnectOptions
{
    public static ReadOnlyMemory<byte> Online { get; } = "online"u8.ToArray();

    public static ReadOnlyMemory<byte> Offline { get; } = "offline"u8.ToArray();

    /// <summary>
    /// The largest packet we accept (1 MiB), announced in CONNECT: an MQTT 5 broker (mosquitto, the embedded
    /// one) must not send a larger one and drops such a message for this client instead, so a 250 MB payload
    /// published onto a topic we subscribe to never reaches this process's memory.
    /// </summary>
    public const uint MaxPacketBytes = 1024 * 1024;

    public static MqttClientOptions Build(MqttBrokerOptions options)
    {
        Validate(options);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithMaximumPacketSize(MaxPacketBytes)
            .WithClientId(options.ClientId)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(checked((uint)options.SessionExpiry.TotalSeconds))
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithTimeout(options.ConnectTimeout);
        if (options.Username is not null)
        {
            builder.WithCredentials(options.Username, options.Password);
        }

        if (options.UseTls)
        {
            // A self-signed certificate fails chain validation only; the host name is still checked.
            builder.WithTlsOptions(tls => tls
                .UseTls()
                .WithTargetHost(options.Host)
                .WithAllowUntrustedCertificates(options.AllowUntrustedCertificates)
                .WithIgnoreCertificateChainErrors(options.AllowUntrustedCertificates));
        }

        if (options.StatusTopic is { } topic)
        {
            builder
                .WithWillTopic(topic)
                .WithWillPayload(Offline.ToArray())
                .WithWillRetain(true)
                .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        }

        return builder.Build();
    }

    private static void Validate(MqttBrokerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Host) || string.IsNullOrWhiteSpace(options.ClientId))
        {
            throw new ArgumentException($"MQTT broker options need a host and a client id (host '{options.Host}', client id '{options.ClientId}')", nameof(options));
        }

        if (options.Port is < 1 or > 65535)
        {
            throw new ArgumentException($"MQTT broker port {options.Port} is not 1..65535", nameof(options));
        }

        // MQTT carries the keep-alive in a 16-bit count of seconds (§3.1.2.10), the session expiry in a 32-bit one.
        if (options.KeepAlive < TimeSpan.FromSeconds(1) || options.KeepAlive.TotalSeconds > ushort.MaxValue)
        {
            throw new ArgumentException($"MQTT keep-alive {options.KeepAlive} is not 1 s..65535 s", nameof(options));
        }

        if (options.SessionExpiry < TimeSpan.Zero || options.SessionExpiry.TotalSeconds > uint.MaxValue)
        {
            throw new ArgumentException($"MQTT session expiry {options.SessionExpiry} is not 0..{uint.MaxValue} s", nameof(options));
        }

        if (options.ConnectTimeout <= TimeSpan.Zero || options.InitialBackoff <= TimeSpan.Zero || options.MaxBackoff < options.InitialBackoff)
        {
            throw new ArgumentException($"MQTT timeouts must be positive and MaxBackoff ≥ InitialBackoff (connect timeout {options.ConnectTimeout}, backoff {options.InitialBackoff}..{options.MaxBackoff})", nameof(options));
        }

        if (options.StatusTopic is { } topic && !MqttTopics.IsValidTopic(topic))
        {
            throw new ArgumentException($"MQTT status topic '{topic}' is empty or has a wildcard", nameof(options));
        }
    }
}
