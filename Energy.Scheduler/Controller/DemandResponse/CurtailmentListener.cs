using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Telemetry.Mqtt;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Controller.DemandResponse;

/// <summary>
/// Explicit curtailment requests on <c>heatgrid/&lt;site&gt;/dr/curtail</c> (the same as <c>POST /api/dr/curtail</c>):
/// the import cap in force drops to the request's target for its duration; the control loop sheds in
/// the operator's order on its next tick, and the request is recorded as demand-response evidence.
/// </summary>
public sealed class CurtailmentListener(MqttLink link, Site site, GridLimit limit, DemandResponseLog evidence, TimeProvider time,
    ILogger<CurtailmentListener> logger, Status.StatusBoard? board = null) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        link.Subscribe(new AgentTopics(site.Name).Curtail, 1, message =>
        {
            if (message.Retained)
            {
                return ValueTask.CompletedTask;   // a request left on the broker is history, not a request now
            }

            if (!AgentJson.TryRead<CurtailmentRequest>(message.Payload.Span, out var request, out var reason))
            {
                Log.ControllerBadMessage(logger, message.Topic, reason);
                return ValueTask.CompletedTask;
            }

            if (Apply(limit, site, evidence, request, message.ReceivedAt, time, board?.Current?.GridImportKw) is { } error)
            {
                Log.ControllerBadMessage(logger, message.Topic, error);
            }

            return ValueTask.CompletedTask;
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Validates and applies a request; returns what is wrong with it, or null.</summary>
    /// <param name="importKw">The site's grid import when the request arrived, for the evidence.</param>
    public static string? Apply(GridLimit limit, Site site, DemandResponseLog evidence, CurtailmentRequest request, DateTimeOffset seenAt, TimeProvider time,
        double? importKw = null)
    {
        ArgumentNullException.ThrowIfNull(limit);
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(time);
        if (string.IsNullOrWhiteSpace(request.Id))
        {
            return "a curtailment needs an id";
        }

        if (!double.IsFinite(request.TargetKw) || request.TargetKw < 0)
        {
            return $"targetKw must be a power of 0 kW or more, got {request.TargetKw}";
        }

        if (!double.IsFinite(request.DurationSeconds) || request.DurationSeconds <= 0 || request.DurationSeconds > TimeSpan.FromDays(1).TotalSeconds)
        {
            return $"durationSeconds must be more than 0 and at most one day, got {request.DurationSeconds}";
        }

        var cap = Power.FromKilowatts(request.TargetKw);
        limit.Curtail(request.Id, cap, seenAt, seenAt + TimeSpan.FromSeconds(request.DurationSeconds), request.Reason);
        evidence.Record(new DemandResponseEvent(AgentJson.Version, "controller", request.Id, "curtail", request.TargetKw,
            Power.Min(cap, site.Grid.ImportCap).Kilowatts, request.DurationSeconds, seenAt, seenAt, time.GetUtcNow(), null,
            (importKw ?? 0) * 1000, Power.Min(cap, site.Grid.ImportCap).Watts, 0));
        return null;
    }
}
