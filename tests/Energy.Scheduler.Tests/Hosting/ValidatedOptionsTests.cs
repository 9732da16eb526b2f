using Energy.Scheduler.Controller;
using Energy.Scheduler.Hosting;
using Energy.Scheduler.Planning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Energy.Scheduler.Tests.Hosting;

/// <summary>The host's options are bound from configuration and validated before anything starts.</summary>
public sealed class ValidatedOptionsTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-options-").FullName;

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public async Task Build_SettingsOutOfRange_StartupValidationNamesEveryOneAndNothingIsCreated()
    {
        await using var app = Build(new Dictionary<string, string?>
        {
            ["Control:Period"] = "00:00:00.010",
            ["Control:AssignmentValidity"] = "00:10:00",
            ["Planning:Horizon"] = "00:01:00",
        });

        var error = Assert.ThrowsAny<Exception>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());

        var failures = Failures(error);
        Assert.Contains(failures, f => f.StartsWith("Control:Period must be from 100 ms to 10 s", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Control:AssignmentValidity must be from three periods", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Planning:Horizon must be from one slot", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Build_SettingsGiven_BoundIntoTheEngines()
    {
        await using var app = Build(new Dictionary<string, string?>
        {
            ["Control:Period"] = "00:00:00.500",
            ["Planning:ConditionsReplanGap"] = "00:00:30",
        });

        app.Services.GetRequiredService<IStartupValidator>().Validate();

        Assert.Equal(TimeSpan.FromMilliseconds(500), app.Services.GetRequiredService<ControlOptions>().Period);
        Assert.Equal(ControlLoop.AssignmentValidity, app.Services.GetRequiredService<ControlOptions>().AssignmentValidity);
        Assert.Equal(TimeSpan.FromSeconds(30), app.Services.GetRequiredService<PlanningOptions>().ConditionsReplanGap);
    }

    private WebApplication Build(Dictionary<string, string?> settings)
    {
        var options = new RunOptions(TestSites.Bathhouse(), "test", "http://127.0.0.1:0", _data, ServeSimulatedDevices: false,
            Gpus: Energy.Gpu.Devices.GpuBackendMode.Simulated) { ScheduleJobs = false };
        return HeatGridHost.Build(options, configure: b =>
        {
            b.WebHost.UseTestServer();
            b.Configuration.AddInMemoryCollection(settings);
        });
    }

    private static List<string> Failures(Exception e) => e switch
    {
        OptionsValidationException one => [.. one.Failures],
        AggregateException many => [.. many.InnerExceptions.SelectMany(Failures)],
        _ => throw new InvalidOperationException("not an options validation failure", e),
    };
}
