using System.Text;
using Energy.Scheduler.Security;
using Energy.Telemetry.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Security;

/// <summary>Who a client of the embedded broker is: HeatGrid's users and keys, this process's own identity, anonymous only without users.</summary>
public sealed class BrokerIdentitiesTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-broker-ids-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private BrokerIdentities Identities() => new(new UserDirectory(_data, openWhenEmpty: true, NullLogger<UserDirectory>.Instance));

    private static (MqttClientIdentity? Who, string Refusal) Connect(BrokerIdentities ids, string? user, string? password)
    {
        var who = ids.Authenticate(user, password is null ? null : Encoding.UTF8.GetBytes(password), out var refusal);
        return (who, refusal);
    }

    [Fact]
    public void NoUsers_AnonymousConnects_ANamedUserDoesNot()
    {
        var ids = Identities();
        Assert.Equal(MqttClientIdentity.Anonymous, Connect(ids, null, null).Who);
        var (who, refusal) = Connect(ids, "ops", "hg_0000000000000000_" + new string('0', 64));
        Assert.Null(who);
        Assert.Contains("there are no users", refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void Internal_OnlyWithThisProcessesSecret_AndNeverTheSameTwice()
    {
        var ids = Identities();
        Assert.Equal(MqttClientRole.Internal, Connect(ids, BrokerIdentities.InternalUser, ids.InternalPassword).Who?.Role);
        Assert.Null(Connect(ids, BrokerIdentities.InternalUser, ids.InternalPassword[..^1]).Who);
        Assert.Null(Connect(ids, BrokerIdentities.InternalUser, null).Who);
        Assert.Null(Connect(ids, BrokerIdentities.InternalUser, Identities().InternalPassword).Who);
        Assert.NotEqual(ids.InternalPassword, Identities().InternalPassword);
        Assert.Equal(64, ids.InternalPassword.Length);
    }

    [Theory]
    [InlineData("admin", MqttClientRole.Operator)]
    [InlineData("operator", MqttClientRole.Operator)]
    [InlineData("integrator", MqttClientRole.Integrator)]
    [InlineData("viewer", MqttClientRole.Reader)]
    [InlineData("controller", MqttClientRole.Controller)]
    [InlineData("agent", MqttClientRole.Agent)]
    public void AUsersKey_TheUsersNameAndRole(string role, MqttClientRole expected)
    {
        var key = UserStore.Open(_data, _time).Add("gpu-a", role, null);
        var (who, refusal) = Connect(Identities(), "gpu-a", key.Text);
        Assert.True(who is not null, refusal);
        Assert.Equal(new MqttClientIdentity("gpu-a", expected), who);
    }

    [Fact]
    public void WithUsers_NoCredentialsWrongKeyAnotherUsersKeyTenantRevoked_AllRefused()
    {
        var store = UserStore.Open(_data, _time);
        var ops = store.Add("ops", "operator", null);
        var viewer = store.Add("vic", "viewer", null);
        var tenant = store.Add("acme", "tenant", "Acme AI");
        var ids = Identities();

        Assert.Contains("no credentials", Connect(ids, null, null).Refusal, StringComparison.Ordinal);
        Assert.Contains("does not match", Connect(ids, "ops", ops.Text[..^1] + (ops.Text[^1] == '0' ? '1' : '0')).Refusal, StringComparison.Ordinal);
        Assert.Contains("not a HeatGrid API key", Connect(ids, "ops", "letmein").Refusal, StringComparison.Ordinal);
        Assert.Contains("a key of another user", Connect(ids, "ops", viewer.Text).Refusal, StringComparison.Ordinal);
        Assert.Contains("for the HTTP API only", Connect(ids, "acme", tenant.Text).Refusal, StringComparison.Ordinal);
        Assert.Equal(MqttClientRole.Operator, Connect(ids, "OPS", ops.Text).Who?.Role);

        // A revoked key is refused at the next connect, by the same running directory.
        UserStore.Open(_data, _time).Revoke(ops.Id);
        Assert.Null(Connect(ids, "ops", ops.Text).Who);
    }

    [Theory]
    [InlineData("127.0.0.1:1883", false, false)]
    [InlineData("[::1]:1883", false, false)]
    [InlineData("0.0.0.0:1883", false, true)]
    [InlineData("[::]:1883", false, true)]
    [InlineData("192.168.1.20:1883", false, true)]
    [InlineData("0.0.0.0:1883", true, false)]
    public void StartRefusal_AnonymousBrokerOnTheNetwork(string listen, bool withUser, bool refused)
    {
        if (withUser)
        {
            UserStore.Open(_data, _time).Add("ops", "operator", null);
        }

        var refusal = BrokerIdentities.StartRefusal(System.Net.IPEndPoint.Parse(listen), _data);
        Assert.True(refused == refusal is not null, refusal ?? "not refused");
        if (refusal is not null)
        {
            Assert.Contains("heatgrid users add NAME --role ROLE", refusal, StringComparison.Ordinal);
        }
    }
}
