using Microsoft.Extensions.Options;

namespace Energy.Scheduler.Planning;

/// <summary>
/// How far ahead and how eagerly the planner plans, bound from the <c>Planning</c> section of the
/// configuration and validated before anything starts. Re-plans at the 15-minute boundaries of the
/// market's clock are fixed (<see cref="ScheduledJobs.ReplanCron"/>).
/// </summary>
public sealed class PlanningOptions
{
    public const string Section = "Planning";

    /// <summary>How far ahead each plan reaches (as far as prices are known).</summary>
    public TimeSpan Horizon { get; set; } = PlanningService.Horizon;

    /// <summary>How often the controller's conditions (curtailments, agents, hot loops, base load) are looked at.</summary>
    public TimeSpan ConditionsPoll { get; set; } = PlanningService.ConditionsPoll;

    /// <summary>The least time between two re-plans for changed conditions.</summary>
    public TimeSpan ConditionsReplanGap { get; set; } = PlanningService.ConditionsReplanGap;

    /// <summary>Checks what an operator may have set; every problem in one message.</summary>
    public sealed class Validator : IValidateOptions<PlanningOptions>
    {
        public ValidateOptionsResult Validate(string? name, PlanningOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            var failures = new List<string>();
            if (options.Horizon < PlanningService.Interval || options.Horizon > TimeSpan.FromDays(7))
            {
                failures.Add($"{Section}:Horizon must be from one slot ({PlanningService.Interval}) to 7 days, not {options.Horizon}");
            }

            if (options.ConditionsPoll < TimeSpan.FromMilliseconds(100) || options.ConditionsPoll > TimeSpan.FromMinutes(1))
            {
                failures.Add($"{Section}:ConditionsPoll must be from 100 ms to 1 min, not {options.ConditionsPoll}");
            }

            if (options.ConditionsReplanGap < options.ConditionsPoll || options.ConditionsReplanGap > PlanningService.Interval)
            {
                failures.Add($"{Section}:ConditionsReplanGap must be from ConditionsPoll ({options.ConditionsPoll}) to one slot ({PlanningService.Interval}), "
                    + $"not {options.ConditionsReplanGap}");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
