using Energy.Scheduler.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Security;

/// <summary>The running API's view of DATA/users.json: open only when empty on loopback, changes seen without a restart.</summary>
public sealed class UserDirectoryTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-userdir-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private UserDirectory Users(bool loopback) => new(_data, loopback, NullLogger<UserDirectory>.Instance);

    [Fact]
    public void NoUsers_OpenOnLoopbackOnly()
    {
        Assert.True(Users(loopback: true).IsOpen);
        Assert.False(Users(loopback: false).IsOpen);
    }

    [Fact]
    public void Authenticate_RightKey_TheUser_WrongOrRevokedKey_Refused()
    {
        var key = UserStore.Open(_data, _time).Add("alice", "operator", null);
        var users = Users(loopback: true);

        Assert.False(users.IsOpen);
        Assert.Equal("alice", users.Authenticate(key.Text).User?.Name);

        var wrongSecret = key.Text[..^1] + (key.Text[^1] == '0' ? '1' : '0');
        Assert.Equal($"key {key} does not match", users.Authenticate(wrongSecret).Refusal);
        Assert.Equal("not a HeatGrid API key (hg_ID_SECRET)", users.Authenticate("letmein").Refusal);

        UserStore.Open(_data, _time).Revoke(key.Id);
        var (user, refusal) = users.Authenticate(key.Text);
        Assert.Null(user);
        Assert.Equal($"no key {key} (revoked, or never made)", refusal);
    }

    [Fact]
    public void UsersAddedWhileRunning_CloseTheOpenApi_RemovedAllOpenItAgain()
    {
        var users = Users(loopback: true);
        Assert.True(users.IsOpen);

        var key = UserStore.Open(_data, _time).Add("alice", "admin", null);
        Assert.False(users.IsOpen);
        Assert.NotNull(users.Authenticate(key.Text).User);

        UserStore.Open(_data, _time).Remove("alice");
        Assert.True(users.IsOpen);
    }

    [Fact]
    public void FileCorruptedWhileRunning_LastGoodUsersStay_CorruptAtStart_NothingOpens()
    {
        var key = UserStore.Open(_data, _time).Add("alice", "viewer", null);
        var users = Users(loopback: true);
        Assert.NotNull(users.Authenticate(key.Text).User);

        File.WriteAllText(UsersFile.PathIn(_data), "heatgrid-state v1 sha256=00\n{}");

        Assert.NotNull(users.Authenticate(key.Text).User);
        var fresh = Users(loopback: true);
        Assert.False(fresh.IsOpen);
        Assert.Null(fresh.Authenticate(key.Text).User);
    }
}
