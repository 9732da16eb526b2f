using System.Globalization;

namespace Energy.Contracts.Prices;

/// <summary>
/// The lowest and highest day-ahead clearing price a market can produce, per MWh in the site's
/// currency: a price outside them cannot have come from the auction, so a document holding one is
/// refused. Set per market in the site file (<c>market.priceLimits</c>).
/// </summary>
/// <param name="MinPerMwh">The harmonised minimum clearing price.</param>
/// <param name="MaxPerMwh">The harmonised maximum clearing price.</param>
public sealed record PriceLimits(double MinPerMwh, double MaxPerMwh)
{
    /// <summary>
    /// The largest magnitude a site file may set: the planner weighs prices against its penalties
    /// and keeps the grid cap as a hard limit, and no day-ahead market clears anywhere near this.
    /// </summary>
    public const double MaxMagnitudePerMwh = 1_000_000;

    /// <summary>
    /// SDAC, the EU's single day-ahead coupling: harmonised minimum −500 EUR/MWh and maximum
    /// +4,000 EUR/MWh (HMMCP methodology under Article 41(1) of Regulation (EU) 2015/1222, CACM).
    /// The maximum was raised from +3,000 to +4,000 from 10 May 2022 after the French prices of
    /// 4 April 2022 (BSP SouthPool notice, "Harmonised maximum clearing price for SDAC to be set to
    /// +4,000 EUR/MWh from 10th May"); the automatic increase to +5,000 announced for 20 September
    /// 2022 was suspended and the maximum stayed at +4,000 (EXAA notice of 13 September 2022); ACER
    /// approved the amended HMMCP methodology on 11 January 2023 (Nord Pool operational message),
    /// which raises the limits more gradually. The minimum is −500 EUR/MWh (SEMOpx market message
    /// of 24 November 2023 on the HMMCP observation period). Both move under that methodology with
    /// notice: a site sets <c>market.priceLimits</c> when they do, or for a market outside SDAC.
    /// </summary>
    public static PriceLimits Sdac { get; } = new(-500, 4_000);

    public bool Holds(double perMegawattHour) => perMegawattHour >= MinPerMwh && perMegawattHour <= MaxPerMwh;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{MinPerMwh:0.##} … {MaxPerMwh:0.##} per MWh");
}
