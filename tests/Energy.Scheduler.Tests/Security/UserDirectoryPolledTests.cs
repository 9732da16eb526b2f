using Energy.Scheduler.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Security;

/// <summary>
/// The running API's view of users kept elsewhere (the shared database of <c>--ha</c>): read on a timer, never on a
/// request's path; open and fail-closed decided as for the users file. The records here are in memory, with the same
/// <see cref="UserStore"/> checks in front of them.
/// </summary>
public sealed class UserDirectoryPolledTests
{
    private static readonly TimeSpan Poll = TimeSpan.FromSeconds(2);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 8, 0, 0, TimeSpan.Zero));
    private readonly MemoryRecords _records = new();

    private UserDirectory Users(bool loopback) => new(_records, loopback, NullLogger<UserDirectory>.Instance, _time, Poll);

    [Fact]
    public void NoUsers_OpenOnLoopbackOnly_AsForTheFile()
    {
        using var loopback = Users(loopback: true);
        using var network = Users(loopback: false);
        Assert.True(loopback.IsOpen);
        Assert.False(network.IsOpen);
    }

    [Fact]
    public void AChange_IsSeenAtTheNextPoll_NotBefore()
    {
        using var users = Users(loopback: true);
        var reads = _records.Reads;
        var key = UserStore.Open(_records, _time).Add("alice", "operator", null);

        Assert.True(users.IsOpen);                                   // requests do not read the records
        Assert.Null(users.Authenticate(key.Text).User);
        Assert.Equal(reads + 1, _records.Reads);                     // only UserStore.Open read them

        _time.Advance(Poll);
        Assert.Equal("alice", users.Authenticate(key.Text).User?.Name);
        Assert.False(users.IsOpen);

        UserStore.Open(_records, _time).Revoke(key.Id);
        _time.Advance(Poll);
        Assert.Contains("revoked, or never made", users.Authenticate(key.Text).Refusal, StringComparison.Ordinal);
    }

    [Fact]
    public void RecordsAway_KeepTheLastUsers_NoneRead_RefuseEverything()
    {
        var key = UserStore.Open(_records, _time).Add("alice", "viewer", null);
        using var users = Users(loopback: true);
        _records.Away = true;
        _time.Advance(Poll);
        _time.Advance(Poll);
        Assert.Equal("alice", users.Authenticate(key.Text).User?.Name);
        Assert.False(users.IsOpen);

        var empty = new MemoryRecords { Away = true };
        using var late = new UserDirectory(empty, openWhenEmpty: true, NullLogger<UserDirectory>.Instance, _time, Poll);
        Assert.False(late.IsOpen, "nothing read yet: refused, never open");
        Assert.Empty(late.Users);

        empty.Away = false;
        _time.Advance(Poll);
        Assert.True(late.IsOpen, "read again: no users on loopback is open, as for the file");
    }

    [Fact]
    public void LastUserRemovedWhileAway_OnlyTakesEffectOnceRead()
    {
        UserStore.Open(_records, _time).Add("alice", "admin", null);
        using var users = Users(loopback: true);
        UserStore.Open(_records, _time).Remove("alice");
        _records.Away = true;
        _time.Advance(Poll);
        Assert.False(users.IsOpen);
        _records.Away = false;
        _time.Advance(Poll);
        Assert.Empty(users.Users);
        Assert.True(users.IsOpen);
    }

    /// <summary>Users in memory, which can be made unreachable as a database can.</summary>
    private sealed class MemoryRecords : IUserRecords
    {
        private IReadOnlyList<ApiUser> _users = [];

        public bool Away { get; set; }

        public int Reads { get; private set; }

        public string Where => "memory";

        public (IReadOnlyList<ApiUser>? Users, string? Problem) Read()
        {
            Reads++;
            return Away ? (null, "memory: away") : (_users, null);
        }

        public void Apply(UserChange change, IReadOnlyList<ApiUser> after) => _users = Away ? throw new UserStoreException("memory: away") : after;
    }
}
