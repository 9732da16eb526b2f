using Energy.Contracts.Sites;
using Energy.Telemetry.Prices;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Quartz;

namespace Energy.Scheduler.Planning;

/// <summary>
/// The Quartz jobs: re-plan on every 15-minute slot boundary of the clock (in the site's time zone, so
/// slots line up with the market's), and import the day-ahead price file daily after the auction's
/// results are out (13:15 local; the day-ahead market publishes around 12:45 CET). Both run beside the
/// 1-s control loop, which never waits for them; neither runs twice at once.
/// </summary>
public static class ScheduledJobs
{
    public const string ReplanCron = "0 0/15 * * * ?";
    public const string PriceImportCron = "0 15 13 * * ?";

    public static IServiceCollection AddScheduledJobs(this IServiceCollection services, RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var zone = options.Site.TimeZone;
        services.AddQuartz(q =>
        {
            q.ScheduleJob<ReplanJob>(
                trigger => trigger.WithIdentity("replan").WithCronSchedule(ReplanCron, c => c.InTimeZone(zone)),
                job => job.WithIdentity("replan"));
            if (options.PricesPath is not null)
            {
                q.ScheduleJob<PriceImportJob>(
                    trigger => trigger.WithIdentity("price-import").WithCronSchedule(PriceImportCron, c => c.InTimeZone(zone)),
                    job => job.WithIdentity("price-import"));
            }
        });
        services.AddQuartzHostedService(o => o.WaitForJobsToComplete = false);
        return services;
    }
}

/// <summary>Re-plans now; a failure keeps the last plan (logged by the planning service).</summary>
[DisallowConcurrentExecution]
public sealed class ReplanJob(PlanningService planning) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) =>
        await planning.PlanGuardedAsync(cancellationToken);
}

/// <summary>
/// Re-reads the day-ahead price file the operator's feed keeps up to date and merges it into the
/// prices the planner sees, checked as any live import (the site's limits, nothing beyond tomorrow,
/// the file size bound); a broken or implausible file changes nothing (its problems are logged and
/// raised as <c>prices.refused</c> by the source).
/// </summary>
[DisallowConcurrentExecution]
public sealed class PriceImportJob(RunOptions options, FilePriceSource prices, Site site, TimeProvider time, ILogger<PriceImportJob> logger) : IJob
{
    public ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken)
    {
        var path = options.PricesPath!;
        var result = PriceFileImporter.Read(path, PriceImportRules.ForFiles(site.PriceLimits, site.TimeZone, time.GetUtcNow()));
        if (!prices.Import(result))
        {
            Log.PriceImportFailed(logger, path, string.Join("; ", result.Issues.Take(3)));
            return ValueTask.CompletedTask;
        }

        Log.PriceImported(logger, path, result.History.Count);
        return ValueTask.CompletedTask;
    }
}
