using System.CommandLine;
using Energy.Scheduler.Cli;

namespace Energy.Scheduler.Tests.Cli;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AgentPouwInputsTests : IDisposable
{
    private const string Key = "hg_0123456789abcdef_00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-pouw-cli-").FullName;
    private readonly AgentPouwInputs _inputs = new();
    private readonly StringWriter _stderr = new();

    public void Dispose()
    {
        _stderr.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private Energy.Scheduler.NodeAgent.Pouw.PouwNodeOptions? Read(out bool ok, string? variable, params string[] args)
    {
        var command = new RootCommand();
        foreach (var option in _inputs.All)
        {
            command.Options.Add(option);
        }

        return _inputs.Read(command.Parse(args), _stderr, out ok, name => name == AgentPouwInputs.KeyVariable ? variable : null);
    }

    [Fact]
    public void Read_WithoutPouwApi_NothingToMine()
    {
        Assert.Null(Read(out var ok, Key));
        Assert.True(ok);
    }

    [Fact]
    public void Read_JobAndSeedWithKeyFromTheVariable_Options()
    {
        var options = Read(out var ok, Key, "--pouw-api", "http://10.0.0.2:8080", "--pouw-job", "Acme AI/chat", "--pouw-weights-seed", "42");
        Assert.True(ok, _stderr.ToString());
        Assert.Equal(("Acme AI", "chat", 42L, Key, "pouw-outbox"), (options!.Tenant, options.Job, options.WeightsSeed, options.ApiKey, options.OutboxFolder));
        Assert.Equal("http://10.0.0.2:8080/", options.BaseAddress.AbsoluteUri);
        Assert.Equal(20, options.MaxBatchesPerSecond);
        Assert.Equal(5, Read(out _, Key, "--pouw-api", "http://h:1", "--pouw-job", "t/j", "--pouw-weights-seed", "1", "--pouw-batch-rate", "5")!.MaxBatchesPerSecond);
    }

    [Fact]
    public void Read_KeyFile_FirstLine()
    {
        var file = Path.Combine(_folder, "key");
        File.WriteAllText(file, Key + "\nignored\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        var options = Read(out var ok, null, "--pouw-api", "http://h:1", "--pouw-job", "t/j", "--pouw-weights-seed", "1", "--pouw-key-file", file);
        Assert.True(ok, _stderr.ToString());
        Assert.Equal(Key, options!.ApiKey);
    }

    [Theory]
    [InlineData("need --pouw-api", "--pouw-job", "t/j")]
    [InlineData("TENANT/JOB", "--pouw-api", "http://h:1", "--pouw-job", "chat", "--pouw-weights-seed", "1")]
    [InlineData("--pouw-weights-seed", "--pouw-api", "http://h:1", "--pouw-job", "t/j")]
    [InlineData("--pouw-batch-rate", "--pouw-api", "http://h:1", "--pouw-job", "t/j", "--pouw-weights-seed", "1", "--pouw-batch-rate", "0")]
    [InlineData("not an http", "--pouw-api", "mqtt://h:1", "--pouw-job", "t/j", "--pouw-weights-seed", "1")]
    public void Read_Incomplete_RefusedNamingWhat(string says, params string[] args)
    {
        Assert.Null(Read(out var ok, Key, args));
        Assert.False(ok);
        Assert.Contains(says, _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoAgentKey_Refused()
    {
        Assert.Null(Read(out var ok, "not-a-key", "--pouw-api", "http://h:1", "--pouw-job", "t/j", "--pouw-weights-seed", "1"));
        Assert.False(ok);
        Assert.Contains(AgentPouwInputs.KeyVariable, _stderr.ToString(), StringComparison.Ordinal);
    }
}
