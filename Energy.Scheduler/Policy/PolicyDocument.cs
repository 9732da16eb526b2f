using System.Globalization;
using System.Text.Json;
using Energy.Contracts.Configuration;
using Energy.Contracts.Policy;
using Energy.Contracts.Units;

namespace Energy.Scheduler.Policy;

/// <summary>
/// An operator policy as the site file's <c>policy:</c> section spells it (the API's <c>policy</c> object and what a
/// version file keeps): the shed order's step names, the limits as plain numbers (null for no limit), durations as
/// the site file writes them. It is turned back into an <see cref="OperatorPolicy"/> only through the site file's own
/// reader (<see cref="PolicySection"/>), so a stored version is checked exactly as a site file is.
/// </summary>
public sealed record PolicyDocument(
    IReadOnlyList<string> ShedOrder,
    double? MaxImportPricePerMwh,
    double? RampLimitKwPerMinute,
    string MinDwell,
    string SafeState)
{
    /// <summary>Serializes as the site file spells its keys, nulls written (a limit left out is "no limit").</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The fields a run-time change may hold: the site file's policy keys but <c>demandResponse</c> (see <see cref="PolicyState"/>).</summary>
    public static IReadOnlyList<string> Keys { get; } = ["shedOrder", "maxImportPricePerMwh", "rampLimitKwPerMinute", "minDwell", "safeState"];

    public static PolicyDocument From(OperatorPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new PolicyDocument(
            [.. policy.ShedOrder.Select(ShedSteps.WireName)],
            policy.MaxImportPrice?.PerMegawattHour,
            policy.RampLimitPerMinute?.Kilowatts is { } kw ? Math.Round(kw, 6) : null,
            Duration(policy.MinDwell),
            policy.SafeState == Contracts.Policy.SafeState.MinimumPower ? "minimumPower" : "idle");
    }

    /// <summary>The document read back through the site file's reader (the demand-response part is the caller's to set).</summary>
    public PolicySectionResult Read(Currency currency, string source) =>
        PolicySection.Parse(JsonSerializer.SerializeToElement(this, Json), currency, source);

    /// <summary>The same policy: the shed order compared step by step, not as a list reference.</summary>
    public bool Equals(PolicyDocument? other) => other is not null && ShedOrder.SequenceEqual(other.ShedOrder, StringComparer.Ordinal)
        && (MaxImportPricePerMwh, RampLimitKwPerMinute, MinDwell, SafeState) == (other.MaxImportPricePerMwh, other.RampLimitKwPerMinute, other.MinDwell, other.SafeState);

    public override int GetHashCode() => HashCode.Combine(string.Join(",", ShedOrder), MaxImportPricePerMwh, RampLimitKwPerMinute, MinDwell, SafeState);

    public bool SameAs(PolicyDocument other) => Equals(other);

    /// <summary>The keys whose values differ, each with its value before and after (what the audit trail keeps).</summary>
    public (Dictionary<string, object?> Before, Dictionary<string, object?> After) Changes(PolicyDocument after)
    {
        ArgumentNullException.ThrowIfNull(after);
        var (was, now) = (Values(), after.Values());
        var changed = Keys.Where(k => !Equals(Text(was[k]), Text(now[k]))).ToList();
        return (changed.ToDictionary(k => k, k => was[k]), changed.ToDictionary(k => k, k => now[k]));
    }

    private Dictionary<string, object?> Values() => new(StringComparer.Ordinal)
    {
        ["shedOrder"] = ShedOrder,
        ["maxImportPricePerMwh"] = MaxImportPricePerMwh,
        ["rampLimitKwPerMinute"] = RampLimitKwPerMinute,
        ["minDwell"] = MinDwell,
        ["safeState"] = SafeState,
    };

    private static string Text(object? value) => JsonSerializer.Serialize(value, Json);

    /// <summary>A duration as an operator writes it in the site file: <c>15m</c>, <c>90s</c>, <c>2h</c>, <c>500ms</c>.</summary>
    public static string Duration(TimeSpan value) => value switch
    {
        { Ticks: 0 } => "0s",
        _ when value.Ticks % TimeSpan.TicksPerHour == 0 => $"{value.Ticks / TimeSpan.TicksPerHour}h",
        _ when value.Ticks % TimeSpan.TicksPerMinute == 0 => $"{value.Ticks / TimeSpan.TicksPerMinute}m",
        _ when value.Ticks % TimeSpan.TicksPerSecond == 0 => $"{value.Ticks / TimeSpan.TicksPerSecond}s",
        _ => string.Create(CultureInfo.InvariantCulture, $"{value.TotalMilliseconds:0.###}ms"),
    };
}
