using Energy.Scheduler.Cli;
using Energy.Scheduler.Security;

namespace Energy.Scheduler.Tests.Cli;

/// <summary>
/// <c>heatgrid run --http</c> on an address other than loopback without users refuses to start (exit 2) and says how to add one.
/// </summary>
public sealed class RunCommandAuthenticationTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-run-auth-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Run_EveryAddressWithoutUsers_Exit2SayingHowToAddOne()
    {
        var before = Console.Error;
        using var stderr = new StringWriter();
        Console.SetError(stderr);
        int code;
        try
        {
            code = await HeatGridCli.Build().Parse(["run", "--http", "0.0.0.0:1", "--data", _data]).InvokeAsync();
        }
        finally
        {
            Console.SetError(before);
        }

        Assert.Equal(2, code);
        Assert.Contains($"heatgrid users add NAME --role admin --data {_data}", stderr.ToString(), StringComparison.Ordinal);
        Assert.Contains("Nothing was started", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_data));
    }

    [Theory]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("http://127.0.0.2:8080", true)]
    [InlineData("http://localhost:8080", true)]
    [InlineData("http://[::1]:8080", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://10.0.0.5:8080", false)]
    [InlineData("http://heatgrid.site:8080", false)]
    public void IsLoopback(string url, bool loopback) => Assert.Equal(loopback, ApiSecurity.IsLoopback(url));

    [Fact]
    public void StartRefusal_LoopbackWithoutUsers_None_EveryAddressWithUsers_None_CorruptFile_Refused()
    {
        Assert.Null(ApiSecurity.StartRefusal("http://127.0.0.1:8080", _data));
        Assert.NotNull(ApiSecurity.StartRefusal("http://0.0.0.0:8080", _data));

        UserStore.Open(_data, TimeProvider.System).Add("admin", "admin", null);
        Assert.Null(ApiSecurity.StartRefusal("http://0.0.0.0:8080", _data));

        File.AppendAllText(UsersFile.PathIn(_data), " ");
        Assert.Contains("does not match its checksum", ApiSecurity.StartRefusal("http://127.0.0.1:8080", _data), StringComparison.Ordinal);
    }
}
