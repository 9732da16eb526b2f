using Energy.Contracts.Agents;
using Energy.Contracts.Units;
using Energy.Scheduler.Controller.Agents;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller.Agents;

public sealed class FleetAgentLinkTests
{
    [Fact]
    public async Task SendAsync_AssignmentsValidForever_BatchesHoldAtMostFiveMinutes()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 15, 12, 0, 0, TimeSpan.Zero));
        var site = TestSites.Bathhouse();
        var controller = InProcessController.Create(site, time);
        var gpu = (await controller.Link.ReadAsync(CancellationToken.None))[0].State;

        var sent = await controller.Link.SendAsync([new GpuAssignment(gpu.GpuId, null, Power.FromWatts(80), DateTimeOffset.MaxValue, controller.Link.Epoch)],
            new CapLimits(site.Grid.ImportCap, site.Grid.BaseLoad), CancellationToken.None);

        Assert.Equal(time.GetUtcNow() + FleetAgentLink.MaxValidity, Assert.Single(sent.Batches).ValidUntil);
        Assert.NotEmpty(await controller.Link.ReadAsync(CancellationToken.None));   // the fleet counts the batch without overflowing
    }
}
