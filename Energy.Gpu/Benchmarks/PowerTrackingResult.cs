using System.Text.Json.Serialization;

namespace Energy.Gpu.Benchmarks;

/// <summary>
/// One power target held by the controller: the mean 1-s average after settling, its error, and when the 1-s
/// average entered ±5 % of the target for good (null if it never did).
/// </summary>
public sealed record PowerTrackingResult(
    [property: JsonPropertyName("targetW")] double TargetW,
    [property: JsonPropertyName("meanW")] double MeanW,
    [property: JsonPropertyName("errorPct")] double ErrorPct,
    [property: JsonPropertyName("settleSeconds")] double? SettleSeconds);
