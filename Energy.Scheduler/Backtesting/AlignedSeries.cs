namespace Energy.Scheduler.Backtesting;

/// <summary>A measurement series laid onto the price slots.</summary>
/// <param name="Values">One value per price slot; NaN where neither the data nor the alignment gave one.</param>
/// <param name="Method">How the values were mapped onto the slots, in words for the report.</param>
/// <param name="SourceEmptyRows">Rows of the source file with an empty cell.</param>
public sealed record AlignedSeries(double[] Values, string Method, int SourceEmptyRows)
{
    /// <summary>Slots still without a value.</summary>
    public int Gaps => Values.Count(double.IsNaN);
}
