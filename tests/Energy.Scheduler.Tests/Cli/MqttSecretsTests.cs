using System.Net;
using Energy.Scheduler.Cli;

namespace Energy.Scheduler.Tests.Cli;

/// <summary>The MQTT password from a file or the environment, and where the process's own link connects.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MqttSecretsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-secrets-").FullName;
    private readonly StringWriter _stderr = new();

    public void Dispose()
    {
        _stderr.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task PasswordFile_FirstLineIsThePassword()
    {
        var broker = await CliInputs.BrokerAsync("mqtt://heatgrid@127.0.0.1:1883", File("p@ss:w0rd\n"), environment: NoEnvironment, stderr: _stderr);

        Assert.Equal(("heatgrid", "p@ss:w0rd"), (broker!.Username, broker.Password));
        Assert.DoesNotContain("p@ss", broker.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnvironmentVariable_GivesThePassword()
    {
        var broker = await CliInputs.BrokerAsync("mqtt://heatgrid@127.0.0.1:1883", null, environment: Env("from-env"), stderr: _stderr);

        Assert.Equal("from-env", broker!.Password);
    }

    [Fact]
    public async Task FileAndEnvironment_TheFileWins_AndItIsSaid()
    {
        var broker = await CliInputs.BrokerAsync("mqtt://heatgrid@127.0.0.1:1883", File("from-file\r\n"), environment: Env("from-env"), stderr: _stderr);

        Assert.Equal("from-file", broker!.Password);
        Assert.Contains($"{CliInputs.PasswordVariable} is ignored", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordInTheUriBesideAnother_IsRefused()
    {
        Assert.Null(await CliInputs.BrokerAsync("mqtt://heatgrid:inline@127.0.0.1:1883", null, environment: Env("from-env"), stderr: _stderr));
        Assert.Contains("give it once", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UriAlone_StillWorks()
    {
        var broker = await CliInputs.BrokerAsync("mqtt://heatgrid:inline@127.0.0.1:1883", null, environment: NoEnvironment, stderr: _stderr);

        Assert.Equal("inline", broker!.Password);
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("\nsecond-line", "is empty")]
    public async Task EmptyFile_IsRefused(string content, string message)
    {
        Assert.Null(await CliInputs.BrokerAsync("mqtt://u@127.0.0.1:1883", File(content), environment: NoEnvironment, stderr: _stderr));
        Assert.Contains(message, _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingFile_IsRefused()
    {
        Assert.Null(await CliInputs.BrokerAsync("mqtt://u@127.0.0.1:1883", Path.Combine(_folder, "none"), environment: NoEnvironment, stderr: _stderr));
        Assert.Contains("cannot read", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileAnyUserMayRead_IsRefused()
    {
        var path = File("secret\n");
        System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);

        Assert.Null(await CliInputs.BrokerAsync("mqtt://u@127.0.0.1:1883", path, environment: NoEnvironment, stderr: _stderr));
        Assert.Contains("may be read by any user", _stderr.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0.0.0.0:1883", "127.0.0.1:1883")]
    [InlineData("[::]:1884", "[::1]:1884")]
    [InlineData("127.0.0.1:1885", "127.0.0.1:1885")]
    [InlineData("192.168.1.20:1886", "192.168.1.20:1886")]
    public void EmbeddedBrokerListeningEverywhere_TheOwnLinkConnectsToLoopback(string listen, string connect)
    {
        var setup = new MqttSetup(null, IPEndPoint.Parse(listen));

        Assert.Equal(IPEndPoint.Parse(connect), setup.Connect);
        Assert.Equal(IPEndPoint.Parse(listen), setup.Listen);
    }

    private static string? NoEnvironment(string name) => null;

    private static Func<string, string?> Env(string value) => name => name == CliInputs.PasswordVariable ? value : null;

    private string File(string content)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        System.IO.File.WriteAllText(path, content);
        System.IO.File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }
}
