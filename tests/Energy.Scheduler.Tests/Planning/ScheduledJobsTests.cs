using Energy.Scheduler.Controller.Status;
using Energy.Scheduler.Hosting;
using Energy.Scheduler.Planning;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Planning;

/// <summary>The Quartz re-plan job fires on the 15-minute boundaries of the (fake) clock, not in between.</summary>
public sealed class ScheduledJobsTests : IAsyncLifetime
{
    private readonly string _data = Directory.CreateTempSubdirectory("heatgrid-jobs-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2024, 2, 1, 10, 0, 30, TimeSpan.Zero));
    private WebApplication? _app;

    public async Task InitializeAsync()
    {
        var options = new RunOptions(TestSites.Bathhouse(), "test", "http://127.0.0.1:0", _data, ServeSimulatedDevices: false, Gpus: Energy.Gpu.Devices.GpuBackendMode.Simulated);
        // Conditions held fixed: the 14-minute jump of the fake clock would otherwise leave the in-process agent
        // unheard for that long, and the re-plan for it (PlanningServiceConditionsTests) is not what is tested here.
        _app = HeatGridHost.Build(options, _time, b =>
        {
            b.WebHost.UseTestServer();
            b.Services.AddSingleton<IPlanningConditionsSource>(new NoConditions());
        });
        await _app.StartAsync();
        await _app.Services.GetRequiredService<StatusBoard>().FirstPublished.WaitAsync(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(_data, recursive: true);
    }

    [Fact]
    public async Task ReplanJob_FiresAtTheSlotBoundaryOnly()
    {
        var plans = _app!.Services.GetRequiredService<CurrentPlan>();
        var first = plans.Plan;
        Assert.NotNull(first);

        // 10:14:50: still inside the first slot; the job must not have run.
        _time.Advance(TimeSpan.FromMinutes(14) + TimeSpan.FromSeconds(20));
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        Assert.Same(first, plans.Plan);

        // 10:15:01: past the boundary; the job re-plans (on Quartz's thread, so wait for it in real time).
        _time.Advance(TimeSpan.FromSeconds(11));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (ReferenceEquals(first, plans.Plan) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        Assert.NotSame(first, plans.Plan);
    }

    private sealed class NoConditions : IPlanningConditionsSource
    {
        public PlanningConditions Current(DateTimeOffset now) => PlanningConditions.None;
    }
}
