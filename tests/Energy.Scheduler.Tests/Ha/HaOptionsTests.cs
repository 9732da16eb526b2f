using Energy.Scheduler.Ha;
using Npgsql;

namespace Energy.Scheduler.Tests.Ha;

/// <summary><c>--ha postgres://USER@HOST:PORT/DATABASE</c>: what is taken, what is refused, and that the password shows nowhere.</summary>
public sealed class HaOptionsTests
{
    [Fact]
    public void TryParse_FullUri_AllParts()
    {
        Assert.True(HaOptions.TryParse("postgres://heatgrid@db.site.local:6432/heat?sslmode=verify-full", "s3cret", out var options, out var error), error);
        Assert.Equal(("db.site.local", 6432, "heat", "heatgrid", "s3cret", SslMode.VerifyFull),
            (options!.Host, options.Port, options.Database, options.User, options.Password, options.SslMode));
    }

    [Fact]
    public void TryParse_NoPort_5432()
    {
        Assert.True(HaOptions.TryParse("postgresql://u@h/d", "p", out var options, out _));
        Assert.Equal(5432, options!.Port);
        Assert.Null(options.SslMode);
    }

    [Theory]
    [InlineData("postgres://u:inline@h/d", "no password in the URI")]
    [InlineData("mysql://u@h/d", "expected postgres://")]
    [InlineData("postgres://h/d", "a user, a host and one database")]
    [InlineData("postgres://u@h/", "a user, a host and one database")]
    [InlineData("postgres://u@h/d/e", "a user, a host and one database")]
    [InlineData("postgres://u@h/d?sslmode=sometimes", "unknown or bad URI parameter")]
    [InlineData("postgres://u@h/d?pool=9", "unknown or bad URI parameter")]
    public void TryParse_Refused_WithWhy(string uri, string why)
    {
        Assert.False(HaOptions.TryParse(uri, "p", out var options, out var error));
        Assert.Null(options);
        Assert.Contains(why.Replace("no password in the URI", "put no password in the URI", StringComparison.Ordinal), error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_NoPassword_NamesTheVariable()
    {
        Assert.False(HaOptions.TryParse("postgres://u@h/d", null, out _, out var error));
        Assert.Contains(HaOptions.PasswordVariable, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Shown_AndToString_CarryNoPassword()
    {
        Assert.True(HaOptions.TryParse("postgres://u@h:1/d", "very-secret", out var options, out _));
        Assert.Equal("postgres://u@h:1/d", options!.Shown);
        Assert.DoesNotContain("very-secret", options.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectionString_Dedicated_UnpooledWithKeepalive()
    {
        Assert.True(HaOptions.TryParse("postgres://u@h:1/d", "p", out var options, out _));
        var dedicated = new NpgsqlConnectionStringBuilder(options!.ConnectionString(dedicated: true, "x"));
        var pooled = new NpgsqlConnectionStringBuilder(options.ConnectionString(dedicated: false, "x"));
        Assert.Equal((false, 1, true), (dedicated.Pooling, dedicated.KeepAlive, dedicated.TcpKeepAlive));
        Assert.True(pooled.Pooling);
        Assert.Equal((int)HaOptions.CommandTimeout.TotalSeconds, dedicated.CommandTimeout);
    }

    [Fact]
    public void Timing_LeaseEndsBeforeAnyTakeover()
    {
        // The promise: a leader cut off stops (lease) before a standby may lead (takeover delay), with margin to spare.
        Assert.True(HaOptions.TakeoverDelay - HaOptions.Lease >= TimeSpan.FromSeconds(1));
        Assert.True(HaOptions.Lease >= 2 * HaOptions.RenewEvery);
        Assert.True(HaOptions.CommandTimeout < HaOptions.Lease);
    }
}
