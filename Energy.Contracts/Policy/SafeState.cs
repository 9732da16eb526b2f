namespace Energy.Contracts.Policy;

/// <summary>Where GPUs go when they hear no valid plan: idle (powered, no work) or their lowest power limit.</summary>
public enum SafeState
{
    Idle,
    MinimumPower,
}
