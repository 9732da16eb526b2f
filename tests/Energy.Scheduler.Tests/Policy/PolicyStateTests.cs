using System.Text.Json;
using Energy.Contracts.Configuration;
using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Scheduler.Audit;
using Energy.Scheduler.Cli;
using Energy.Scheduler.Policy;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Policy;

public sealed class PolicyStateTests : IDisposable
{
    private static readonly AuditActor Ana = new("ana", "operator", "10.0.0.7");

    /// <summary>The bathhouse's policy section as JSON, as the site file spells it.</summary>
    private const string Bathhouse = """
        {"shedOrder": ["mining", "heater", "inferenceAboveSla"], "maxImportPricePerMwh": 400, "rampLimitKwPerMinute": 300, "minDwell": "15m", "safeState": "idle"}
        """;

    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-policy-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 10, 0, 0, TimeSpan.Zero));
    private readonly RecordingAudit _audit = new();

    public void Dispose() => Directory.Delete(_data, recursive: true);

    private PolicyState Open(Site? site = null) =>
        new(site ?? TestSites.Bathhouse(), new PolicyStore(_data), _time, NullLogger<PolicyState>.Instance, _audit);

    private static JsonElement Json(string text) => JsonDocument.Parse(text).RootElement.Clone();

    /// <summary>The bathhouse's policy JSON with one field's raw JSON value replaced (or a field added).</summary>
    private static JsonElement With(string field, string value)
    {
        var policy = System.Text.Json.Nodes.JsonNode.Parse(Bathhouse)!.AsObject();
        policy[field] = System.Text.Json.Nodes.JsonNode.Parse(value);
        return Json(policy.ToJsonString());
    }

    public static TheoryData<string, string, string, string> Mistakes => new()
    {
        // field, JSON value, the site file's line, the same line with the mistake
        { "maxImportPricePerMwh", "\"cheap\"", "maxImportPricePerMwh: 400 ", "maxImportPricePerMwh: cheap " },
        { "maxImportPricePerMwh", "\"400\"", "maxImportPricePerMwh: 400 ", "maxImportPricePerMwh: \"400\" " },
        { "shedOrder", """["mining", "heater", "mining"]""", "shedOrder: [mining, heater, inferenceAboveSla]", "shedOrder: [mining, heater, mining]" },
        { "maxImportPrice", "300", "maxImportPricePerMwh: 400 ", "maxImportPricePerMwh: 400\n  maxImportPrice: 300 " },
        { "rampLimitKwPerMinute", "0", "rampLimitKwPerMinute: 300", "rampLimitKwPerMinute: 0" },
        { "minDwell", "\"soon\"", "minDwell: 15m ", "minDwell: soon " },
        { "safeState", "\"off\"", "safeState: idle ", "safeState: off " },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Change_SameMistakeAsInASiteFile_SameErrorText_NothingChanges(string field, string json, string line, string mistaken)
    {
        var yaml = RunCommand.DemoSite();
        Assert.Contains(line, yaml, StringComparison.Ordinal);
        var siteFile = SiteFile.Parse(yaml.Replace(line, mistaken, StringComparison.Ordinal), "site.yaml");
        Assert.False(siteFile.IsValid);
        var state = Open();

        var result = state.Change(With(field, json), "test", null, Ana);

        Assert.Equal(PolicyChangeOutcome.Invalid, result.Outcome);
        Assert.Equal(siteFile.Errors.Select(e => (e.Field, e.Message)), result.Errors.Select(e => (e.Field, e.Message)));
        Assert.Equal(1, state.InForce.Version.Version);
        Assert.Single(state.Versions());
        Assert.Empty(_audit.Entries);
    }

    [Fact]
    public void Open_EmptyFolder_TheSiteFilesPolicyIsVersionOne_Saved()
    {
        var state = Open();

        var v1 = state.InForce.Version;
        Assert.Equal((1, PolicyVersion.FromSite, "site file"), (v1.Version, v1.Source, v1.ChangedBy));
        Assert.True(v1.Policy.SameAs(PolicyDocument.From(TestSites.Bathhouse().Policy)));
        Assert.Equal(["mining", "heater", "inferenceAboveSla"], v1.Policy.ShedOrder);
        Assert.Equal((400.0, 300.0, "15m", "idle"), (v1.Policy.MaxImportPricePerMwh, v1.Policy.RampLimitKwPerMinute, v1.Policy.MinDwell, v1.Policy.SafeState));
        Assert.True(File.Exists(Path.Combine(_data, "policy", "v000001.json")));
    }

    [Fact]
    public void Change_Valid_AppliesToTheSite_Saved_Audited_AndSurvivesARestartOfTheStore()
    {
        var state = Open();
        _time.Advance(TimeSpan.FromMinutes(5));

        var result = state.Change(Json("""{"shedOrder": ["heater", "mining"], "maxImportPricePerMwh": 250, "rampLimitKwPerMinute": null, "minDwell": "5m"}"""),
            "evening peak", baseVersion: 1, Ana);

        Assert.Equal(PolicyChangeOutcome.Changed, result.Outcome);
        var policy = state.Site.Policy;
        Assert.Equal([ShedStep.Heater, ShedStep.Mining], policy.ShedOrder);
        Assert.Equal(250, policy.MaxImportPrice!.Value.PerMegawattHour);
        Assert.Null(policy.RampLimitPerMinute);                                      // null: no limit, as in a site file
        Assert.Equal(SafeState.Idle, policy.SafeState);                              // left out: as in force
        Assert.Equal(TimeSpan.FromMinutes(5), policy.MinDwell);
        Assert.Equal(TestSites.Bathhouse().Policy.DemandResponse, policy.DemandResponse);
        Assert.Equal((2, "ana", "operator", "evening peak", PolicyVersion.FromApi, _time.GetUtcNow()),
            (result.Version.Version, result.Version.ChangedBy, result.Version.Role, result.Version.Reason, result.Version.Source, result.Version.ChangedAt));

        var entry = Assert.Single(_audit.Entries);
        Assert.Equal(("policy.change", "evening peak"), (entry.What, entry.Why));
        Assert.Equal("""{"shedOrder":["mining","heater","inferenceAboveSla"],"maxImportPricePerMwh":400,"rampLimitKwPerMinute":300,"minDwell":"15m","version":1}""", entry.Before);
        Assert.Equal("""{"shedOrder":["heater","mining"],"maxImportPricePerMwh":250,"rampLimitKwPerMinute":null,"minDwell":"5m","version":2}""", entry.After);

        var restarted = Open();
        Assert.Equal(result.Version, restarted.InForce.Version);
        Assert.Equal(policy.ShedOrder, restarted.Site.Policy.ShedOrder);
        Assert.Equal((policy.MaxImportPrice, policy.RampLimitPerMinute, policy.MinDwell), (restarted.Site.Policy.MaxImportPrice,
            restarted.Site.Policy.RampLimitPerMinute, restarted.Site.Policy.MinDwell));
        Assert.Equal([2, 1], restarted.Versions().Select(v => v.Version));
    }

    [Fact]
    public void Open_SiteFilesPolicyChangedSince_ItBecomesANewVersionWithSourceSite_AndApplies()
    {
        Open().Change(With("maxImportPricePerMwh", "250"), null, null, Ana);
        var edited = TestSites.BathhouseWith("maxImportPricePerMwh: 400 ", "maxImportPricePerMwh: 350 ");

        var state = Open(edited);

        Assert.Equal((3, PolicyVersion.FromSite), (state.InForce.Version.Version, state.InForce.Version.Source));
        Assert.Equal(350, state.Site.Policy.MaxImportPrice!.Value.PerMegawattHour);
        Assert.Contains("changed since version 1", state.InForce.Version.Reason, StringComparison.Ordinal);

        // Started again on the same site file, the site's version (newest) stays.
        Assert.Equal(3, Open(edited).InForce.Version.Version);
    }

    [Fact]
    public void Change_OnAnOlderBaseVersion_Conflict_NothingChanges()
    {
        var state = Open();
        state.Change(With("maxImportPricePerMwh", "250"), null, baseVersion: 1, Ana);

        var late = state.Change(With("maxImportPricePerMwh", "200"), null, baseVersion: 1, Ana);

        Assert.Equal(PolicyChangeOutcome.Conflict, late.Outcome);
        Assert.Equal(2, late.Version.Version);
        Assert.Equal(250, state.Site.Policy.MaxImportPrice!.Value.PerMegawattHour);
        Assert.Single(_audit.Entries);
    }

    [Fact]
    public async Task Change_ManyAtOnceOnOneBase_ExactlyOneApplies_TheOthersConflict()
    {
        var state = Open();

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            state.Change(With("maxImportPricePerMwh", (100 + i).ToString(System.Globalization.CultureInfo.InvariantCulture)), null, baseVersion: 1, Ana))));

        Assert.Single(results, r => r.Outcome == PolicyChangeOutcome.Changed);
        Assert.Equal(7, results.Count(r => r.Outcome == PolicyChangeOutcome.Conflict));
        Assert.Equal([2, 1], state.Versions().Select(v => v.Version));
    }

    [Fact]
    public void Rollback_ToAnEarlierVersion_ANewVersionWithItsPolicy_Audited()
    {
        var state = Open();
        state.Change(With("maxImportPricePerMwh", "250"), null, null, Ana);
        state.Change(Json(Bathhouse.Replace("400", "250", StringComparison.Ordinal).Replace("300", "100", StringComparison.Ordinal)), null, null, Ana);

        var back = state.Rollback(1, "back to the site file's", baseVersion: 3, Ana);

        Assert.Equal(PolicyChangeOutcome.Changed, back.Outcome);
        Assert.Equal(4, back.Version.Version);
        Assert.True(back.Version.Policy.SameAs(state.Versions().Single(v => v.Version == 1).Policy));
        Assert.Equal(400, state.Site.Policy.MaxImportPrice!.Value.PerMegawattHour);
        var entry = _audit.Entries[^1];
        Assert.Equal(("policy.rollback", """{"maxImportPricePerMwh":400,"rampLimitKwPerMinute":300,"version":4,"rolledBackTo":1}"""), (entry.What, entry.After));
        Assert.Equal(PolicyChangeOutcome.Invalid, state.Rollback(9, null, null, Ana).Outcome);
    }

    [Fact]
    public void Change_DemandResponseOrAnotherSafeState_RefusedAsSiteFileOnly()
    {
        var state = Open();

        var dr = state.Change(With("demandResponse", """{"restoreAboveHz": 49.95}"""), null, null, Ana);
        var safe = state.Change(With("safeState", "\"minimumPower\""), null, null, Ana);

        Assert.Equal("policy.demandResponse", Assert.Single(dr.Errors).Field);
        Assert.Equal("policy.safeState", Assert.Single(safe.Errors).Field);
        Assert.Contains("site file only", Assert.Single(safe.Errors).Message, StringComparison.Ordinal);
        Assert.Equal(1, state.InForce.Version.Version);
    }

    [Fact]
    public void Change_OneKey_TheOthersKeepTheirValuesInForce()
    {
        var state = Open();

        state.Change(Json("""{"maxImportPricePerMwh": 250}"""), null, null, Ana);

        Assert.Equal(250, state.Site.Policy.MaxImportPrice!.Value.PerMegawattHour);
        Assert.Equal(300, state.Site.Policy.RampLimitPerMinute!.Value.Kilowatts);
        Assert.Equal(TestSites.Bathhouse().Policy.ShedOrder, state.Site.Policy.ShedOrder);
        Assert.Equal("policy.minDwell", Assert.Single(state.Change(Json("""{"minDwell": "5m", "minDwell": "6m"}"""), null, null, Ana).Errors).Field);
    }

    [Fact]
    public void Change_SameAsInForce_NoNewVersion()
    {
        var state = Open();

        Assert.Equal(PolicyChangeOutcome.Unchanged, state.Change(Json(Bathhouse), null, null, Ana).Outcome);
        Assert.Single(state.Versions());
        Assert.Empty(_audit.Entries);
    }

    [Fact]
    public void Change_DataFolderRefuses_NotSaved_TheOldPolicyStays()
    {
        File.WriteAllText(Path.Combine(_data, "policy"), "a file where the folder belongs");
        var state = Open();                                                         // the site file's policy, in memory only

        var result = state.Change(With("maxImportPricePerMwh", "250"), null, null, Ana);

        Assert.Equal(PolicyChangeOutcome.NotSaved, result.Outcome);
        Assert.Equal(400, state.Site.Policy.MaxImportPrice!.Value.PerMegawattHour);
        Assert.Single(state.Versions());
        Assert.Empty(_audit.Entries);
    }

    [Fact]
    public void Open_AfterACrashMidWrite_TheHalfVersionIsNotRead()
    {
        var state = Open();
        state.Change(With("maxImportPricePerMwh", "250"), null, null, Ana);
        var folder = Path.Combine(_data, "policy");

        // A crash before the rename leaves the temporary file; one after a torn copy (by hand) leaves a file that fails its checksum.
        var whole = File.ReadAllText(Path.Combine(folder, "v000002.json"));
        File.WriteAllText(Path.Combine(folder, "v000003.json.tmp"), whole[..(whole.Length / 2)]);
        File.WriteAllText(Path.Combine(folder, "v000004.json"), whole.Replace("v000002", "v000004", StringComparison.Ordinal)[..(whole.Length / 2)]);

        var restarted = Open();

        Assert.Equal(2, restarted.InForce.Version.Version);
        Assert.Equal(250, restarted.Site.Policy.MaxImportPrice!.Value.PerMegawattHour);
    }

    private sealed class RecordingAudit : IAuditTrail
    {
        public List<(string What, string Before, string After, string? Why)> Entries { get; } = [];

        public long? Record(AuditActor actor, string what, object? before, object? after, string? why)
        {
            var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
            Entries.Add((what, JsonSerializer.Serialize(before, web), JsonSerializer.Serialize(after, web), why));
            return Entries.Count;
        }

        public IReadOnlyList<JsonElement> Latest(int limit, long since) => [];
    }
}
