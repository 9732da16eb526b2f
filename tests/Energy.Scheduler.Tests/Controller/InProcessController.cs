using Energy.Contracts.Sites;
using Energy.Gpu.Agents;
using Energy.Gpu.Simulation;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Controller.DemandResponse;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Tests.Controller;

/// <summary>The controller's side and one agent with the site's simulated GPUs, wired as <c>heatgrid run</c> wires them.</summary>
internal sealed record InProcessController(AgentCore Agent, Fleet Fleet, GridLimit Limit, FleetAgentLink Link)
{
    public static InProcessController Create(Site site, TimeProvider time)
    {
        var agent = new AgentCore("test", SimulatedFleet.ForSite(site, time), AgentOptions.From(site.Policy), time, NullLogger<AgentCore>.Instance);
        var fleet = new Fleet(site, time, NullLogger<Fleet>.Instance);
        var sequencer = new FleetSequencer(site, fleet, epoch: 1, time.GetUtcNow());
        agent.ObserveEpoch(sequencer.Epoch);
        var limit = new GridLimit(site);
        var transport = new InProcessTransport(fleet, [agent], "simulated", TimeSpan.FromSeconds(10), time);
        return new InProcessController(agent, fleet, limit, new FleetAgentLink(fleet, sequencer, transport, time));
    }
}
