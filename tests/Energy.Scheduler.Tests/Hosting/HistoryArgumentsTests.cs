using Energy.Scheduler.Hosting;
using Energy.Telemetry.History;
using Microsoft.Extensions.Configuration;

namespace Energy.Scheduler.Tests.Hosting;

public sealed class HistoryArgumentsTests
{
    private static IConfiguration Config(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => KeyValuePair.Create(v.Key, (string?)v.Value))).Build();

    [Fact]
    public void Resolve_NoUrlAnywhere_NullForTheEmbeddedStore()
    {
        Assert.Null(HistoryArguments.Resolve(null, Config(("History:Org", "site"))));
    }

    [Fact]
    public void Resolve_CommandLineOverridesTheSection()
    {
        var options = HistoryArguments.Resolve(new HistoryArguments("http://127.0.0.1:8428", Bucket: "b"),
            Config(("History:Url", "http://influx:8086"), ("History:Org", "site"), ("History:SpoolLimitBytes", "10485760")))!;

        Assert.Equal("http://127.0.0.1:8428", options.Url);
        Assert.Equal("site", options.Org);
        Assert.Equal("b", options.Bucket);
        Assert.Equal(HistoryOptions.DefaultTokenVariable, options.TokenVariable);
        Assert.Equal(10485760, options.SpoolLimitBytes);
        Assert.Empty(options.Problems());
    }

    [Fact]
    public void Problems_BadUrlAndTinyLimit_EachNamed()
    {
        var problems = new HistoryOptions { Url = "influx:8086", SpoolLimitBytes = 1000 }.Problems();

        Assert.Contains(problems, p => p.Contains("History:Url", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("History:SpoolLimitBytes", StringComparison.Ordinal));
    }
}
