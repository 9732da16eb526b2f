using System.Net;
using Energy.Gpu.Pouw;
using Energy.Scheduler.NodeAgent.Pouw;
using Energy.Telemetry.Health;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.NodeAgent.Pouw;

public sealed class PouwTicketOutboxTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-pouw-outbox-").FullName;
    private readonly FakePouwController _controller;
    private readonly Alarms _alarms;
    private readonly CapturingLogger<PouwTicketOutbox> _log = new();
    private readonly PouwNodeOptions _options;
    private readonly PouwHeader _header;

    public PouwTicketOutboxTests()
    {
        _controller = new FakePouwController(_time);
        _alarms = new Alarms(_time, NullLogger<Alarms>.Instance);
        _options = FakePouwController.Options(42, _folder);
        _header = _controller.Register(weightsSeed: 42, tilesPerTicket: 1);     // every tile wins
    }

    public void Dispose()
    {
        _controller.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private PouwTicketOutbox Outbox(PouwNodeOptions? options = null) => new(_folder, _controller.Client(options ?? _options), options ?? _options, _time, _log, _alarms);

    /// <summary>The ticket of tile (ti, 0) of batch <paramref name="batch"/>, logged at the controller unless told not to.</summary>
    private PouwTicket Ticket(int batch, int ti = 0, bool log = true)
    {
        var p = _header.Parameters;
        var a = PouwSyntheticOperands.Activations("n1", 1, batch, p.M, p.K, p.Rank);
        if (log)
        {
            _controller.Registry.LogActivations(FakePouwController.Tenant, FakePouwController.Job, PouwMerkle.RootOf(a, p.M, p.K));
        }

        return PouwCpuMiner.TicketFor(a, PouwSyntheticOperands.Weights(42, p.N, p.K, p.Rank), _header, ti, 0);
    }

    private static PouwVerification Accepted => new(PouwRejection.None, string.Empty, 0, false);

    private int Files => Directory.GetFiles(_folder, "*.json").Length;

    [Fact]
    public async Task Found_WrittenToDiskAtOnce_DeliveredAccepted_ThenRemoved()
    {
        using var outbox = Outbox();
        Assert.Null(await outbox.DeliverNextAsync(CancellationToken.None));
        outbox.Found(Ticket(1), Accepted);
        Assert.Equal((1, 1), (outbox.Pending, Files));

        Assert.Equal(TimeSpan.Zero, await outbox.DeliverNextAsync(CancellationToken.None));
        Assert.Equal((0, 0), (outbox.Pending, Files));
        Assert.Equal(1, outbox.Totals.Accepted);
        Assert.Single(_controller.Accepted);
        Assert.Single(_log.WithEventId(3947));
    }

    [Fact]
    public async Task DeliverNext_ServerErrorsAndConnectionErrors_KeptAndRetriedWithDoublingBackoff()
    {
        using var outbox = Outbox();
        outbox.Found(Ticket(1), Accepted);
        var answers = new Queue<HttpStatusCode?>([HttpStatusCode.ServiceUnavailable, (HttpStatusCode)0, HttpStatusCode.InternalServerError, null]);
        _controller.Fail = _ => answers.Dequeue();

        Assert.Equal(TimeSpan.FromSeconds(1), await outbox.DeliverNextAsync(CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(2), await outbox.DeliverNextAsync(CancellationToken.None));
        Assert.Equal(TimeSpan.FromSeconds(4), await outbox.DeliverNextAsync(CancellationToken.None));
        Assert.Equal((1, 1), (outbox.Pending, Files));
        Assert.Equal(TimeSpan.Zero, await outbox.DeliverNextAsync(CancellationToken.None));
        Assert.Equal((0, 1L), (outbox.Pending, outbox.Totals.Accepted));
        Assert.Equal(3, _log.WithEventId(3949).Count);
        Assert.Single(_log.WithEventId(3955));                          // back, said once
    }

    [Fact]
    public async Task DeliverNext_RefusedAnswers_AreFinal_StaleAsksForANewHeader()
    {
        using var outbox = Outbox();
        var stale = 0;
        outbox.StaleHeader = () => stale++;
        outbox.Found(Ticket(1, log: false), Accepted);                  // its batch was never logged: refused
        outbox.Found(Ticket(2), Accepted);
        _controller.Registry.Advance(FakePouwController.Tenant, FakePouwController.Job, new byte[32], _time.GetUtcNow());
        _controller.Registry.Advance(FakePouwController.Tenant, FakePouwController.Job, new byte[32], _time.GetUtcNow());

        Assert.Equal(TimeSpan.Zero, await outbox.DeliverNextAsync(CancellationToken.None));
        Assert.Equal(TimeSpan.Zero, await outbox.DeliverNextAsync(CancellationToken.None));

        Assert.Equal((0, 0, 2L), (outbox.Pending, Files, outbox.Totals.Refused));
        var reasons = _log.WithEventId(3948).Select(e => e.Message).ToList();
        Assert.Equal(2, reasons.Count);
        Assert.Contains("stale-job", reasons[1], StringComparison.Ordinal);
        Assert.Equal(1, stale);
    }

    [Fact]
    public async Task DeliverNext_BadRequest_IsFinal()
    {
        using var outbox = Outbox();
        outbox.Found(Ticket(1), Accepted);
        _controller.Fail = _ => HttpStatusCode.BadRequest;
        Assert.Equal(TimeSpan.Zero, await outbox.DeliverNextAsync(CancellationToken.None));
        Assert.Equal((0, 1L), (outbox.Pending, outbox.Totals.Refused));
    }

    [Fact]
    public async Task DeliverNext_KeyRefused_CriticalAlarm_TicketKept_LongWait()
    {
        var options = _options with { ApiKey = "hg_wrong" };
        using var outbox = new PouwTicketOutbox(_folder, new PouwControllerClient(new HttpClient(_controller, false) { BaseAddress = options.BaseAddress }, options.ApiKey),
            options, _time, _log, _alarms);
        outbox.Found(Ticket(1), Accepted);

        Assert.Equal(options.UnauthorizedRetry, await outbox.DeliverNextAsync(CancellationToken.None));

        Assert.Equal((1, 1), (outbox.Pending, Files));
        Assert.Contains(_alarms.Current(), a => a.Key == PouwTicketOutbox.UnauthorizedAlarm && a.Severity == AlarmSeverity.Critical);
        Assert.Single(_log.WithEventId(3944));
    }

    [Fact]
    public async Task Restart_KeepsTheOutbox_OldestDeliveredFirst()
    {
        var first = Ticket(1);
        var second = Ticket(2, ti: 1);
        _controller.Fail = _ => (HttpStatusCode)0;
        using (var outbox = Outbox())
        {
            outbox.Found(first, Accepted);
            _time.Advance(TimeSpan.FromMilliseconds(5));
            outbox.Found(second, Accepted);
            Assert.Equal(TimeSpan.FromSeconds(1), await outbox.DeliverNextAsync(CancellationToken.None));
        }

        _controller.Fail = null;
        using var restarted = Outbox();
        Assert.Equal(2, restarted.Pending);
        Assert.Single(_log.WithEventId(3951));
        await restarted.DeliverNextAsync(CancellationToken.None);
        await restarted.DeliverNextAsync(CancellationToken.None);
        Assert.Equal([first.Id, second.Id], _controller.Accepted);
        Assert.Equal(0, Files);
    }

    [Fact]
    public void Found_OverTheCap_OldestDroppedWithALogLine()
    {
        using var outbox = Outbox(_options with { OutboxCap = 2 });
        var tickets = Enumerable.Range(1, 3).Select(i => Ticket(i)).ToList();
        foreach (var t in tickets)
        {
            outbox.Found(t, Accepted);
        }

        Assert.Equal((2, 2, 1L), (outbox.Pending, Files, outbox.Totals.Dropped));
        Assert.DoesNotContain(Directory.GetFiles(_folder), f => f.Contains(tickets[0].Id[..16], StringComparison.Ordinal));
        Assert.Single(_log.WithEventId(3950));
    }

    [Fact]
    public async Task DeliverNext_FileNotATicket_MovedAside()
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "0000000000001-000000001-broken.json"), "{ not a ticket");
        using var outbox = Outbox();
        Assert.Equal(TimeSpan.Zero, await outbox.DeliverNextAsync(CancellationToken.None));
        Assert.Equal(0, outbox.Pending);
        Assert.Single(Directory.GetFiles(_folder, "*.bad"));
        Assert.Empty(_controller.Requests);
    }
}
