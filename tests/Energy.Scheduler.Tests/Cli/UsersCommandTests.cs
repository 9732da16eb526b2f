using Energy.Scheduler.Cli;
using Energy.Scheduler.Security;

namespace Energy.Scheduler.Tests.Cli;

/// <summary><c>heatgrid users add|key|list|remove|revoke --data FOLDER</c>.</summary>
public sealed class UsersCommandTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-users-cli-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private static (int Code, string Stdout, string Stderr) Run(Func<TextWriter, TextWriter, int> verb)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = verb(stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Fact]
    public void Add_PrintsTheKeyOnceOnStdout_ListShowsOnlyItsId()
    {
        var (code, stdout, stderr) = Run((o, e) => UsersCommand.Add(_data, "alice", "admin", null, o, e));

        Assert.Equal(0, code);
        var key = stdout.Trim();
        Assert.True(ApiKey.TryParse(key, out var parsed));
        Assert.Contains("shown only now", stderr, StringComparison.Ordinal);

        var list = Run((o, e) => UsersCommand.List(_data, o, e));
        Assert.Equal(0, list.Code);
        Assert.StartsWith($"alice\tadmin\t{parsed!.Id} (", list.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list.Stdout + list.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryChange_IsAnAuditEntry_WithKeyIdsButNeverAKeyOrItsHash()
    {
        var first = Run((o, e) => UsersCommand.Add(_data, "alice", "operator", null, o, e)).Stdout.Trim();
        var second = Run((o, e) => UsersCommand.Key(_data, "alice", o, e)).Stdout.Trim();
        Assert.True(ApiKey.TryParse(first, out var k1));
        Assert.True(ApiKey.TryParse(second, out var k2));
        Assert.Equal(0, Run((o, e) => UsersCommand.Revoke(_data, k1!.Id, o, e)).Code);
        Assert.Equal(0, Run((o, e) => UsersCommand.Remove(_data, "alice", o, e)).Code);
        Assert.Equal(0, Run((o, e) => UsersCommand.List(_data, o, e)).Code);
        Run((o, e) => UsersCommand.Remove(_data, "nobody", o, e));

        var lines = File.ReadAllLines(Path.Combine(_data, Energy.Scheduler.Audit.AuditLog.FileName));
        var entries = lines.Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(["users.add", "users.key", "users.revoke", "users.remove"], entries.Select(e => e.GetProperty("what").GetString()));
        Assert.All(entries, e => Assert.Equal((Environment.UserName, "local"), (e.GetProperty("who").GetString(), e.GetProperty("role").GetString())));
        Assert.Equal("operator", entries[0].GetProperty("after").GetProperty("role").GetString());
        Assert.Equal([k1!.Id, k2!.Id], entries[1].GetProperty("after").GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal([k2.Id], entries[2].GetProperty("after").GetProperty("keys").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, entries[3].GetProperty("after").ValueKind);
        foreach (var secret in new[] { first, second, first.Split('_')[2], second.Split('_')[2], k1.SecretSha256, k2.SecretSha256 })
        {
            Assert.DoesNotContain(secret, string.Join('\n', lines), StringComparison.Ordinal);
        }

        Assert.True(Energy.Scheduler.Audit.AuditVerification.Of(_data).Intact);
    }

    [Theory]
    [InlineData("root", null, "--role: unknown role 'root'")]
    [InlineData("tenant", null, "--role tenant: give the tenant it may see with --tenant NAME")]
    public void Add_Refused_Exit2WithTheSentenceAndNoFile(string role, string? tenant, string why)
    {
        var (code, stdout, stderr) = Run((o, e) => UsersCommand.Add(_data, "bob", role, tenant, o, e));

        Assert.Equal((2, string.Empty), (code, stdout));
        Assert.StartsWith(why, stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(UsersFile.PathIn(_data)));
    }

    [Fact]
    public void Add_Duplicate_Exit2()
    {
        Run((o, e) => UsersCommand.Add(_data, "alice", "viewer", null, o, e));

        var (code, _, stderr) = Run((o, e) => UsersCommand.Add(_data, "alice", "operator", null, o, e));

        Assert.Equal(2, code);
        Assert.Contains("user 'alice' exists already", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyRevokeRemove_ThroughTheCommandLine()
    {
        Assert.Equal(0, HeatGridCli.Build().Parse(["users", "add", "acme", "--role", "tenant", "--tenant", "Acme AI", "--data", _data]).Invoke());
        Assert.Equal(0, HeatGridCli.Build().Parse(["users", "key", "acme", "--data", _data]).Invoke());
        var keys = Assert.Single(UserStore.Open(_data, TimeProvider.System).Users).Keys;
        Assert.Equal(2, keys.Count);

        Assert.Equal(0, HeatGridCli.Build().Parse(["users", "revoke", keys[0].Id, "--data", _data]).Invoke());
        Assert.Equal([keys[1].Id], Assert.Single(UserStore.Open(_data, TimeProvider.System).Users).Keys.Select(k => k.Id));
        Assert.Equal(2, HeatGridCli.Build().Parse(["users", "revoke", keys[0].Id, "--data", _data]).Invoke());

        Assert.Equal(0, HeatGridCli.Build().Parse(["users", "remove", "acme", "--data", _data]).Invoke());
        Assert.Empty(UserStore.Open(_data, TimeProvider.System).Users);
        Assert.Equal(2, HeatGridCli.Build().Parse(["users", "remove", "acme", "--data", _data]).Invoke());
    }

    [Fact]
    public void HeatGridCli_HasTheUsersVerbs() =>
        Assert.Equal(["add", "key", "list", "remove", "revoke"], Assert.Single(HeatGridCli.Build().Subcommands, c => c.Name == "users").Subcommands.Select(c => c.Name));
}
