using Microsoft.Extensions.Options;

namespace Energy.Scheduler.Controller;

/// <summary>
/// The control loop's timing, bound from the <c>Control</c> section of the configuration
/// (<c>appsettings.json</c>, or environment variables such as <c>Control__Period=00:00:02</c>) and
/// validated before anything starts.
/// </summary>
public sealed class ControlOptions
{
    public const string Section = "Control";

    /// <summary>How often the loop holds the plan, reads the meter and sends batches.</summary>
    public TimeSpan Period { get; set; } = ControlLoop.Period;

    /// <summary>How long an assignment holds without renewal before the agent falls back to the safe state.</summary>
    public TimeSpan AssignmentValidity { get; set; } = ControlLoop.AssignmentValidity;

    /// <summary>Checks what an operator may have set; every problem in one message.</summary>
    public sealed class Validator : IValidateOptions<ControlOptions>
    {
        public ValidateOptionsResult Validate(string? name, ControlOptions options)
        {
            ArgumentNullException.ThrowIfNull(options);
            var failures = new List<string>();
            if (options.Period < TimeSpan.FromMilliseconds(100) || options.Period > TimeSpan.FromSeconds(10))
            {
                failures.Add($"{Section}:Period must be from 100 ms to 10 s (the cap is held once a period), not {options.Period}");
            }

            if (options.AssignmentValidity < options.Period * 3 || options.AssignmentValidity > TimeSpan.FromMinutes(5))
            {
                failures.Add($"{Section}:AssignmentValidity must be from three periods ({options.Period * 3}) to 5 min, not {options.AssignmentValidity}: "
                    + "shorter and agents fall to their safe state between ticks, longer and a lost controller's work runs on");
            }

            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
