using System.Globalization;
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
/// the operator's order on its next tick, and the request is recorded as demand-response evidence. With <c>--ha</c> every
/// controller hears and applies it (a standby keeps it for its takeover), and the leader alone makes its audit entry, so the
/// shared trail has it once; one heard while no controller led is audited by the next leader when it takes over.
/// </summary>
public sealed class CurtailmentListener(MqttLink link, Site site, GridLimit limit, DemandResponseLog evidence, TimeProvider time,
    ILogger<CurtailmentListener> logger, Status.StatusBoard? board = null, Audit.IAuditTrail? audit = null, Ha.ILeadership? leadership = null) : IHostedService
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

            var capBefore = limit.CapAt(message.ReceivedAt).Kilowatts;
            if (Apply(limit, site, evidence, request, message.ReceivedAt, time, board?.Current?.GridImportKw, "mqtt:" + message.Topic) is { } error)
            {
                Log.ControllerBadMessage(logger, message.Topic, error);
            }
            else if (leadership is not { Role: Ha.ControllerRole.Standby })
            {
                audit?.Record(new Audit.AuditActor("mqtt", null, "mqtt:" + message.Topic), "dr.curtail", new { capKw = capBefore },
                    new { request.Id, targetKw = request.TargetKw, capKw = limit.CapAt(message.ReceivedAt).Kilowatts,
                        until = message.ReceivedAt.AddSeconds(request.DurationSeconds) }, request.Reason);
            }

            return ValueTask.CompletedTask;
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The longest curtailment id: the operator's own, e.g. a TSO's activation reference.</summary>
    public const int MaxIdLength = 64;

    /// <summary>The longest reason kept with a curtailment.</summary>
    public const int MaxReasonLength = 256;

    /// <summary>Validates and applies a request; returns what is wrong with it or why it was refused, or null when it is in force (a failed save is logged and alarmed by <see cref="GridLimit"/>).</summary>
    /// <param name="importKw">The site's grid import when the request arrived, for the evidence.</param>
    public static string? Apply(GridLimit limit, Site site, DemandResponseLog evidence, CurtailmentRequest request, DateTimeOffset seenAt, TimeProvider time,
        double? importKw = null, string caller = "local")
    {
        var decision = Decide(limit, site, evidence, request, seenAt, time, importKw, caller);
        return decision.Outcome is CurtailOutcome.InForce or CurtailOutcome.InForceNotPersisted ? null : decision.Message;
    }

    /// <summary>Validates and applies a request: what became of it and, unless it is in force and saved, why.</summary>
    /// <param name="caller">Who asked (<c>http:ADDRESS</c>, <c>mqtt:TOPIC</c>), logged and kept with the curtailment.</param>
    public static CurtailmentDecision Decide(GridLimit limit, Site site, DemandResponseLog evidence, CurtailmentRequest request, DateTimeOffset seenAt,
        TimeProvider time, double? importKw = null, string caller = "local")
    {
        ArgumentNullException.ThrowIfNull(limit);
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(time);
        if (Invalid(request) is { } problem)
        {
            return new(CurtailOutcome.Invalid, problem);
        }

        var cap = Power.FromKilowatts(request.TargetKw);
        var until = seenAt + TimeSpan.FromSeconds(request.DurationSeconds);
        var outcome = limit.Curtail(request.Id, cap, seenAt, until, request.Reason, caller);
        switch (outcome)
        {
            case CurtailOutcome.IdInForce:
                var existing = limit.Find(request.Id, seenAt);
                return new(outcome, $"curtailment '{request.Id}' is already in force ({existing?.Cap.Kilowatts.ToString("0.###", CultureInfo.InvariantCulture)} kW until "
                    + $"{existing?.Until.ToString("u", CultureInfo.InvariantCulture)}); it is not replaced: cancel it first (DELETE /api/dr/curtail/{request.Id}) or use a new id");
            case CurtailOutcome.TooMany:
                return new(outcome, $"{GridLimit.MaxActive} curtailments are in force, the most HeatGrid holds; cancel one first (the lowest cap already wins)");
        }

        evidence.Record(new DemandResponseEvent(AgentJson.Version, "controller", request.Id, "curtail", request.TargetKw,
            Power.Min(cap, site.Grid.ImportCap).Kilowatts, request.DurationSeconds, seenAt, seenAt, time.GetUtcNow(), null,
            (importKw ?? 0) * 1000, Power.Min(cap, site.Grid.ImportCap).Watts, 0));
        return outcome == CurtailOutcome.InForce
            ? new(outcome, null)
            : new(outcome, "the curtailment is in force now, but the data folder refused to save it: a restart would forget it (see /health)");
    }

    private static string? Invalid(CurtailmentRequest request)
    {
        if (string.IsNullOrWhiteSpace(request.Id))
        {
            return "a curtailment needs an id";
        }

        if (request.Id.Length > MaxIdLength || !request.Id.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':'))
        {
            return $"id must be 1 to {MaxIdLength} characters of A-Z, a-z, 0-9, '-', '_', '.', ':'";
        }

        if (request.Reason is { } reason && (reason.Length > MaxReasonLength || reason.Any(char.IsControl)))
        {
            return $"reason must be at most {MaxReasonLength} characters without control characters, got {reason.Length}";
        }

        if (!double.IsFinite(request.TargetKw) || request.TargetKw < 0)
        {
            return $"targetKw must be a power of 0 kW or more, got {request.TargetKw}";
        }

        if (!double.IsFinite(request.DurationSeconds) || request.DurationSeconds <= 0 || request.DurationSeconds > GridLimit.LongestDuration.TotalSeconds)
        {
            return $"durationSeconds must be more than 0 and at most one day, got {request.DurationSeconds}";
        }

        return null;
    }
}
