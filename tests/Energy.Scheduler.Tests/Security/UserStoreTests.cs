using Energy.Scheduler.Security;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Security;

/// <summary>DATA/users.json as the <c>heatgrid users</c> verbs change it: hashes only, atomic, checked on read.</summary>
public sealed class UserStoreTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-users-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private string FilePath => UsersFile.PathIn(_data);

    [Fact]
    public void Add_KeepsOnlyTheHashOfTheSecret_OwnerOnlyAndReadBack()
    {
        var key = UserStore.Open(_data, _time).Add("alice", "operator", null);

        var text = File.ReadAllText(FilePath);
        var secret = key.Text.Split('_')[2];
        Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(key.Text, text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(key.SecretSha256, text, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
        }

        Assert.False(File.Exists(FilePath + ".tmp"));

        var user = Assert.Single(UserStore.Open(_data, _time).Users);
        Assert.Equal(("alice", ApiRole.Operator, (string?)null), (user.Name, user.Role, user.Tenant));
        var stored = Assert.Single(user.Keys);
        Assert.Equal((key.Id, _time.GetUtcNow()), (stored.Id, stored.Created));
        Assert.True(key.Matches(stored.SecretSha256));
    }

    [Theory]
    [InlineData("bob", "superuser", null, "--role: unknown role 'superuser'; expected one of viewer, tenant, integrator, operator, admin")]
    [InlineData("bob", "tenant", null, "--role tenant: give the tenant it may see with --tenant NAME")]
    [InlineData("bob", "viewer", "Acme AI", "--tenant: only with --role tenant")]
    [InlineData("bob smith", "viewer", null, "user name 'bob smith': expected 1 to 64 letters")]
    [InlineData("alice", "viewer", null, "user 'alice' exists already")]
    [InlineData("ALICE", "viewer", null, "user 'ALICE' exists already")]
    public void Add_Refused_SaysWhyAndChangesNothing(string name, string role, string? tenant, string why)
    {
        UserStore.Open(_data, _time).Add("alice", "admin", null);
        var before = File.ReadAllText(FilePath);

        var e = Assert.Throws<UserStoreException>(() => UserStore.Open(_data, _time).Add(name, role, tenant));

        Assert.StartsWith(why, e.Message, StringComparison.Ordinal);
        Assert.Equal(before, File.ReadAllText(FilePath));
    }

    [Fact]
    public void NewKeyRevokeRemove_ChangeTheFile()
    {
        var first = UserStore.Open(_data, _time).Add("acme", "tenant", " Acme AI ");
        var second = UserStore.Open(_data, _time).NewKey("acme");

        var user = Assert.Single(UserStore.Open(_data, _time).Users);
        Assert.Equal("Acme AI", user.Tenant);
        Assert.Equal([first.Id, second.Id], user.Keys.Select(k => k.Id));

        var left = UserStore.Open(_data, _time).Revoke(first.Id);
        Assert.Equal([second.Id], left.Keys.Select(k => k.Id));
        Assert.Equal([second.Id], Assert.Single(UserStore.Open(_data, _time).Users).Keys.Select(k => k.Id));

        UserStore.Open(_data, _time).Revoke(second.Text);   // the whole key names its id too
        Assert.Empty(Assert.Single(UserStore.Open(_data, _time).Users).Keys);

        UserStore.Open(_data, _time).Remove("acme");
        Assert.Empty(UserStore.Open(_data, _time).Users);
    }

    [Fact]
    public void UnknownUserOrKey_Refused()
    {
        var store = UserStore.Open(_data, _time);

        Assert.StartsWith("no user 'nobody'", Assert.Throws<UserStoreException>(() => store.NewKey("nobody")).Message, StringComparison.Ordinal);
        Assert.StartsWith("no user 'nobody'", Assert.Throws<UserStoreException>(() => store.Remove("nobody")).Message, StringComparison.Ordinal);
        Assert.StartsWith("no key '0123456789abcdef'", Assert.Throws<UserStoreException>(() => store.Revoke("0123456789abcdef")).Message, StringComparison.Ordinal);
        Assert.False(File.Exists(FilePath));
    }

    [Fact]
    public void Open_FileEditedByHand_RefusedAsCorrupt()
    {
        UserStore.Open(_data, _time).Add("alice", "viewer", null);
        File.WriteAllText(FilePath, File.ReadAllText(FilePath).Replace("\"viewer\"", "\"admin\"", StringComparison.Ordinal));

        var e = Assert.Throws<UserStoreException>(() => UserStore.Open(_data, _time));

        Assert.Contains("does not match its checksum", e.Message, StringComparison.Ordinal);
        Assert.Null(UsersFile.Read(FilePath).Users);
    }

    [Fact]
    public void Read_UnknownRoleOrField_Refused()
    {
        StateFile.Write(FilePath, """{"version":1,"users":[{"name":"x","role":"root","tenant":null,"keys":[]}]}""");
        Assert.Null(UsersFile.Read(FilePath).Users);

        StateFile.Write(FilePath, """{"version":1,"users":[{"name":"x","role":"admin","tenant":null,"keys":[],"password":"p"}]}""");
        Assert.Null(UsersFile.Read(FilePath).Users);

        StateFile.Write(FilePath, """{"version":2,"users":[]}""");
        Assert.Contains("not a users file of version 1", UsersFile.Read(FilePath).Problem, StringComparison.Ordinal);
    }
}
