using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Plant;

/// <summary>
/// Heat demand of a loop's consumer for the demo: seasonal (winter ≈ peak, summer ≈ a third), open
/// hours 06–22 at full demand and nights at about half, with a little deterministic variation.
/// </summary>
public static class SyntheticHeatDemand
{
    public static Power At(HeatLoop loop, DateTimeOffset instant, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(loop);
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var season = 0.5 + (0.5 * Math.Cos(2 * Math.PI * (local.DayOfYear - 15) / 365.0));    // 1 in January, 0 in July
        var seasonal = 0.35 + (0.6 * season);
        var hour = local.Hour + (local.Minute / 60.0);
        var daily = hour is >= 6 and < 22 ? 1.0 - (0.1 * Math.Cos(2 * Math.PI * (hour - 6) / 16)) : 0.5;
        var wobble = 0.95 + (0.1 * SyntheticMarket.Hash(instant.ToUnixTimeSeconds() / 900));
        return loop.Consumer.PeakDemand * Math.Min(1, seasonal * daily * wobble);
    }
}
