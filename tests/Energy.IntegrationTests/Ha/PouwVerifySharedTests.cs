using System.Globalization;
using System.Text.Json;
using Energy.Gpu.Pouw;
using Energy.IntegrationTests.Support;
using Energy.Scheduler.Ha;
using Energy.Scheduler.Pouw;
using Energy.TestSupport.Pouw;
using Npgsql;

namespace Energy.IntegrationTests.Ha;

/// <summary>
/// <c>heatgrid pouw verify --ha URI --site NAME</c> as a process on a real PostgreSQL: the registry is the state document
/// the leader keeps, the batches are the shared ledger's, and what cannot be read is exit 2 with the reason.
/// </summary>
public sealed class PouwVerifySharedTests
{
    private const string Database = "pouwverify";
    private const string Site = "verify-site";
    private static readonly PouwParameters Shape = new(32, 32, 256, 8, 16, 16, 64);

    [RequiresPostgresFact]
    public async Task TicketChecked_AgainstTheSharedRegistryAndTheSharedLedgersBatches_ThenAcceptedOnceItsBatchIsLogged()
    {
        await using var server = await PostgresServer.StartAsync();
        await using var database = await server.MigratedDatabaseAsync(Database, Site);
        var folder = Directory.CreateTempSubdirectory("heatgrid-pouw-verify-ha-").FullName;
        try
        {
            var weights = PouwTestOperands.Matrix(1, Shape.N, Shape.K);
            var registry = new PouwJobRegistry();
            var header = registry.Register("acme", "llama-ffn", PouwMerkle.RootOf(weights, Shape.N, Shape.K), Shape, PouwHeader.TargetFor(2),
                TimeProvider.System.GetUtcNow());
            var (ticket, root) = MineOne(weights, header);
            new PgStateDocuments(database) { Writing = true }.Write(PouwBooks.DocumentName, registry.ToJson());   // no batch logged in it
            var ticketFile = Path.Combine(folder, "ticket.json");
            await File.WriteAllTextAsync(ticketFile, ticket.ToJson());
            var env = new Dictionary<string, string> { [HaOptions.PasswordVariable] = server.Password };
            var uri = server.ConnectionUri(Database);

            // The job is the shared registry's; its batch is not in the shared ledger yet.
            var (code, output) = await RunAsync(env, "pouw", "verify", ticketFile, "--ha", uri, "--site", Site);
            Assert.True(code == 1, output);
            Assert.Contains("refused (unknown-activations)", output, StringComparison.Ordinal);

            await InsertBatchAsync(server, root);
            (code, output) = await RunAsync(env, "pouw", "verify", ticketFile, "--ha", uri, "--site", Site, "--json");
            Assert.True(code == 0, output);
            using (var verdict = JsonDocument.Parse(output.Trim().Split('\n')[^1]))
            {
                Assert.True(verdict.RootElement.GetProperty("accepted").GetBoolean());
                Assert.True(verdict.RootElement.GetProperty("registryConsulted").GetBoolean());
                Assert.Equal(ticket.Id, verdict.RootElement.GetProperty("ticketId").GetString());
            }

            // Another site's controllers keep no registry there: named, not taken as "no registry consulted".
            (code, output) = await RunAsync(env, "pouw", "verify", ticketFile, "--ha", uri, "--site", "other-site");
            Assert.True(code == 2, output);
            Assert.Contains("holds none for site 'other-site'", output, StringComparison.Ordinal);

            (code, output) = await RunAsync(env, "pouw", "verify", ticketFile, "--ha", uri, "--site", Site, "--data", folder);
            Assert.True(code == 2, output);
            Assert.Contains("without --jobs and --data", output, StringComparison.Ordinal);

            (code, output) = await RunAsync(env, "pouw", "verify", ticketFile, "--ha", uri);
            Assert.True(code == 2, output);
            Assert.Contains("--ha needs --site", output, StringComparison.Ordinal);

            // Nobody listens there: the reason, exit 2, no stack trace.
            var nowhere = $"postgres://heatgrid@127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}/{Database}";
            (code, output) = await RunAsync(env, "pouw", "verify", ticketFile, "--ha", nowhere, "--site", Site);
            Assert.True(code == 2, output);
            Assert.Contains("Cannot read the job registry from", output, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(int Code, string Output)> RunAsync(Dictionary<string, string> environment, params string[] args)
    {
        using var process = HeatGridProcess.Start(environment, args);
        Assert.True(await process.WaitForExitAsync(TimeSpan.FromSeconds(30)), process.Output);
        return (process.ExitCode, process.Output);
    }

    private static async Task InsertBatchAsync(PostgresServer server, byte[] root)
    {
        await using var connection = await server.OpenAsync(Database);
        await using var command = new NpgsqlCommand(
            "INSERT INTO heatgrid_pouw_batches (site, at_ms, tenant, job, root) VALUES (@site, @at, 'acme', 'llama-ffn', @root)", connection);
        command.Parameters.AddWithValue("site", Site);
        command.Parameters.AddWithValue("at", TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("root", Convert.ToHexStringLower(root));
        await command.ExecuteNonQueryAsync();
    }

    private static (PouwTicket Ticket, byte[] ActivationsRoot) MineOne(sbyte[] weights, PouwHeader header)
    {
        for (var seed = 1000; seed < 1200; seed++)
        {
            var mined = PouwCpuMiner.Mine(PouwTestOperands.Matrix(seed, Shape.M, Shape.K), weights, header);
            if (mined.Tickets.Count > 0)
            {
                return (mined.Tickets[0], mined.ActivationsRoot);
            }
        }

        throw new InvalidOperationException("200 batches gave no ticket at 1 in 2 tiles");
    }
}
