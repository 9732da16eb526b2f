using System.Text.Json.Serialization;

namespace Energy.Gpu.Benchmarks;

/// <summary>
/// What <c>heatgrid gpu bench</c> prints for a real GPU: the simulated bench's fields (device,
/// simulated, note, sha256dGhs, sha256dJoulesPerGh, sharesFound, sharesVerified, gemmTflops,
/// powerTracking) measured, and what they were measured with.
/// </summary>
public sealed record CudaBenchResult
{
    [JsonPropertyName("device")] public required string Device { get; init; }

    [JsonPropertyName("simulated")] public bool Simulated { get; init; }

    [JsonPropertyName("note")] public required string Note { get; init; }

    [JsonPropertyName("sha256dGhs")] public required double Sha256dGhs { get; init; }

    [JsonPropertyName("sha256dJoulesPerGh")] public required double Sha256dJoulesPerGh { get; init; }

    /// <summary>Nonces the GPU reported under the share target (for which its quick reject decides exactly).</summary>
    [JsonPropertyName("sharesFound")] public required long SharesFound { get; init; }

    /// <summary>Of those, how many the CPU's full SHA-256d confirmed; must equal <see cref="SharesFound"/>.</summary>
    [JsonPropertyName("sharesVerified")] public required long SharesVerified { get; init; }

    [JsonPropertyName("gemmTflops")] public required double GemmTflops { get; init; }

    [JsonPropertyName("powerTracking")] public required IReadOnlyList<PowerTrackingResult> PowerTracking { get; init; }

    [JsonPropertyName("uuid")] public required string Uuid { get; init; }

    [JsonPropertyName("architecture")] public required string Architecture { get; init; }

    [JsonPropertyName("multiprocessors")] public required int Multiprocessors { get; init; }

    [JsonPropertyName("driverVersion")] public required string DriverVersion { get; init; }

    [JsonPropertyName("cudaVersion")] public required string CudaVersion { get; init; }

    [JsonPropertyName("nvrtcVersion")] public required string NvrtcVersion { get; init; }

    [JsonPropertyName("cublasVersion")] public required int CublasVersion { get; init; }

    /// <summary>The GPU's power limits, read only (min, max, default, enforced) in W.</summary>
    [JsonPropertyName("powerLimitsW")] public required IReadOnlyList<double> PowerLimitsW { get; init; }

    [JsonPropertyName("instantPowerField")] public required bool InstantPowerField { get; init; }

    [JsonPropertyName("nvrtcCompileMs")] public required double NvrtcCompileMs { get; init; }

    [JsonPropertyName("kernelRegisters")] public required int KernelRegisters { get; init; }

    [JsonPropertyName("kernelLocalBytes")] public required int KernelLocalBytes { get; init; }

    [JsonPropertyName("threadsPerBlock")] public required int ThreadsPerBlock { get; init; }

    [JsonPropertyName("residentBlocks")] public required int ResidentBlocks { get; init; }

    [JsonPropertyName("hashingSeconds")] public required double HashingSeconds { get; init; }

    [JsonPropertyName("hashes")] public required long Hashes { get; init; }

    [JsonPropertyName("hashingMeanW")] public required double HashingMeanW { get; init; }

    /// <summary>The genesis nonce, and only it, met the genesis block's own target in the first pass over its nonce space.</summary>
    [JsonPropertyName("genesisNonceFound")] public required bool GenesisNonceFound { get; init; }

    [JsonPropertyName("invalidCandidates")] public required long InvalidCandidates { get; init; }

    [JsonPropertyName("gemmSize")] public required int GemmSize { get; init; }

    [JsonPropertyName("gemmMsPerIteration")] public required double GemmMsPerIteration { get; init; }

    [JsonPropertyName("prefillTokensPerSecond")] public required double PrefillTokensPerSecond { get; init; }

    [JsonPropertyName("prefillTflops")] public required double PrefillTflops { get; init; }

    [JsonPropertyName("decodeTokensPerSecond")] public required double DecodeTokensPerSecond { get; init; }

    [JsonPropertyName("decodeTflops")] public required double DecodeTflops { get; init; }

    [JsonPropertyName("gflopsPerToken")] public required double GflopsPerToken { get; init; }

    [JsonPropertyName("secondsPerTarget")] public required double SecondsPerTarget { get; init; }

    /// <summary>Mean duty cycle of the heater over each target's hold, in the order of <see cref="PowerTracking"/>.</summary>
    [JsonPropertyName("trackingMeanDuty")] public required IReadOnlyList<double> TrackingMeanDuty { get; init; }
}
