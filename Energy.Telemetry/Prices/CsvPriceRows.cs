using System.Globalization;
using Energy.Contracts.Units;

namespace Energy.Telemetry.Prices;

/// <summary>
/// Turns the rows of a price CSV into a history: infers the slot length (the most common step
/// between rows), checks every step against it, and reports duplicates, conflicts and gaps by line.
/// </summary>
internal static class CsvPriceRows
{
    private static readonly TimeSpan[] SlotLengths = [TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(60)];

    public static PriceImportResult Build(List<CsvPriceRow> rows, Currency currency, TimeSpan? slotLength, PriceIssueCollector issues)
    {
        if (!IsSorted(rows))
        {
            // Rows may come in any order; among equal stamps the earlier line stays first, so it is the one kept.
            rows.Sort((a, b) => a.Ticks != b.Ticks ? a.Ticks.CompareTo(b.Ticks) : a.Line.CompareTo(b.Line));
        }

        var slot = slotLength ?? InferSlotLength(rows, issues);
        if (slot is not { } length)
        {
            return issues.Result(PriceHistory.Empty(currency, TimeSpan.FromHours(1)));
        }

        CheckSteps(rows, length, issues);
        var builder = new PriceHistoryBuilder(currency, length);
        var lineOfSlot = new Dictionary<long, int>(rows.Count);
        foreach (var row in rows)
        {
            if (double.IsNaN(row.Price))
            {
                continue;   // an empty or unreadable cell: already reported, and a gap in the history
            }

            var published = row.PublishedTicks == 0 ? (DateTimeOffset?)null : new DateTimeOffset(row.PublishedTicks, TimeSpan.Zero);
            if (builder.Add(new DateTimeOffset(row.Ticks, TimeSpan.Zero), row.Price, published) is { } problem)
            {
                issues.Error(row.Line, problem);
            }
            else
            {
                lineOfSlot[row.Ticks] = row.Line;
            }
        }

        var history = builder.Build();
        issues.ReportGaps(history, lineOfSlot);
        return issues.Result(history);
    }

    private static bool IsSorted(List<CsvPriceRow> rows)
    {
        for (var i = 1; i < rows.Count; i++)
        {
            if (rows[i].Ticks < rows[i - 1].Ticks)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The most common positive step between consecutive rows; gaps make longer steps, which are rarer.</summary>
    private static TimeSpan? InferSlotLength(List<CsvPriceRow> rows, PriceIssueCollector issues)
    {
        var steps = new Dictionary<long, int>();
        for (var i = 1; i < rows.Count; i++)
        {
            var step = rows[i].Ticks - rows[i - 1].Ticks;
            if (step > 0)
            {
                steps[step] = steps.GetValueOrDefault(step) + 1;
            }
        }

        if (steps.Count == 0)
        {
            issues.Warning(0, "fewer than two timestamps: the slot length cannot be inferred; taking 60 minutes");
            return TimeSpan.FromHours(1);
        }

        var modal = TimeSpan.FromTicks(steps.OrderByDescending(s => s.Value).ThenBy(s => s.Key).First().Key);
        if (!SlotLengths.Contains(modal))
        {
            issues.Error(0, $"the most common step between rows is {modal.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minutes; expected 60- or 15-minute slots");
            return null;
        }

        return modal;
    }

    /// <summary>
    /// Rows are slot starts (the builder checks that), so every step is a whole number of slots. But
    /// two steps in a row of a coarser market resolution are hourly rows inside quarter-hourly data,
    /// not gaps: mixed resolutions, an error once per run.
    /// </summary>
    private static void CheckSteps(List<CsvPriceRow> rows, TimeSpan slot, PriceIssueCollector issues)
    {
        CsvPriceRow? previous = null;
        var runStep = 0L;
        var runStart = 0;
        var reported = false;
        foreach (var row in rows)
        {
            if (row.Ticks % slot.Ticks != 0)
            {
                continue;
            }

            if (previous is { } prev && row.Ticks != prev.Ticks)
            {
                var step = TimeSpan.FromTicks(row.Ticks - prev.Ticks);
                if (step > slot && SlotLengths.Contains(step))
                {
                    if (runStep != step.Ticks)
                    {
                        (runStep, runStart, reported) = (step.Ticks, prev.Line, false);
                    }
                    else if (!reported)
                    {
                        issues.Error(row.Line, $"rows every {step.TotalMinutes.ToString(CultureInfo.InvariantCulture)} minutes from line {runStart} in {PriceText.Minutes(slot)}-minute data: mixed resolutions");
                        reported = true;
                    }
                }
                else
                {
                    runStep = 0;
                }
            }

            previous = row;
        }
    }
}
