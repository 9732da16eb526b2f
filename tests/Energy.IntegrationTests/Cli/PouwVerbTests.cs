using System.Text.Json;
using Energy.Gpu.Pouw;
using Energy.IntegrationTests.Support;

namespace Energy.IntegrationTests.Cli;

/// <summary><c>heatgrid pouw verify</c> and <c>heatgrid pouw bench --simulated</c>, run as a user runs them.</summary>
public sealed class PouwVerbTests : IDisposable
{
    private static readonly PouwParameters Shape = new(32, 32, 512, 32, 16, 16, 128);
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-pouw-verb-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task PouwBenchSimulated_MinesVerifiesAndTimesTheVerifier()
    {
        var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(120), "pouw", "bench", "--simulated", "--json", "--verify-runs", "200");

        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]);
        var r = json.RootElement;
        Assert.True(r.GetProperty("simulated").GetBoolean());
        Assert.True(r.GetProperty("productExact").GetBoolean());
        var found = r.GetProperty("ticketsFound").GetInt32();
        Assert.True(found > 0, output);
        Assert.Equal(found, r.GetProperty("ticketsVerified").GetInt32());
        Assert.Equal(4096, r.GetProperty("verifyShape").GetProperty("k").GetInt32());
        Assert.Equal(64, r.GetProperty("verifyShape").GetProperty("rank").GetInt32());
        Assert.Equal(16, r.GetProperty("verifyShape").GetProperty("tileH").GetInt32());
        var p50 = r.GetProperty("verifyMsP50").GetDouble();
        Assert.True(p50 > 0 && p50 <= r.GetProperty("verifyMsP99").GetDouble(), output);
        Assert.True(r.GetProperty("plainSeconds").GetDouble() > 0 && r.GetProperty("pouwSeconds").GetDouble() > 0, output);
        Assert.True(r.GetProperty("tops").GetDouble() > 0, output);
    }

    [RequiresNoGpuFact]
    public async Task PouwBench_WithoutAGpu_SaysSoAndExitsOne()
    {
        var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(60), "pouw", "bench", "--json");

        Assert.True(code == 1, output);
        Assert.Contains("No GPU to bench", output, StringComparison.Ordinal);
        Assert.Contains("--simulated", output, StringComparison.Ordinal);
        Assert.DoesNotContain("{", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PouwBench_RefusesAShapeTheKernelCannotRun()
    {
        var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(60), "pouw", "bench", "--size", "8200");

        Assert.True(code == 2, output);
        Assert.Contains("--size/--rank/--chunk", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PouwVerify_AcceptsAMinedTicketAndNamesWhyAnAlteredOneIsRefused()
    {
        var (ticket, registry) = MineOne();
        var ticketFile = Write("ticket.json", ticket.ToJson());
        var jobs = Write("jobs.json", registry.ToJson());

        var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "pouw", "verify", ticketFile, "--jobs", jobs, "--json");
        Assert.True(code == 0, output);
        using (var json = JsonDocument.Parse(output[output.IndexOf('{', StringComparison.Ordinal)..]))
        {
            Assert.True(json.RootElement.GetProperty("accepted").GetBoolean());
            Assert.Equal(ticket.Id, json.RootElement.GetProperty("ticketId").GetString());
            Assert.True(json.RootElement.GetProperty("registryConsulted").GetBoolean());
        }

        var altered = ticket.TileHash.ToArray();
        altered[0] ^= 1;
        (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "pouw", "verify", Write("altered.json", (ticket with { TileHash = altered }).ToJson()), "--jobs", jobs);
        Assert.Equal(1, code);
        Assert.Contains("refused (transcript-mismatch)", output, StringComparison.Ordinal);

        // Offline, the ticket's own checks pass, and the output says what was not checked.
        (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "pouw", "verify", ticketFile);
        Assert.True(code == 0, output);
        Assert.Contains("registry was not consulted", output, StringComparison.Ordinal);

        // Another registry: the job is unknown there.
        var other = new PouwJobRegistry();
        other.Register("globex", "bert", ticket.Header.WeightsRoot, Shape, PouwHeader.TargetFor(2), TimeProvider.System.GetUtcNow());
        (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "pouw", "verify", ticketFile, "--jobs", Write("other.json", other.ToJson()));
        Assert.Equal(1, code);
        Assert.Contains("refused (unknown-job)", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PouwVerify_WithTheDataFolder_TakesTheBatchesFromTheLedger()
    {
        var (ticket, registry) = MineOne();
        var data = Path.Combine(_folder, "data");
        Directory.CreateDirectory(Path.Combine(data, "pouw"));
        var withoutBatches = PouwJobRegistry.FromJson(registry.ToJson());
        var json = withoutBatches.ToJson().Replace(Convert.ToHexStringLower(ticket.ActivationsRoot), new string('0', 64), StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(data, "pouw", "jobs.json"), json);
        var ticketFile = Write("ticket.json", ticket.ToJson());

        var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "pouw", "verify", ticketFile, "--data", data);
        Assert.Equal(1, code);
        Assert.Contains("refused (unknown-activations)", output, StringComparison.Ordinal);

        using (var ledger = Energy.Scheduler.Books.LedgerStore.Open(data))
        {
            ledger.RecordPouwBatch(TimeProvider.System.GetUtcNow(), "acme", "llama-ffn", Convert.ToHexStringLower(ticket.ActivationsRoot));
        }

        (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "pouw", "verify", ticketFile, "--data", data);
        Assert.True(code == 0, output);
        Assert.StartsWith("accepted", output.TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PouwVerify_BrokenInputIsNamedNotACrash()
    {
        var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "pouw", "verify", Write("garbage.json", "{\"format\": 3"));
        Assert.Equal(1, code);
        Assert.Contains("refused (malformed)", output, StringComparison.Ordinal);

        (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "pouw", "verify", Path.Combine(_folder, "missing.json"));
        Assert.Equal(2, code);
        Assert.Contains("Cannot read", output, StringComparison.Ordinal);

        var (ticket, _) = MineOne();
        (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "pouw", "verify", Write("t.json", ticket.ToJson()), "--jobs", Write("broken.json", "[1, 2"));
        Assert.Equal(2, code);
        Assert.Contains("Cannot read the job registry", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled", output, StringComparison.Ordinal);
    }

    private static (PouwTicket Ticket, PouwJobRegistry Registry) MineOne()
    {
        var random = new Random(42);
        var w = Operand(random, Shape.N);
        var registry = new PouwJobRegistry();
        var header = registry.Register("acme", "llama-ffn", PouwMerkle.RootOf(w, Shape.N, Shape.K), Shape, PouwHeader.TargetFor(2), TimeProvider.System.GetUtcNow());
        while (true)
        {
            var a = Operand(random, Shape.M);
            var mined = PouwCpuMiner.Mine(a, w, header);
            if (mined.Tickets.Count > 0)
            {
                registry.LogActivations("acme", "llama-ffn", mined.ActivationsRoot);
                return (mined.Tickets[0], registry);
            }
        }
    }

    private static sbyte[] Operand(Random random, int rows)
    {
        var x = new sbyte[rows * Shape.K];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = (sbyte)random.Next(Shape.OperandMin, Shape.OperandMax + 1);
        }

        return x;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
