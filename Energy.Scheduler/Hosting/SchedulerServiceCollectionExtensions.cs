using Energy.Gpu;
using Energy.Gpu.Agents;
using Energy.Scheduler.Agents;
using Energy.Scheduler.Control;
using Energy.Scheduler.Demo;
using Energy.Scheduler.Forecasting;
using Energy.Scheduler.Planning;
using Energy.Scheduler.Status;
using Energy.Telemetry.Prices;
using Energy.Telemetry.Simulation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Energy.Scheduler.Hosting;

public static class SchedulerServiceCollectionExtensions
{
    /// <summary>
    /// Planner, planning service, control loop and the in-process agent link. With
    /// <paramref name="demo"/>, the synthetic market and the simulated heat world feed it.
    /// </summary>
    public static IServiceCollection AddEnergyScheduler(this IServiceCollection services, bool demo)
    {
        services.AddSingleton<CurrentPlan>();
        services.AddSingleton<StatusBoard>();
        services.AddSingleton<IPlanner, MeritOrderPlanner>();
        services.AddSingleton<HeatDemandForecast>();
        services.AddSingleton<IAgentLink>(sp => new InProcessAgentLink(sp.GetRequiredService<NodeAgent>(), GpuServiceCollectionExtensions.SimulatedBackend));
        services.AddSingleton<PlanningService>();
        services.AddSingleton<ControlLoop>();

        if (demo)
        {
            services.AddSingleton<IPriceSource, SyntheticMarket>();
            services.AddSingleton<DemoWorld>();

            // Started first: the demo's sensors publish before the first plan is made.
            services.AddHostedService(sp => sp.GetRequiredService<DemoWorld>());
        }

        services.AddHostedService(sp => sp.GetRequiredService<PlanningService>());
        services.AddHostedService(sp => sp.GetRequiredService<ControlLoop>());
        services.AddHostedService<AgentDeadmanService>();
        return services;
    }
}
