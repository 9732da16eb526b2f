namespace Energy.Scheduler.Backtesting;

/// <summary>How the heat series was laid onto the price slots, and how many gaps were filled.</summary>
/// <param name="Alignment">The alignment method in words.</param>
/// <param name="SourceEmptyRows">Empty heat cells in the source file.</param>
/// <param name="GapSlotsFilled">Slots without data after alignment, filled by the forecast rule (same slot a day earlier or later).</param>
/// <param name="Scale">The factor applied to the source values (--heat-scale).</param>
public sealed record HeatSeriesFacts(string Alignment, int SourceEmptyRows, int GapSlotsFilled, double Scale);
