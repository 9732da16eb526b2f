using System.Globalization;
using System.Xml.Linq;

namespace Energy.Telemetry.Prices;

/// <summary>
/// One <c>Period</c> of a TimeSeries (IEC 62325-451-3): a UTC <c>timeInterval</c> cut into slots of
/// <c>resolution</c>, and <c>Point</c>s numbered by 1-based <c>position</c> within it.
/// </summary>
internal sealed record EntsoePeriod(DateTimeOffset Start, DateTimeOffset End, TimeSpan Resolution, IReadOnlyList<EntsoePoint> Points, int Line)
{
    /// <summary>How many positions the interval has: 24 on an ordinary day at PT60M, 92 on a spring DST day at PT15M.</summary>
    public int Positions => (int)((End - Start).Ticks / Resolution.Ticks);

    /// <summary>Reads a Period, reporting what is wrong with it; null when it cannot be used at all.</summary>
    public static EntsoePeriod? Parse(XElement period, PriceImportRules rules, PriceIssueCollector issues)
    {
        var line = EntsoeXml.Line(period);
        var interval = EntsoeXml.Child(period, "timeInterval");
        var startText = interval is null ? null : EntsoeXml.Text(interval, "start");
        var endText = interval is null ? null : EntsoeXml.Text(interval, "end");
        if (!PriceText.TryParseInstant(startText, out var start) || !PriceText.TryParseInstant(endText, out var end) || end <= start)
        {
            issues.Error(line, $"Period without a valid timeInterval (start '{startText}', end '{endText}'); expected UTC bounds such as 2024-03-30T23:00Z");
            return null;
        }

        var resolutionText = EntsoeXml.Text(period, "resolution");
        if (!EntsoeXml.TryParseResolution(resolutionText, out var resolution) || TimeSpan.FromHours(1).Ticks % resolution.Ticks != 0)
        {
            issues.Error(line, $"Period resolution '{resolutionText}' is not a day-ahead market time unit; expected PT15M, PT30M or PT60M");
            return null;
        }

        if ((end - start).Ticks % resolution.Ticks != 0)
        {
            issues.Error(line, $"the interval {EntsoeXml.Instant(start)}..{EntsoeXml.Instant(end)} is not a whole number of {resolutionText} slots");
            return null;
        }

        if ((end - start).Ticks / resolution.Ticks > rules.MaxRows)
        {
            issues.Error(line, $"the interval {EntsoeXml.Instant(start)}..{EntsoeXml.Instant(end)} holds more than {rules.MaxRows} {resolutionText} slots: {rules.RowsMessage()}");
            return null;
        }

        var parsed = new EntsoePeriod(start, end, resolution, [], line);
        return parsed with { Points = parsed.ReadPoints(period, rules, issues) };
    }

    /// <summary>
    /// Adds this period's slots to <paramref name="builder"/>. Under curve type A03 an absent
    /// position repeats the previous point up to the next one or the interval's end; under A01 it is
    /// a gap. A period coarser than the builder's slots fills each of its shorter slots. A slot beyond the
    /// market's horizon is an error at its point; false, after an error, when the document holds more slots
    /// than <paramref name="rules"/> allow: it is not read further.
    /// </summary>
    public bool AddTo(PriceHistoryBuilder builder, bool variableBlocks, PriceImportRules rules, PriceIssueCollector issues, Dictionary<long, int> lineOfSlot)
    {
        if (Points.Count == 0)
        {
            return true;
        }

        if (variableBlocks && Points[0].Position != 1)
        {
            issues.Error(Points[0].Line, $"curve type A03 without a point at position 1: positions 1..{Points[0].Position - 1} have no price");
        }

        for (var i = 0; i < Points.Count; i++)
        {
            var point = Points[i];
            var last = variableBlocks ? (i + 1 < Points.Count ? Points[i + 1].Position - 1 : Positions) : point.Position;
            var from = Start + (Resolution * (point.Position - 1));
            var until = Start + (Resolution * last);
            for (var slot = from; slot < until; slot += builder.SlotLength)
            {
                if (rules.CheckSlot(slot) is { } beyond)
                {
                    issues.Error(point.Line, $"Point {point.Position}: {beyond}");
                    break;
                }

                if (builder.Count >= rules.MaxRows)
                {
                    issues.Error(point.Line, rules.RowsMessage());
                    return false;
                }

                if (builder.Add(slot, point.Price) is { } problem)
                {
                    issues.Error(point.Line, problem);
                }
                else
                {
                    lineOfSlot[slot.UtcTicks] = point.Line;
                }
            }
        }

        return true;
    }

    private List<EntsoePoint> ReadPoints(XElement period, PriceImportRules rules, PriceIssueCollector issues)
    {
        var points = new List<EntsoePoint>(Positions);
        var seen = new HashSet<int>();
        foreach (var element in EntsoeXml.Children(period, "Point"))
        {
            var line = EntsoeXml.Line(element);
            var positionText = EntsoeXml.Text(element, "position");
            var priceText = EntsoeXml.Text(element, "price.amount");
            if (!int.TryParse(positionText, NumberStyles.None, CultureInfo.InvariantCulture, out var position) || position < 1)
            {
                issues.Error(line, $"Point position '{positionText}' is not a position from 1");
            }
            else if (position > Positions)
            {
                issues.Error(line, $"Point position {position} is beyond the {Positions} {EntsoeXml.Resolution(Resolution)} slots of {EntsoeXml.Instant(Start)}..{EntsoeXml.Instant(End)}");
            }
            else if (!PriceText.TryParsePrice(priceText, out var price))
            {
                issues.Error(line, $"Point {position}: price.amount '{priceText}' is not a finite price");
            }
            else if (rules.CheckPrice(price) is { } implausible)
            {
                issues.Error(line, $"Point {position}: {implausible}");
            }
            else if (!seen.Add(position))
            {
                issues.Error(line, $"Point position {position} appears twice in the Period; the first stays");
            }
            else
            {
                points.Add(new EntsoePoint(position, price, line));
            }
        }

        points.Sort((a, b) => a.Position.CompareTo(b.Position));
        return points;
    }
}
