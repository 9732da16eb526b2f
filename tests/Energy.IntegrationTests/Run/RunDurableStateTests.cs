using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Energy.IntegrationTests.Support;
using Energy.Telemetry.Storage;

namespace Energy.IntegrationTests.Run;

/// <summary>
/// <c>heatgrid run</c> as a process against faults of its data folder: state files truncated between runs, a
/// folder that refuses every write, SIGKILL in the middle of writes. Nothing acknowledged is lost, nothing
/// unsafe is assumed, and every case is in the log and in <c>/health</c>.
/// </summary>
public sealed class RunDurableStateTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-durable-").FullName;
    private readonly HeatGridRunRig _rig;

    public RunDurableStateTests() => _rig = new HeatGridRunRig(_folder);

    public void Dispose()
    {
        _rig.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string DataFile(string name) => Path.Combine(_rig.Data, name);

    [Fact]
    public async Task EachStateFileTruncatedBetweenRuns_LowestCapHeldEpochForwardLogsRepairedEventsReloadedAllInHealth()
    {
        long epoch;
        using (var first = _rig.Start())
        {
            await _rig.WaitForStatusAsync(first);
            using (var accepted = await _rig.CurtailAsync("tso-1", 300, 3600, "congestion"))
            {
                Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            }

            // The store flushes every 10 ticks: wait for a day file.
            var clock = Stopwatch.StartNew();
            while (Directory.GetFiles(Path.Combine(_rig.Data, "timeseries"), "*.lp").Length == 0 && clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(250);
            }

            HeatGridRunRig.StopCleanly(first);
            epoch = long.Parse(StateFile.Read(DataFile("controller-epoch")).Body!, CultureInfo.InvariantCulture);
        }

        // Truncated, each of them, as a crash or a bad disk would leave them.
        HeatGridRunRig.CutTail(DataFile("curtailments.json"), 20);
        HeatGridRunRig.CutTail(DataFile("controller-epoch"), 4);
        HeatGridRunRig.CutTail(DataFile("dr-events.jsonl"), 30);
        var lp = Directory.GetFiles(Path.Combine(_rig.Data, "timeseries"), "*.lp").Single();
        HeatGridRunRig.CutTail(lp, 7);

        using var second = _rig.Start();
        var status = await _rig.WaitForStatusAsync(second);

        // The lowest cap seen holds (300 kW), not the contract's 900 kW.
        Assert.Equal(300, status.GetProperty("gridImportCapKw").GetDouble());
        var recovered = (await _rig.GetAsync("/api/dr/curtailments")).EnumerateArray().Single();
        Assert.Equal(("recovered-lowest-cap", 300.0), (recovered.GetProperty("id").GetString(), recovered.GetProperty("capKw").GetDouble()));

        // Every case is in /health and in the log.
        await _rig.WaitForHealthReasonsAsync(second, TimeSpan.FromSeconds(10), "curtailments.json was corrupt", "controller-epoch was", "dr-events.jsonl ended in a torn line",
            Path.GetFileName(lp) + " ended in a torn line");
        Assert.Contains("crit: Energy.Scheduler.Controller.DemandResponse.GridLimit", second.Output, StringComparison.Ordinal);
        Assert.Contains("[3605]", second.Output, StringComparison.Ordinal);
        Assert.Contains("[3607]", second.Output, StringComparison.Ordinal);
        Assert.Contains("[1652]", second.Output, StringComparison.Ordinal);

        // The epoch moved forward, past a day of milliseconds; the evidence came back and the next event has a line of its own.
        var next = long.Parse(StateFile.Read(DataFile("controller-epoch")).Body!, CultureInfo.InvariantCulture);
        Assert.True(next > epoch + 86_000_000, $"epoch {next} after {epoch}");
        using (var accepted = await _rig.CurtailAsync("tso-2", 500, 600))
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }

        Assert.Contains((await _rig.GetAsync("/api/dr/events")).EnumerateArray(), e => e.GetProperty("id").GetString() == "tso-2");
        Assert.All(File.ReadAllLines(DataFile("dr-events.jsonl")), line => JsonDocument.Parse(line).Dispose());

        // The operator clears the assumption: logged with who did it.
        using (var cleared = await _rig.Http.DeleteAsync(_rig.Url("/api/dr/curtail/recovered-lowest-cap")))
        {
            Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        }

        var capNow = 0.0;
        for (var clock = Stopwatch.StartNew(); clock.Elapsed < TimeSpan.FromSeconds(5) && capNow != 500; await Task.Delay(200))
        {
            capNow = (await _rig.GetAsync("/api/status")).GetProperty("gridImportCapKw").GetDouble();
        }

        Assert.Equal(500, capNow);   // the next tick holds the cap of tso-2
        HeatGridRunRig.StopCleanly(second);
        Assert.Contains("Curtailment recovered-lowest-cap (300 kW", second.Output, StringComparison.Ordinal);
        Assert.Contains("cancelled by http:anonymous@127.0.0.1", second.Output, StringComparison.Ordinal);
        Assert.All(File.ReadAllLines(lp), line => Assert.Matches(@" \d{19}$", line));
    }

    [Fact]
    public async Task RestartAfterTheEventsWereLogged_ApiDrEventsComeBack()
    {
        using (var first = _rig.Start())
        {
            await _rig.WaitForStatusAsync(first);
            (await _rig.CurtailAsync("tso-e", 700, 600)).Dispose();
            HeatGridRunRig.StopCleanly(first);
        }

        using var second = _rig.Start();
        await _rig.WaitForStatusAsync(second);

        Assert.Contains((await _rig.GetAsync("/api/dr/events")).EnumerateArray(), e => e.GetProperty("id").GetString() == "tso-e");
        Assert.Equal(700, (await _rig.GetAsync("/api/status")).GetProperty("gridImportCapKw").GetDouble());
        HeatGridRunRig.StopCleanly(second);
    }

    /// <summary>
    /// The data folder replaced by a plain file while the process runs: every write into it fails (ENOTDIR), for
    /// root too, which ignores permission bits. It stands for a folder that is read-only or gone.
    /// </summary>
    [Fact]
    public async Task DataFolderReplacedByAFileMidRun_CurtailmentInForceButAnswered503_HealthDegraded_TickKeepsItsPeriod_StopsCleanly()
    {
        using var heatgrid = _rig.Start();
        await _rig.WaitForStatusAsync(heatgrid);
        Directory.Move(_rig.Data, _rig.Data + ".gone");
        await File.WriteAllTextAsync(_rig.Data, "not a folder");

        await _rig.WaitForHealthReasonsAsync(heatgrid, TimeSpan.FromSeconds(15), "is not writable");

        using (var response = await _rig.CurtailAsync("tso-ro", 400, 600))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.True(problem.RootElement.GetProperty("inForce").GetBoolean());
            Assert.False(problem.RootElement.GetProperty("persisted").GetBoolean());
            Assert.Contains("a restart would forget it", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        var span = TimeSpan.FromSeconds(12);
        var ticks = await _rig.TickTimesAsync(span);
        HeatGridRunRig.AssertOneSecondPeriod(ticks, span, HeatGridRunRig.Tail(heatgrid.Output));
        Assert.Equal(400, (await _rig.GetAsync("/api/status")).GetProperty("gridImportCapKw").GetDouble());
        await _rig.WaitForHealthReasonsAsync(heatgrid, TimeSpan.FromSeconds(5), "is not writable", "curtailments in force could not be saved");

        var output = heatgrid.Output;
        Assert.True(HeatGridRunRig.Count(output, "[1650]") <= 1, "the store's failure logged more than once:\n" + HeatGridRunRig.Tail(output));
        Assert.DoesNotContain("Control tick failed", output, StringComparison.Ordinal);
        Assert.True(HeatGridRunRig.RssBytes(heatgrid.Id) < 1L << 30);
        HeatGridRunRig.StopCleanly(heatgrid);
    }

    /// <summary>The data folder made immutable (<c>chattr -R +i</c>): read-only for root too, files and folder alike; then writable again.</summary>
    [RequiresImmutableFilesFact]
    public async Task DataFolderMadeImmutableMidRun_503HealthDegradedStoreLoggedOnceTickKeepsItsPeriod_ClearedWhenWritableAgain()
    {
        using var heatgrid = _rig.Start();
        await _rig.WaitForStatusAsync(heatgrid);
        (await _rig.CurtailAsync("before", 800, 600)).Dispose();
        Assert.True(RequiresImmutableFilesFactAttribute.Chattr("+i", _rig.Data));
        try
        {
            await _rig.WaitForHealthReasonsAsync(heatgrid, TimeSpan.FromSeconds(15), "is not writable");
            using (var response = await _rig.CurtailAsync("tso-ro", 400, 600))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            }

            var span = TimeSpan.FromSeconds(12);
            HeatGridRunRig.AssertOneSecondPeriod(await _rig.TickTimesAsync(span), span, HeatGridRunRig.Tail(heatgrid.Output));
            Assert.Equal(400, (await _rig.GetAsync("/api/status")).GetProperty("gridImportCapKw").GetDouble());
            Assert.Equal(1, HeatGridRunRig.Count(heatgrid.Output, "[1650]"));   // the store's failure, once
            Assert.True(HeatGridRunRig.RssBytes(heatgrid.Id) < 1L << 30);
        }
        finally
        {
            RequiresImmutableFilesFactAttribute.Chattr("-i", _rig.Data);
        }

        var clock = Stopwatch.StartNew();
        while (!heatgrid.Output.Contains("[1654]", StringComparison.Ordinal) && clock.Elapsed < TimeSpan.FromSeconds(15))
        {
            await Task.Delay(200);
        }

        Assert.Contains("[1654]", heatgrid.Output, StringComparison.Ordinal);   // writable again, and said so
        HeatGridRunRig.StopCleanly(heatgrid);
    }

    [Fact]
    public async Task SigkillWhileCurtailmentsAreBeingWritten_EveryAcknowledgedOneHoldsAfterTheRestart()
    {
        List<(string Id, double Kw)> acknowledged;
        using (var first = _rig.Start())
        {
            await _rig.WaitForStatusAsync(first);
            acknowledged = await _rig.CurtailUntilKilledAsync(first, "k", atLeast: 15);
        }

        Assert.True(acknowledged.Count >= 15, $"only {acknowledged.Count} acknowledged before the kill");
        using var second = _rig.Start();
        await _rig.WaitForStatusAsync(second);

        var held = (await _rig.GetAsync("/api/dr/curtailments")).EnumerateArray().Select(c => c.GetProperty("id").GetString()!).ToHashSet();
        Assert.All(acknowledged, a => Assert.Contains(a.Id, held));
        Assert.True((await _rig.GetAsync("/api/status")).GetProperty("gridImportCapKw").GetDouble() <= acknowledged.Min(a => a.Kw));
        Assert.All(File.ReadAllLines(DataFile("dr-events.jsonl")), line => JsonDocument.Parse(line).Dispose());
        HeatGridRunRig.StopCleanly(second);
    }
}
