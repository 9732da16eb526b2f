using System.Globalization;
using System.Text.Json;
using Energy.Scheduler.Planning.Lp;
using Energy.TestSupport;

namespace Energy.Scheduler.Tests.Planning.Lp;

/// <summary>
/// Prices and demand in, allocations out: a change of the optimizer's decisions shows in review as a
/// change of the golden file. Set HEATGRID_UPDATE_GOLDEN=1 to rewrite it after a deliberate change.
/// </summary>
public sealed class LpPlannerGoldenTests
{
    private static readonly string GoldenFile =
        Path.Combine(RepoPaths.Root, "tests", "Energy.Scheduler.Tests", "Planning", "Lp", "Golden", "lp-bathhouse-6-slots.json");

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    [Fact]
    public void CreatePlan_BathhouseSixHours_MatchesTheGoldenFile()
    {
        var site = TestSites.Bathhouse();
        var input = PlanningInputs.Hourly(site, [30, -10, 90, 250, 450, 120], heatDemandKw: 450);

        var plan = new LpPlanner().CreatePlan(input);

        var actual = JsonSerializer.Serialize(
            plan.Slots.Select(s => new
            {
                start = s.Start.ToString("yyyy-MM-ddTHH:mmzzz", CultureInfo.InvariantCulture),
                gpus = s.Allocations.ToDictionary(a => $"{a.Pool}/{a.Workload}", a => a.Gpus),
                gridImportKw = Math.Round(s.GridImport.Kilowatts, 1),
                tankKwh = s.Heat.ToDictionary(h => h.Loop, h => Math.Round(h.StoredAtEnd.KilowattHours, 1)),
                boilerKw = s.Heat.ToDictionary(h => h.Loop, h => Math.Round(h.Boiler.Kilowatts, 1)),
                violations = s.Violations,
            }),
            Indented) + "\n";
        if (Environment.GetEnvironmentVariable("HEATGRID_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(GoldenFile, actual);
        }

        Assert.Equal(File.ReadAllText(GoldenFile).ReplaceLineEndings("\n"), actual.ReplaceLineEndings("\n"));
    }
}
