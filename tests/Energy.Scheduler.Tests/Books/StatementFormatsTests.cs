using System.Globalization;
using System.Text;
using System.Text.Json;
using Energy.Scheduler.Books;
using static Energy.Scheduler.Tests.Books.StatementTestLedger;

namespace Energy.Scheduler.Tests.Books;

/// <summary>The shapes of a statement: CSV that parses back, JSON with its documented field names, and a Markdown statement to read.</summary>
public sealed class StatementFormatsTests
{
    private static readonly string[] LineFields =
        ["level", "start", "end", "seconds", "coveredSeconds", "partial", "open", "slots", "estimatedSlots", "estimated", "estimatedReasons", "flags"];

    private static readonly string[] TenantFields =
        ["gpuHours", "gpuKwh", "coolingKwh", "gridKwh", "slaGpuMinutesOwed", "slaGpuMinutesDelivered", "slaCompliancePercent", "amount", "energyCost",
        "pouwTickets", "pouwWorkUnits", "pouwRevenue"];

    /// <summary>The autumn DST day with one estimated slot whose reason holds a comma and a quote, and the slot in progress.</summary>
    private static Statement AutumnTenant()
    {
        var slots = Hourly(Utc(2026, 10, 24, 22), 25, h => Slot(h, workloads: [Workload("llm", "acme", gpuKwh: 1, gridKwh: 1.2, gpuHours: 1, owed: 60, delivered: 45, revenue: 1.125)]))
            .Select((s, i) => i switch
            {
                3 => s with { EstimatedReasons = ["site meter Bad: \"timeout\", 3 polls"] },
                24 => s with { Closed = false, CoveredSeconds = 900 },
                _ => s,
            });
        return StatementBuilder.Build(new StatementTestLedger([.. slots]),
            new StatementRequest(StatementParty.Tenant("acme"), new DateOnly(2026, 10, 25), new DateOnly(2026, 10, 25), StatementFormat.Csv));
    }

    [Fact]
    public void Csv_ParsesBack_OneRowPerLineWithLevelAndOffsets()
    {
        var rows = ParseCsv(StatementCsv.Write(AutumnTenant()));

        Assert.Equal([.. LineFields, .. TenantFields], rows[0]);
        var body = rows.Skip(1).ToList();
        Assert.Equal(25 + 1 + 1 + 1, body.Count);
        Assert.All(body, r => Assert.Equal(rows[0].Count, r.Count));
        Assert.Equal(25, body.Count(r => r[0] == "hour"));
        Assert.Equal(["day", "month", "total"], body.Skip(25).Select(r => r[0]));
        Assert.Equal("2026-10-25T02:00:00+02:00", body[2][1]);
        Assert.Equal("2026-10-25T02:00:00+01:00", body[3][1]);
        Assert.Equal("site meter Bad: \"timeout\", 3 polls", body[3][10]);
        Assert.Equal("true", body[3][9]);
        Assert.Equal("true", body[24][6]);
        var total = body[^1];
        var at = (string name) => rows[0].IndexOf(name);
        Assert.Equal("28.13", total[at("amount")]);   // 25 × 1.125 unrounded, then to cents (not 25 × 1.13)
        Assert.Equal("1.13", body[0][at("amount")]);
        Assert.Equal(75, double.Parse(total[at("slaCompliancePercent")], CultureInfo.InvariantCulture), 9);
        Assert.Equal(24 * 3600 + 900, double.Parse(total[at("coveredSeconds")], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Json_HeaderAndLineFieldNames_AsDocumented()
    {
        var text = StatementJson.Write(AutumnTenant());
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;

        Assert.Contains("\"windowStart\": \"2026-10-25T00:00:00+02:00\"", text, StringComparison.Ordinal);

        Assert.Equal(["kind", "party", "site", "timeZone", "currency", "from", "to", "windowStart", "windowEnd", "latestSlotEnd", "members", "notes",
            "total", "monthly", "daily", "hourly"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("tenant", root.GetProperty("kind").GetString());
        Assert.Equal("EUR", root.GetProperty("currency").GetString());
        Assert.Equal("2026-10-25T00:00:00+02:00", root.GetProperty("windowStart").GetString());
        Assert.Equal("2026-10-26T00:00:00+01:00", root.GetProperty("windowEnd").GetString());
        Assert.Equal(25, root.GetProperty("hourly").GetArrayLength());
        var total = root.GetProperty("total");
        Assert.Equal([.. LineFields, .. TenantFields], total.EnumerateObject().Select(p => p.Name));
        Assert.Equal(28.13, total.GetProperty("amount").GetDouble());
        Assert.True(total.GetProperty("open").GetBoolean());
        Assert.Equal(["site meter Bad: \"timeout\", 3 polls"], total.GetProperty("estimatedReasons").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Json_FacilityFields_NullWhereNoMeter()
    {
        var statement = StatementBuilder.Build(new StatementTestLedger(Slot(Utc(2026, 6, 1, 8), site: Site(importKwh: 10, modelKwh: 10))),
            new StatementRequest(StatementParty.Facility, new DateOnly(2026, 6, 1), new DateOnly(2026, 6, 1), StatementFormat.Json));

        using var json = JsonDocument.Parse(StatementJson.Write(statement));
        var total = json.RootElement.GetProperty("total");

        Assert.Equal(["importKwh", "importBasis", "importMeteredKwh", "importMeterStartKwh", "importMeterEndKwh", "unmeteredSlots", "importModelKwh", "gpuKwh", "coolingKwh", "baseLoadKwh",
            "reconciliationGapKwh", "energyCost", "computeRevenue", "heatRevenue", "boilerFuelCost", "drCurtailments", "drCurtailedSeconds", "drCredit", "net"],
            total.EnumerateObject().Select(p => p.Name).Skip(LineFields.Length));
        Assert.Equal(JsonValueKind.Null, total.GetProperty("importMeteredKwh").ValueKind);
        Assert.Equal(JsonValueKind.Null, total.GetProperty("importMeterStartKwh").ValueKind);
        Assert.Equal(JsonValueKind.Null, total.GetProperty("reconciliationGapKwh").ValueKind);
        Assert.Equal("model", total.GetProperty("importBasis").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("party").ValueKind);
    }

    [Fact]
    public void Markdown_HeaderTablesTotalsAndNotes()
    {
        var md = StatementMarkdown.Write(AutumnTenant());

        Assert.StartsWith("# Statement: tenant acme\n", md, StringComparison.Ordinal);
        Assert.Contains("| Site | Bathhouse |", md, StringComparison.Ordinal);
        Assert.Contains("| Party | tenant acme (workloads: llm) |", md, StringComparison.Ordinal);
        Assert.Contains("| Window | 2026-10-25 to 2026-10-25, local days in Europe/Berlin (2026-10-25T00:00:00+02:00 to 2026-10-26T00:00:00+01:00) |", md, StringComparison.Ordinal);
        Assert.Contains("| Currency | EUR |", md, StringComparison.Ordinal);
        Assert.Contains("| Amount (EUR) | 28.13 |", md, StringComparison.Ordinal);
        Assert.Contains("## Monthly\n", md, StringComparison.Ordinal);
        Assert.Contains("\n| 2026-10 | 25 |", md, StringComparison.Ordinal);
        Assert.Contains("## Daily\n", md, StringComparison.Ordinal);
        Assert.Contains("| 2026-10-25 | 25 |", md, StringComparison.Ordinal);
        Assert.Contains("estimated, partial, open |", md, StringComparison.Ordinal);
        Assert.Contains("- 2026-10-25: 1 of 25 slots estimated (site meter Bad: \"timeout\", 3 polls)", md, StringComparison.Ordinal);
        Assert.Contains("(open)", md, StringComparison.Ordinal);
        Assert.All(md.Split('\n').Where(l => l.StartsWith("| 2026-", StringComparison.Ordinal)),
            l => Assert.Equal(TenantFields.Length + 4, l.Count(c => c == '|')));
    }

    [Fact]
    public void FileName_KindNameAndWindow_NameMadeSafe()
    {
        var statement = AutumnTenant() with { Party = StatementParty.Tenant("acme/lab 1") };

        Assert.Equal("statement-tenant-acme_lab_1-2026-10-25-2026-10-25.md", StatementFormats.FileName(statement, StatementFormat.Md));
        Assert.Equal("statement-facility-2026-10-25-2026-10-25.csv", StatementFormats.FileName(statement with { Party = StatementParty.Facility }, StatementFormat.Csv));
    }

    /// <summary>RFC 4180: quoted fields may hold commas, doubled quotes and line breaks.</summary>
    internal static List<List<string>> ParseCsv(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
            }
            else
            {
                cell.Append(c);
            }
        }

        Assert.False(quoted);
        Assert.Empty(row);
        return rows;
    }
}
