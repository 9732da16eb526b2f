using Energy.Contracts.Agents;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Planning;
using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Books;
using Energy.Scheduler.Controller;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Controller.DemandResponse;
using Energy.Scheduler.Planning;
using Energy.Telemetry.Signals;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Books;

/// <summary>
/// The recorder against fakes: a fleet whose GPUs draw a set power into their energy counters, a site meter and a heat
/// meter whose registers integrate their power, a plan of 15-minute slots, and a ledger in a temp folder. <see cref="Step"/>
/// advances one second and ticks.
/// </summary>
internal sealed class LedgerRig : IDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "ledger-" + Guid.NewGuid().ToString("N"));
    private readonly List<LedgerStore> _others = [];

    public LedgerRig(Site? site = null)
    {
        Site = site ?? TestSites.Bathhouse();
        Time = new FakeTimeProvider(Start);
        Limit = new GridLimit(Site);
        var slots = Enumerable.Range(0, 96).Select(i => new PlanSlot(Start.AddMinutes(15 * i), TimeSpan.FromMinutes(15), EnergyPrice.EurPerMwh(100 + i),
            EnergyPrice.EurPerMwh(140 + i), [], [], Power.Zero, [], [])).ToList();
        Plan.Replace(new Plan(Site.Name, "test", Start, slots));
        Open();
    }

    public Site Site { get; }

    public FakeTimeProvider Time { get; }

    public FakeAgentLink Link { get; } = new();

    public SignalRegistry Signals { get; } = new();

    public CurrentPlan Plan { get; } = new();

    public GridLimit Limit { get; }

    public LedgerStore Store { get; private set; } = null!;

    public EnergyRecorder Recorder { get; private set; } = null!;

    /// <summary>What a control loop would publish to the recorder (<see cref="Sample"/>).</summary>
    public FleetSamples Samples { get; private set; } = null!;

    public string Folder => _folder;

    /// <summary>The site meter: import power (kW) and its register; null register = not published.</summary>
    public double ImportKw { get; set; } = 100;

    public double ImportRegisterKwh { get; set; } = 5_000;

    public bool ImportRegisterGood { get; set; } = true;

    public double HeatKw { get; set; } = 360;

    public double HeatRegisterKwh { get; set; } = 20_000;

    public double SupplyC { get; set; } = 70;

    public double BoilerKw { get; set; }

    /// <summary>A fresh store and recorder on the same folder: what a restarted process finds.</summary>
    public void Open()
    {
        Store = LedgerStore.Open(_folder);
        Samples = new FleetSamples();
        Recorder = new EnergyRecorder(Site, Store, Link, Signals, Plan, Time, Limit, samples: Samples);
    }

    /// <summary>
    /// Another controller's recorder on the same ledger (a second store on the same file: a ledger two controllers share),
    /// with its leadership (<c>--ha</c>). Ticked by the test, not by <see cref="Step"/>.
    /// </summary>
    public EnergyRecorder Controller(Energy.Scheduler.Ha.ILeadership leadership)
    {
        var store = LedgerStore.Open(_folder);
        _others.Add(store);
        return new EnergyRecorder(Site, store, Link, Signals, Plan, Time, Limit, leadership: leadership);
    }

    /// <summary>Drops the recorder without stopping it (a SIGKILL: nothing after the last checkpoint is written) and reopens.</summary>
    public void Crash()
    {
        Store.Dispose();
        Open();
    }

    /// <summary>Advances <paramref name="seconds"/> one second at a time: counters and registers advance by their power, and the recorder ticks.</summary>
    public async Task Step(int seconds = 1, bool tick = true)
    {
        for (var i = 0; i < seconds; i++)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            Link.Advance(TimeSpan.FromSeconds(1), Time.GetUtcNow());
            ImportRegisterKwh += ImportKw / 3600;
            HeatRegisterKwh += HeatKw / 3600;
            Publish();
            if (tick)
            {
                await Recorder.TickAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>Advances one second like <see cref="Step"/> and publishes the fleet as a control loop's sample instead of ticking.</summary>
    public async Task Sample()
    {
        await Step(tick: false);
        Samples.Publish(Time.GetUtcNow(), await Link.ReadAsync(CancellationToken.None));
    }

    public void Publish()
    {
        var now = Time.GetUtcNow();
        Signals.Publish(ImportRegisterGood
            ? Reading.Good("grid.importEnergyKwh", ImportRegisterKwh, Unit.KilowattHour, now, "meter")
            : Reading.Bad("grid.importEnergyKwh", Unit.KilowattHour, "device failure", now, "meter"));
        Signals.Publish(Reading.Good("grid.meteredImportKw", ImportKw, Unit.Kilowatt, now, "meter"));
        Signals.Publish(Reading.Good("bath.heatEnergyKwh", HeatRegisterKwh, Unit.KilowattHour, now, "heat"));
        Signals.Publish(Reading.Good("bath.heatDeliveredKw", HeatKw, Unit.Kilowatt, now, "heat"));
        Signals.Publish(Reading.Good("bath.supplyTemperatureC", SupplyC, Unit.Celsius, now, "heat"));
        Signals.Publish(Reading.Good("bath.boilerKw", BoilerKw, Unit.Kilowatt, now, "bms"));
        Signals.Publish(Reading.Good("bath.heatDumpedKw", 0, Unit.Kilowatt, now, "bms"));
    }

    public IReadOnlyList<LedgerSlot> Ledger() => Store.Read(Start.AddDays(-1), Start.AddDays(2));

    public void Dispose()
    {
        Store.Dispose();
        _others.ForEach(o => o.Dispose());
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}

/// <summary>An agent link of GPUs that draw a set power: each one's energy counter integrates it.</summary>
internal sealed class FakeAgentLink : IAgentLink
{
    private readonly Dictionary<string, FakeGpu> _gpus = new(StringComparer.Ordinal);

    public string GpuBackend => "fake";

    public long Epoch => 1;

    public FakeGpu Add(string id, string pool, string? workload, double watts, double counterKwh = 0) =>
        _gpus[id] = new FakeGpu { Id = id, Pool = pool, Workload = workload, Watts = watts, CounterKwh = counterKwh };

    public FakeGpu this[string id] => _gpus[id];

    public void Advance(TimeSpan dt, DateTimeOffset now)
    {
        foreach (var g in _gpus.Values)
        {
            g.CounterKwh += g.Watts / 1000 * dt.TotalHours;
            g.At = now;
        }
    }

    public ValueTask<IReadOnlyList<FleetGpu>> ReadAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<FleetGpu>>([.. _gpus.Values.Select(g => new FleetGpu("node", new GpuState(g.Id, g.Pool, g.Workload,
                Power.FromWatts(g.Watts), Power.FromWatts(g.Watts), Power.FromWatts(g.Watts), EnergyAmount.FromKilowattHours(g.CounterKwh), Temperature.FromCelsius(50), g.At),
            g.Online, true, new GpuCommand(g.Id, null, 0), new GpuTelemetry(g.Id, g.Pool, g.Workload, g.Watts, g.Watts, g.Watts, g.Watts, g.CounterKwh * 3.6e6, 50, 0, "ok"))
        {
            Inventory = new GpuInventoryItem(g.Id, g.Pool, "H100", 200, 80, 700),
        })]);

    public ValueTask<SequencedBatches> SendAsync(IReadOnlyList<GpuAssignment> wanted, CapLimits limits, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the ledger only reads");
}

internal sealed class FakeGpu
{
    public required string Id { get; init; }

    public required string Pool { get; init; }

    public string? Workload { get; set; }

    public double Watts { get; set; }

    public double CounterKwh { get; set; }

    public bool Online { get; set; } = true;

    public DateTimeOffset At { get; set; }
}
