using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Energy.IntegrationTests.Support;

namespace Energy.IntegrationTests.Run;

/// <summary>
/// The audit trail of a real <c>heatgrid run</c>: every acknowledged write is in it after a SIGKILL in the middle of writes,
/// the chain is whole after the restart, and <c>heatgrid audit verify</c> names a line edited or removed by hand.
/// </summary>
public sealed class RunAuditTrailTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-audit-run-").FullName;
    private readonly HeatGridRunRig _rig;

    public RunAuditTrailTests() => _rig = new HeatGridRunRig(_folder);

    public void Dispose()
    {
        _rig.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string TrailPath => Path.Combine(_rig.Data, "audit.jsonl");

    [Fact]
    public async Task SigkillWhileCurtailing_EveryAcknowledgedOneAudited_ChainWholeAfterTheRestart_EditAndRemovalNamed()
    {
        List<string> acknowledged;
        using (var first = _rig.Start())
        {
            await _rig.WaitForStatusAsync(first);
            acknowledged = [.. (await _rig.CurtailUntilKilledAsync(first, "a", atLeast: 10, "audit test")).Select(a => a.Id)];
        }

        Assert.True(acknowledged.Count >= 10, $"only {acknowledged.Count} acknowledged before the kill");
        using (var second = _rig.Start())
        {
            await _rig.WaitForStatusAsync(second);
            var audited = (await _rig.GetAsync("/api/audit?limit=1000")).EnumerateArray()
                .Where(e => e.GetProperty("what").GetString() == "dr.curtail")
                .Select(e => e.GetProperty("after").GetProperty("id").GetString()!).ToHashSet();
            Assert.All(acknowledged, id => Assert.Contains(id, audited));
            HeatGridRunRig.StopCleanly(second);
        }

        var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "audit", "verify", "--data", _rig.Data);
        Assert.True(code == 0, output);
        Assert.Matches(@"^\d+ entries, chain intact", output.Trim());

        var lines = File.ReadAllLines(TrailPath);
        Assert.True(lines.Length >= 5, $"{lines.Length} lines");
        var edited = (string[])lines.Clone();
        edited[3] = edited[3].Replace("\"who\":\"anonymous\"", "\"who\":\"somebody\"", StringComparison.Ordinal);
        Assert.NotEqual(lines[3], edited[3]);
        await File.WriteAllLinesAsync(TrailPath, edited);
        (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "audit", "verify", "--data", _rig.Data);
        Assert.Equal(1, code);
        Assert.Contains("line 4: hash mismatch: the line was edited", output, StringComparison.Ordinal);

        await File.WriteAllLinesAsync(TrailPath, [.. lines[..2], .. lines[3..]]);
        (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "audit", "verify", "--data", _rig.Data);
        Assert.Equal(1, code);
        Assert.Contains("line 3: seq 4 where 3 was expected", output, StringComparison.Ordinal);
    }
    [Fact]
    public async Task UsersVerbBesideTheRunningService_OneChain_UsersChangesBetweenTheServicesEntries()
    {
        _rig.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer",
            await HeatGridUsers.AddAsync(_rig.Data, "ops", "operator"));
        using (var heatgrid = _rig.Start())
        {
            await _rig.WaitForStatusAsync(heatgrid);
            using (var first = await _rig.CurtailAsync("before-bob", 700, 600))
            {
                Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            }

            // The verb is another process appending to the trail the service has open.
            var bob = await HeatGridUsers.AddAsync(_rig.Data, "bob", "viewer");
            using (var second = await _rig.CurtailAsync("after-bob", 650, 600))
            {
                Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
            }

            var (code, output) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "users", "revoke", bob.Split('_')[1], "--data", _rig.Data);
            Assert.True(code == 0, output);
            using (var third = await _rig.CurtailAsync("after-revoke", 600, 600))
            {
                Assert.Equal(HttpStatusCode.Accepted, third.StatusCode);
            }

            var entries = (await _rig.GetAsync("/api/audit?limit=1000")).EnumerateArray().Reverse().ToList();
            Assert.Equal(Enumerable.Range(1, entries.Count).Select(i => (long)i), entries.Select(e => e.GetProperty("seq").GetInt64()));
            var writes = entries.Where(e => e.GetProperty("what").GetString() is "users.add" or "users.revoke" or "dr.curtail")
                .Select(e => (e.GetProperty("what").GetString(), e.GetProperty("who").GetString())).ToList();
            Assert.Equal(
                [("users.add", Environment.UserName), ("dr.curtail", "ops"), ("users.add", Environment.UserName), ("dr.curtail", "ops"),
                    ("users.revoke", Environment.UserName), ("dr.curtail", "ops")],
                writes);
            HeatGridRunRig.StopCleanly(heatgrid);
        }

        var (verified, said) = await HeatGridProcess.RunToEndAsync(TimeSpan.FromSeconds(30), "audit", "verify", "--data", _rig.Data);
        Assert.True(verified == 0, said);
        Assert.Matches(@"^\d+ entries, chain intact", said.Trim());
    }
}
