using Energy.Contracts.Devices;

namespace Energy.Telemetry.Modbus.Polling;

/// <summary>
/// Groups a device's points into as few reads as the protocol allows: neighbouring addresses of one
/// table share a request when the gap between them is small, up to the function's limit
/// (125 registers for FC3/4, 2000 bits for FC1/2).
/// </summary>
public static class ReadPlanner
{
    /// <summary>Unused addresses one request may span rather than start a new request.</summary>
    public const int MaxGap = 8;

    public static IReadOnlyList<ReadBlock> Plan(IReadOnlyList<ModbusPoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var blocks = new List<ReadBlock>();
        foreach (var table in points.Select(p => p.Table).Distinct().Order())
        {
            var limit = table is ModbusTable.Coil or ModbusTable.DiscreteInput ? 2000 : 125;
            var spans = points.Where(p => p.Table == table)
                .SelectMany(p => Spans(p).Select(s => (Point: p, s.Start, s.End)))
                .OrderBy(s => s.Start).ThenBy(s => s.End)
                .ToList();

            var i = 0;
            while (i < spans.Count)
            {
                var start = spans[i].Start;
                var end = spans[i].End;
                var members = new List<ModbusPoint> { spans[i].Point };
                var j = i + 1;
                while (j < spans.Count && spans[j].Start - end <= MaxGap && Math.Max(end, spans[j].End) - start <= limit)
                {
                    end = Math.Max(end, spans[j].End);
                    if (!members.Contains(spans[j].Point))
                    {
                        members.Add(spans[j].Point);
                    }

                    j++;
                }

                blocks.Add(new ReadBlock(table, (ushort)start, end - start, members));
                i = j;
            }
        }

        // A point whose value and scale factor landed in two blocks is listed in both; it is decoded in the last.
        return blocks;
    }

    /// <summary>Address ranges [start, end) a point needs: its value, and its scale-factor register if any.</summary>
    private static IEnumerable<(int Start, int End)> Spans(ModbusPoint p)
    {
        var width = p.IsBitTable ? 1 : RegisterDecoder.RegisterCount(p.Type);
        yield return (p.Address, p.Address + width);
        if (p.ScaleFactorAddress is { } sf)
        {
            yield return (sf, sf + 1);
        }
    }

}
