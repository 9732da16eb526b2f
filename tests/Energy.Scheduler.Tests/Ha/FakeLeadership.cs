using Energy.Scheduler.Ha;

namespace Energy.Scheduler.Tests.Ha;

/// <summary>A leadership the test sets: leader or standby, and what was reported to it.</summary>
internal sealed class FakeLeadership : ILeadership
{
    public event Action<LeadershipMove>? TakingOver;

    public event Action<LeadershipMove>? Leading;

    public event Action<string>? SteppedDown;

    public ControllerRole Role { get; set; } = ControllerRole.Standby;

    public long Epoch { get; set; } = 7;

    public string? Leader { get; set; } = "other";

    public List<(long Seen, string Where)> NewerSeen { get; } = [];

    public bool MayDispatch() => Role == ControllerRole.Leader;

    public LeadershipView View() => new(Role == ControllerRole.Leader ? "leader" : "standby", Epoch, "me", "http://me:8080", Leader,
        Leader is null ? null : $"http://{Leader}:8080", null, [], "postgres://test@db:5432/heatgrid", null, HaOptions.Lease.TotalSeconds,
        HaOptions.TakeoverDelay.TotalSeconds);

    public void NewerEpochSeen(long seen, string where) => NewerSeen.Add((seen, where));

    public void Take(long epoch)
    {
        var move = new LeadershipMove(epoch, DateTimeOffset.UnixEpoch, "me", Leader, Epoch, "test");
        TakingOver?.Invoke(move);
        (Role, Epoch, Leader) = (ControllerRole.Leader, epoch, "me");
        Leading?.Invoke(move);
    }

    public void StepDown(string why)
    {
        Role = ControllerRole.Standby;
        SteppedDown?.Invoke(why);
    }
}
