using System.Text.Json.Serialization;

namespace Energy.Gpu.Benchmarks;

/// <summary>
/// One power target held by the controller: the mean 1-s average after settling, its error, and when the 1-s
/// average entered ±5 % of the target for good (null if it never did).
/// </summary>
public sealed record PowerTrackingResult(
    [property: JsonPropertyName("targetW")] double TargetW,
    [property: JsonPropertyName("meanW")] double MeanW,
    [property: JsonPropertyName("errorPct")] double ErrorPct,
    [property: JsonPropertyName("settleSeconds")] double? SettleSeconds)
{
    /// <summary>Band the 1-s average must stay within to count as settled.</summary>
    public const double SettleBand = 0.05;

    /// <summary>
    /// From 1-s average samples taken since the target was set (seconds since then, watts): settled at the
    /// last sample outside ±5 %, the mean over the samples after it (the last ten if it never settled).
    /// </summary>
    public static PowerTrackingResult FromSamples(double targetW, IReadOnlyList<(double Seconds, double AverageW)> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentOutOfRangeException.ThrowIfZero(samples.Count, nameof(samples));
        var lastOutside = -1;
        for (var i = samples.Count - 1; i >= 0; i--)
        {
            if (Math.Abs(samples[i].AverageW - targetW) > targetW * SettleBand)
            {
                lastOutside = i;
                break;
            }
        }

        double? settle = lastOutside switch
        {
            -1 => 0,
            _ when lastOutside == samples.Count - 1 => null,
            _ => samples[lastOutside].Seconds,
        };
        var after = settle is null ? samples.TakeLast(10) : samples.Skip(lastOutside + 1);
        var mean = after.Average(s => s.AverageW);
        return new PowerTrackingResult(targetW, Math.Round(mean, 1), Math.Round((mean - targetW) / targetW * 100, 2),
            settle is null ? null : Math.Round(settle.Value, 2));
    }
}
