using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;

namespace Energy.Gpu.Agents;

/// <summary>The agent's judgement of its frequency feed: plausible samples only, and what the operator must see about it.</summary>
public sealed partial class AgentCore
{
    /// <summary>Why a sample is not a grid frequency to act on, or null: out of range, too old, from the future, out of order, or an impossible jump.</summary>
    private string? Implausible(FrequencySample sample, DateTimeOffset seenAt, DemandResponsePolicy policy)
    {
        if (!double.IsFinite(sample.Hz) || sample.Hz < AgentOptions.MinPlausibleHz || sample.Hz > AgentOptions.MaxPlausibleHz)
        {
            return "range";
        }

        var age = seenAt - sample.At;
        if (age > policy.MaxFrequencyAge || -age > AgentOptions.MaxFrequencySkew)
        {
            return "age";
        }

        if (_lastSample is { } last)
        {
            var dt = (sample.At - last.At).TotalSeconds;
            if (dt < 0)
            {
                return $"measured {-dt:F2} s before the last sample taken";
            }

            var change = Math.Abs(sample.Hz - last.Hz);
            if (change > AgentOptions.FrequencyStepHz + (AgentOptions.MaxRocofHzPerSecond * dt))
            {
                return $"{change:F2} Hz away from {last.Hz} Hz measured {dt:F2} s earlier, faster than {AgentOptions.MaxRocofHzPerSecond} Hz/s";
            }
        }

        return null;
    }

    /// <summary>Counts a refused sample; logged at the first and then at most once a minute, so a flood of bad samples cannot flood the log.</summary>
    private void RefuseSample(FrequencySample sample, DateTimeOffset seenAt, string why)
    {
        var refused = Interlocked.Increment(ref _frequencyRefused);
        _lastRefusalAt = seenAt;
        if (seenAt - _lastRefusalLog < TimeSpan.FromMinutes(1))
        {
            return;
        }

        _lastRefusalLog = seenAt;
        switch (why)
        {
            case "range":
                Log.FrequencyImplausible(_logger, Node, sample.Hz);
                break;
            case "age":
                Log.FrequencyStale(_logger, Node, sample.Hz, sample.At, (seenAt - sample.At).TotalSeconds);
                break;
            default:
                Log.FrequencyJump(_logger, Node, sample.Hz, why, refused);
                break;
        }
    }

    /// <summary>What the operator must see about this agent, in its telemetry (the controller alarms on it).</summary>
    private List<string>? Warnings(DateTimeOffset now)
    {
        List<string>? warnings = null;
        if (_stage is not null && _feedLostSince is { } lost)
        {
            (warnings ??= []).Add(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"grid-frequency feed lost while shedding since {lost:yyyy-MM-dd HH:mm:ss} UTC (onFrequencyLost: {_options.DemandResponse.OnFrequencyLost})"));
        }

        if (now - _lastRefusalAt <= TimeSpan.FromMinutes(1))
        {
            (warnings ??= []).Add("grid-frequency samples refused as implausible in the last minute (see the agent's log)");
        }

        return warnings;
    }
}
