using Energy.Contracts.Sites;
using Energy.Scheduler.Planning.Forecasting;
using Energy.Scheduler.Planning.Lp;
using Energy.Telemetry.Health;
using Energy.Telemetry.Prices;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Planning;

/// <summary>The planner's part of a host: prices, forecasts and their history, the LP, the planning service and its jobs.</summary>
public static class PlanningServices
{
    /// <summary>
    /// The LP planner and the plan in force; heat demand as it really was (derived, recorded, forecast) and the
    /// forecast errors; real day-ahead prices when <see cref="RunOptions.Prices"/> holds them (the demo's synthetic
    /// market otherwise comes from the plant); the planning service with its validated <see cref="PlanningOptions"/>
    /// and, unless tests drive it, the Quartz jobs. Its hosted services start in this order: demand derived, history
    /// read back, first plan made.
    /// </summary>
    public static IServiceCollection AddPlanning(this IServiceCollection services, RunOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddValidatedOptions<PlanningOptions, PlanningOptions.Validator>(configuration, PlanningOptions.Section);

        services.AddSingleton<CurrentPlan>();
        services.AddSingleton<IPlanner, LpPlanner>();
        services.AddSingleton(_ => new DemandHistory(DemandHistory.SignalsOf(options.Site), DemandHistoryRecorder.SamplePeriod));
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<DemandHistoryStore>(sp, options.DataFolder));
        services.AddSingleton<ForecastLedger>();
        services.AddSingleton<HeatDemandForecast>();
        services.AddSingleton<HeatDemandPublisher>();
        services.AddSingleton<DemandHistoryRecorder>();
        if (options.Prices is not null || !options.DemoScope.SyntheticMarket)
        {
            AddDayAheadPrices(services, options, options.Prices);
        }

        services.AddSingleton(sp =>
        {
            var planning = ActivatorUtilities.CreateInstance<PlanningService>(sp);
            planning.ScheduledExternally = options.ScheduleJobs;
            return planning;
        });
        services.AddHostedService(sp => sp.GetRequiredService<HeatDemandPublisher>());
        services.AddHostedService(sp => sp.GetRequiredService<DemandHistoryRecorder>());
        services.AddHostedService(sp => sp.GetRequiredService<PlanningService>());
        if (options.ScheduleJobs)
        {
            services.AddScheduledJobs(options);
        }

        return services;
    }

    /// <summary>
    /// Real prices: the last good ones kept across restarts (checked as they are read), the file's over them
    /// where published later (the file's last write against each kept slot's publication), MQTT updates after;
    /// the planner sees a day only once it has been published (12:00 market time the day before). Without any,
    /// the planner has no prices, and says so.
    /// </summary>
    private static void AddDayAheadPrices(IServiceCollection services, RunOptions options, PriceImportResult? prices)
    {
        services.AddSingleton(sp => new LastGoodPriceStore(options.DataFolder, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<LastGoodPriceStore>>(), sp.GetService<Alarms>(), options.Site));
        services.AddSingleton(sp =>
        {
            var store = sp.GetRequiredService<LastGoodPriceStore>();
            var held = store.Load() is { } last && last.Currency == options.Site.Currency ? last
                : PriceHistory.Empty(options.Site.Currency, prices?.History.SlotLength ?? TimeSpan.FromHours(1));
            var source = new FilePriceSource("day-ahead prices", held, sp.GetRequiredService<ILogger<FilePriceSource>>(), store,
                sp.GetService<Alarms>(), sp.GetRequiredService<TimeProvider>(), options.Site.Currency);
            if (prices is not null)
            {
                source.Import(prices);
            }

            return source;
        });
        services.AddSingleton<IPriceSource>(sp => new PublishedPriceSource(sp.GetRequiredService<FilePriceSource>(), sp.GetRequiredService<Site>().TimeZone,
            sp.GetRequiredService<TimeProvider>()));
    }
}
