using System.Text.Json.Serialization;

namespace Energy.Gpu.Benchmarks;

/// <summary>What <c>heatgrid gpu bench</c> prints; <see cref="Note"/> says which figures are modelled and which run.</summary>
public sealed record GpuBenchResult(
    [property: JsonPropertyName("device")] string Device,
    [property: JsonPropertyName("simulated")] bool Simulated,
    [property: JsonPropertyName("note")] string Note,
    [property: JsonPropertyName("sha256dGhs")] double Sha256dGhs,
    [property: JsonPropertyName("sha256dJoulesPerGh")] double Sha256dJoulesPerGh,
    [property: JsonPropertyName("sharesFound")] long SharesFound,
    [property: JsonPropertyName("sharesVerified")] long SharesVerified,
    [property: JsonPropertyName("gemmTflops")] double GemmTflops,
    [property: JsonPropertyName("simulatedSecondsPerTarget")] double SimulatedSecondsPerTarget,
    [property: JsonPropertyName("powerTracking")] IReadOnlyList<PowerTrackingResult> PowerTracking);
