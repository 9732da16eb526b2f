using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Energy.IntegrationTests.Support;
using Energy.Telemetry.Mqtt;
using Xunit.Abstractions;

namespace Energy.IntegrationTests.Mqtt;

/// <summary>MqttLink against a real mosquitto 2.0 with a password file and persistence.</summary>
public sealed class MosquittoLinkTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private static readonly Dictionary<string, string> Users = new() { ["heatgrid"] = "s3cret:@/", ["meter"] = "m" };

    [RequiresMosquittoFact]
    public async Task StartAsync_WrongPassword_RefusedWithClearErrorAndNoCrash()
    {
        await using var broker = await MosquittoBroker.StartAsync(Users);
        await using var links = new MqttLinkHarness();
        Assert.True(MqttBrokerOptions.TryParse(broker.Uri("heatgrid", "wrong"), "heatgrid-bad", out var options, out var error), error);
        var link = links.Create(Fast(options), out var log);

        await link.StartAsync(CancellationToken.None);

        Assert.True(link.State == MqttLinkState.Refused, $"{link.State}: {link.LastError}\n{broker.Log}");
        // mosquitto 2.0 answers a wrong password of an MQTT 5 client with 0x87 "not authorized", not 0x86.
        Assert.Matches("^broker refused the connection: (bad user name or password|not authorized)$", link.LastError);
        Assert.Single(log.WithEventId(1305));
        Assert.False(await link.PublishAsync("x", "1"u8.ToArray(), 1, retain: false, CancellationToken.None));

        // The same broker takes the right password: the refusal was about credentials, not the link.
        Assert.True(MqttBrokerOptions.TryParse(broker.Uri("heatgrid"), "heatgrid-good", out var good, out _));
        await links.ConnectedAsync(Fast(good));
        Assert.Equal(MqttLinkState.Refused, link.State);
        links.AssertNoErrors(expectedEventIds: 1305);
    }

    [RequiresMosquittoFact]
    public async Task BrokerRestart_WhilePublishingQos1_EveryMessageReceivedViaThePersistentSession()
    {
        await using var broker = await MosquittoBroker.StartAsync(Users);
        await using var relay = TcpRelay.Start(broker.Port);
        await using var links = new MqttLinkHarness();
        var received = new List<int>();
        var receiver = await links.ConnectedAsync(Link(relay.Port, "heatgrid-rx"), l => l.Subscribe("plant/+/seq", 1, m =>
        {
            lock (received)
            {
                received.Add(int.Parse(Encoding.ASCII.GetString(m.Payload.Span), CultureInfo.InvariantCulture));
            }

            return ValueTask.CompletedTask;
        }));
        var sender = await links.ConnectedAsync(Link(broker.Port, "heatgrid-tx"));
        string Diagnostics() => $"received {Count()}; receiver {receiver.State} {receiver.LastError}\n{links.Logs()}\nmosquitto:\n{broker.Log}";
        int Count()
        {
            lock (received)
            {
                return received.Distinct().Count();
            }
        }

        // 1–50 live; then a clean broker restart while the sender keeps trying 51–100, during which
        // the receiver cannot get back in (relay refusing): 51–100 must wait in its session.
        await SendAsync(sender, 1, 50);
        await broker.StopAsync();
        relay.Refusing = true;
        relay.CutAll();
        var sending = SendAsync(sender, 51, 100);
        await broker.RestartAsync();
        await sending;
        Assert.NotEqual(MqttLinkState.Connected, receiver.State);
        relay.Refusing = false;
        await SendAsync(sender, 101, 150);

        var clock = Stopwatch.StartNew();
        while (Count() < 150 && clock.Elapsed < Patience)
        {
            await Task.Delay(20);
        }

        int[] seen;
        lock (received)
        {
            seen = [.. received];
        }

        Assert.True(Enumerable.Range(1, 150).All(seen.Contains), $"missing: {string.Join(',', Enumerable.Range(1, 150).Except(seen))}\n{Diagnostics()}");
        Assert.Equal(MqttLinkState.Connected, receiver.State);
        output.WriteLine($"{seen.Length} deliveries of 150 messages ({seen.Length - 150} redelivered after the restart)");
        Assert.Contains("session present: True", links.Logs(), StringComparison.Ordinal);
        Assert.DoesNotContain("no longer had the session", links.Logs(), StringComparison.Ordinal);
        links.AssertNoErrors();
    }

    [RequiresMosquittoFact]
    public async Task Subscribe_OverlappingAndRepeatedFilters_EachHandlerOncePerMessage()
    {
        await using var broker = await MosquittoBroker.StartAsync(Users);
        await using var links = new MqttLinkHarness();
        var hash = new MqttInbox();
        var plus = new MqttInbox();
        var again = new MqttInbox();
        var receiver = await links.ConnectedAsync(Link(broker.Port, "rx"), l =>
        {
            l.Subscribe("site/#", 1, hash.HandleAsync);
            l.Subscribe("site/+", 0, plus.HandleAsync);
            l.Subscribe("site/#", 0, again.HandleAsync);
        });
        var sender = await links.ConnectedAsync(Link(broker.Port, "tx"));

        Assert.True(await sender.PublishAsync("site/a", "1"u8.ToArray(), 1, retain: false, CancellationToken.None));
        Assert.True(await sender.PublishAsync("site/a/b", "2"u8.ToArray(), 1, retain: false, CancellationToken.None));
        Assert.True(await sender.PublishAsync("site/end", "3"u8.ToArray(), 1, retain: false, CancellationToken.None));
        await hash.WaitForCountAsync(3, Patience);
        await plus.WaitForCountAsync(2, Patience);

        Assert.Equal(["site/a", "site/a/b", "site/end"], hash.Messages.Select(m => m.Topic));
        await again.WaitForCountAsync(3, Patience);
        Assert.Equal(["site/a", "site/end"], plus.Messages.Select(m => m.Topic));
        Assert.Equal(hash.Messages, again.Messages);
        output.WriteLine($"copies received from mosquitto: {receiver.Received} for 8 handler deliveries");
    }

    [RequiresMosquittoFact]
    public async Task Mqtts_SelfSignedBroker_ConnectsOnlyWhenUntrustedAllowed()
    {
        var certs = Directory.CreateTempSubdirectory("heatgrid-mqtt-tls-").FullName;
        try
        {
            var (certFile, keyFile) = WriteSelfSignedCertificate(certs);
            await using var broker = await MosquittoBroker.StartAsync(Users, $"certfile {certFile}\nkeyfile {keyFile}");
            await using var links = new MqttLinkHarness();
            var uri = broker.Uri("heatgrid").Replace("mqtt://", "mqtts://", StringComparison.Ordinal);
            Assert.True(MqttBrokerOptions.TryParse(uri, "tls-rx", out var options, out var error), error);
            Assert.True(options.UseTls);
            var inbox = new MqttInbox();

            var trusting = await links.ConnectedAsync(Fast(options) with { AllowUntrustedCertificates = true }, l => l.Subscribe("tls/#", 1, inbox.HandleAsync));
            Assert.True(await trusting.PublishAsync("tls/echo", "over TLS"u8.ToArray(), 1, retain: false, CancellationToken.None));
            await inbox.WaitForCountAsync(1, Patience, () => broker.Log);
            Assert.Equal("over TLS", inbox.Messages[0].Payload);

            var strict = links.Create(Fast(options) with { ClientId = "tls-strict" });
            await strict.StartAsync(CancellationToken.None);
            Assert.Equal(MqttLinkState.Disconnected, strict.State);
            Assert.Contains("certificate", strict.LastError, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("AllowUntrustedCertificates", strict.LastError, StringComparison.Ordinal);
            output.WriteLine("strict link: " + strict.LastError);
        }
        finally
        {
            Directory.Delete(certs, recursive: true);
        }
    }

    /// <summary>A quick ingest measurement, not a benchmark: QoS 0, 100-byte payloads, one publisher link, one receiver link.</summary>
    [RequiresMosquittoFact]
    public async Task Qos0Ingest_ThroughMosquitto_Rate()
    {
        const int Messages = 100_000;

        // mosquitto drops QoS 0 messages for a subscriber more than max_queued_messages (1000) behind: on a loaded
        // machine the receiver falls that far behind while the sender runs flat out. The test is about our link taking
        // them all, so the broker may queue them all.
        await using var broker = await MosquittoBroker.StartAsync(Users, $"max_queued_messages {Messages}");
        await using var links = new MqttLinkHarness();
        var count = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var receiver = await links.ConnectedAsync(Link(broker.Port, "rx"), l => l.Subscribe("bench/+/power", 0, _ =>
        {
            if (Interlocked.Increment(ref count) == Messages)
            {
                all.TrySetResult();
            }

            return ValueTask.CompletedTask;
        }));
        var sender = await links.ConnectedAsync(Link(broker.Port, "tx"));
        var payload = new byte[100];
        var topics = Enumerable.Range(0, 16).Select(i => $"bench/m{i}/power").ToArray();

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < Messages; i++)
        {
            await sender.PublishAsync(topics[i & 15], payload, 0, retain: false, CancellationToken.None);
        }

        var published = clock.Elapsed;
        await Task.WhenAny(all.Task, Task.Delay(TimeSpan.FromSeconds(60)));
        var elapsed = clock.Elapsed;

        var rate = count / elapsed.TotalSeconds;
        output.WriteLine($"QoS 0: {count} of {Messages} received in {elapsed.TotalMilliseconds:F0} ms ({rate:F0} msg/s); publishing took {published.TotalMilliseconds:F0} ms ({Messages / published.TotalSeconds:F0} msg/s)");
        Assert.Equal(Messages, sender.Published);
        Assert.True(count >= Messages * 0.99, $"only {count} of {Messages} QoS 0 messages arrived\n{broker.Log}");
        Assert.True(rate > 2_000, $"{rate:F0} msg/s: something is pathologically slow");
        Assert.Equal(count, receiver.Received);
    }

    [RequiresMosquittoFact]
    public async Task APayloadOverOurPacketLimit_IsDroppedByMosquitto_NotDeliveredToUs()
    {
        await using var broker = await MosquittoBroker.StartAsync(Users);
        await using var links = new MqttLinkHarness();
        var inbox = new MqttInbox();
        var receiver = await links.ConnectedAsync(Link(broker.Port, "heatgrid-rx"), l => l.Subscribe("big/#", 1, inbox.HandleAsync));
        var sender = await links.ConnectedAsync(Link(broker.Port, "heatgrid-tx"));

        // 5 MB: mosquitto takes it (its own limit is 256 MB) but must not send more than our CONNECT's maximum packet size.
        Assert.True(await sender.PublishAsync("big/over", new byte[5 * 1024 * 1024], 1, retain: false, CancellationToken.None));
        Assert.True(await sender.PublishAsync("big/within", "small"u8.ToArray(), 1, retain: false, CancellationToken.None));

        await inbox.WaitForCountAsync(1, Patience, () => broker.Log);
        Assert.Equal("big/within", Assert.Single(inbox.Messages).Topic);
        Assert.Equal(MqttLinkState.Connected, receiver.State);
        links.AssertNoErrors();
    }

    private static MqttBrokerOptions Fast(MqttBrokerOptions options) => options with
    {
        InitialBackoff = TimeSpan.FromMilliseconds(50),
        MaxBackoff = TimeSpan.FromMilliseconds(300),
        KeepAlive = TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    private static MqttBrokerOptions Link(int port, string clientId) =>
        MqttLinkHarness.Options(port, clientId) with { Username = "heatgrid", Password = Users["heatgrid"], MaxBackoff = TimeSpan.FromMilliseconds(300) };

    /// <summary>A self-signed certificate for 127.0.0.1 and localhost, as PEM files mosquitto reads.</summary>
    private static (string CertFile, string KeyFile) WriteSelfSignedCertificate(string folder)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var certFile = Path.Combine(folder, "broker.crt");
        var keyFile = Path.Combine(folder, "broker.key");
        File.WriteAllText(certFile, certificate.ExportCertificatePem());
        File.WriteAllText(keyFile, key.ExportPkcs8PrivateKeyPem());
        return (certFile, keyFile);
    }

    /// <summary>Publishes QoS 1 sequence numbers, each until the broker acknowledged it, as a well-behaved publisher does.</summary>
    private static async Task SendAsync(MqttLink sender, int from, int to)
    {
        var clock = Stopwatch.StartNew();
        for (var i = from; i <= to; i++)
        {
            var payload = Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture));
            while (!await sender.PublishAsync($"plant/m{i % 3}/seq", payload, 1, retain: false, CancellationToken.None))
            {
                Assert.True(clock.Elapsed < Patience, $"could not publish {i}: {sender.State} {sender.LastError}");
                await sender.WaitConnectedAsync(TimeSpan.FromMilliseconds(200), CancellationToken.None);
                await Task.Delay(10);
            }
        }
    }
}
