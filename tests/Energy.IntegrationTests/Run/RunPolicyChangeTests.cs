using System.Net;
using System.Text;
using System.Text.Json;
using Energy.IntegrationTests.Support;

namespace Energy.IntegrationTests.Run;

/// <summary>
/// The operator policy changed at run time on a real <c>heatgrid run --demo</c> with users: an operator's lower price limit
/// is re-planned on at once and audited, and after SIGTERM and a restart on the same data folder it is still in force.
/// </summary>
public sealed class RunPolicyChangeTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-policy-run-").FullName;
    private readonly HeatGridRunRig _rig;

    public RunPolicyChangeTests() => _rig = new HeatGridRunRig(_folder);

    public void Dispose()
    {
        _rig.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task PutPolicy_ByAnOperator_ReplannedAndAudited_StillInForceAfterSigtermAndRestart()
    {
        _rig.Http.DefaultRequestHeaders.Add("X-Api-Key", await HeatGridUsers.AddAsync(_rig.Data, "ops", "operator"));

        using (var first = _rig.Start("--demo"))
        {
            await _rig.WaitForStatusAsync(first);
            Assert.Equal(1, (await _rig.GetAsync("/api/policy")).GetProperty("version").GetInt32());
            Assert.False(OnlySlaEverywhere(await _rig.GetAsync("/api/plan")), "under the site file's 400 EUR/MWh some slots run more than SLA work");

            using var put = await _rig.Http.PutAsync(_rig.Url("/api/policy"), new StringContent("""
                {"policy": {"shedOrder": ["mining", "heater", "inferenceAboveSla"], "maxImportPricePerMwh": 1, "rampLimitKwPerMinute": 300, "minDwell": "15m"},
                 "reason": "integration test", "baseVersion": 1}
                """, Encoding.UTF8, "application/json"));
            var answer = await put.Content.ReadAsStringAsync();
            Assert.True(put.StatusCode == HttpStatusCode.OK, answer);
            Assert.Equal(2, JsonDocument.Parse(answer).RootElement.GetProperty("version").GetInt32());

            var plan = await _rig.GetAsync("/api/plan");
            Assert.Equal(2, plan.GetProperty("policyVersion").GetInt32());
            Assert.True(OnlySlaEverywhere(plan), "under 1 EUR/MWh every slot runs only SLA work");

            var change = Assert.Single((await _rig.GetAsync("/api/audit")).EnumerateArray(), e => e.GetProperty("what").GetString() == "policy.change");
            Assert.Equal(("ops", "operator", "127.0.0.1", "integration test"), (change.GetProperty("who").GetString(), change.GetProperty("role").GetString(),
                change.GetProperty("from").GetString(), change.GetProperty("why").GetString()));
            Assert.Equal(1, change.GetProperty("after").GetProperty("maxImportPricePerMwh").GetDouble());
            HeatGridRunRig.StopCleanly(first);
        }

        using var second = _rig.Start("--demo");
        await _rig.WaitForStatusAsync(second);
        var policy = await _rig.GetAsync("/api/policy");
        Assert.Equal((2, "ops", "api"), (policy.GetProperty("version").GetInt32(), policy.GetProperty("changedBy").GetString(), policy.GetProperty("source").GetString()));
        Assert.Equal(1, policy.GetProperty("policy").GetProperty("maxImportPricePerMwh").GetDouble());
        var replanned = await _rig.GetAsync("/api/plan");
        Assert.Equal(2, replanned.GetProperty("policyVersion").GetInt32());
        Assert.True(OnlySlaEverywhere(replanned), "after the restart the plan is made under version 2");
        Assert.Contains("Policy version 2 applies: api, by ops", second.Output, StringComparison.Ordinal);
        HeatGridRunRig.StopCleanly(second);
    }

    private static bool OnlySlaEverywhere(JsonElement plan) => plan.GetProperty("slots").EnumerateArray().All(s => s.GetProperty("explanations")
        .EnumerateArray().Any(e => e.GetString()!.Contains("above the policy limit of", StringComparison.Ordinal)));
}
