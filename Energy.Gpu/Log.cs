using Microsoft.Extensions.Logging;

namespace Energy.Gpu;

/// <summary>Energy.Gpu's log catalogue: event ids 2000–2999.</summary>
internal static partial class Log
{
    [LoggerMessage(2200, LogLevel.Information, "Agent {Node} follows controller epoch {Epoch}")]
    public static partial void AgentFollowing(ILogger logger, string node, long epoch);

    [LoggerMessage(2201, LogLevel.Information, "Agent {Node}: controller epoch {Old} replaced by {New}; older batches are refused from now on")]
    public static partial void AgentEpochAdvanced(ILogger logger, string node, long old, long @new);

    [LoggerMessage(2202, LogLevel.Warning, "Agent {Node} refused batch {Epoch}/{Seq}: {Reason}")]
    public static partial void BatchRefused(ILogger logger, string node, long epoch, long seq, string reason);

    [LoggerMessage(2203, LogLevel.Warning, "Agent {Node}: assignments ran out at {ValidUntil:o} without renewal; GPUs went to the safe state ({SafeState})")]
    public static partial void AgentDeadman(ILogger logger, string node, DateTimeOffset validUntil, Energy.Contracts.Policy.SafeState safeState);

    [LoggerMessage(2204, LogLevel.Warning, "Agent {Node}: grid frequency {Hz} Hz is not plausible; ignored")]
    public static partial void FrequencyImplausible(ILogger logger, string node, double hz);

    [LoggerMessage(2205, LogLevel.Warning, "Agent {Node}: grid frequency {Hz} Hz measured at {At:o} is {AgeSeconds:F1} s old; not acted on")]
    public static partial void FrequencyStale(ILogger logger, string node, double hz, DateTimeOffset at, double ageSeconds);

    [LoggerMessage(2206, LogLevel.Warning, "Agent {Node}: grid frequency {Hz} Hz at or below {ThresholdHz} Hz: shed {ShedW:F0} W on {Gpus} GPUs in {CommandMs:F1} ms")]
    public static partial void FrequencyShed(ILogger logger, string node, double hz, double thresholdHz, double shedW, int gpus, double commandMs);

    [LoggerMessage(2207, LogLevel.Information, "Agent {Node}: grid recovered; {RestoredW:F0} W restored after its stagger of {OffsetSeconds:F1} s")]
    public static partial void DemandResponseRestored(ILogger logger, string node, double restoredW, double offsetSeconds);
    // The agent's own guard of the site file and of its frequency feed: 2425–2449.
    [LoggerMessage(2425, LogLevel.Warning, "Agent {Node}: grid frequency {Hz} Hz refused: {Reason} ({Refused} samples refused so far)")]
    public static partial void FrequencyJump(ILogger logger, string node, double hz, string reason, long refused);

    [LoggerMessage(2426, LogLevel.Warning, "Agent {Node}: the grid-frequency feed went silent while shedding (last sample seen {LastSeen:o}); onFrequencyLost: {Rule}")]
    public static partial void FrequencyLostWhileShedding(ILogger logger, string node, DateTimeOffset lastSeen, string rule);

    [LoggerMessage(2427, LogLevel.Warning, "Agent {Node}: {RestoredW:F0} W restored {SilentSeconds:F1} s after the last grid-frequency sample, with no live feed (onFrequencyLost: {Rule})")]
    public static partial void FrequencyLostRestored(ILogger logger, string node, double restoredW, double silentSeconds, string rule);

    [LoggerMessage(2428, LogLevel.Information, "Agent {Node}: the grid-frequency feed is back after {LostSeconds:F1} s")]
    public static partial void FrequencyFeedBack(ILogger logger, string node, double lostSeconds);

    [LoggerMessage(2429, LogLevel.Warning, "Agent {Node}: a batch valid until {ValidUntil:o} is followed only for the dead-man period of {DeadmanSeconds:F0} s after it arrived (logged once until batches are within it)")]
    public static partial void BatchValidityCut(ILogger logger, string node, DateTimeOffset validUntil, double deadmanSeconds);

    // CUDA driver, NVRTC and cuBLAS bindings: 2100–2149.
    [LoggerMessage(2100, LogLevel.Information, "CUDA is not available: {Reason}")]
    public static partial void CudaUnavailable(ILogger logger, string reason);

    [LoggerMessage(2101, LogLevel.Information, "CUDA device {Ordinal}: {Name}, {Architecture}, {MultiprocessorCount} SMs, {TotalMemoryGibibytes:F1} GiB; the driver supports CUDA {DriverCudaVersion}")]
    public static partial void CudaDeviceFound(ILogger logger, int ordinal, string name, string architecture, int multiprocessorCount, double totalMemoryGibibytes, string driverCudaVersion);

    [LoggerMessage(2110, LogLevel.Debug, "Kernel {ProgramName} for {Architecture} came from the CUBIN cache ({CubinBytes} bytes, key {CacheKey})")]
    public static partial void KernelCacheHit(ILogger logger, string programName, string architecture, int cubinBytes, string cacheKey);

    [LoggerMessage(2111, LogLevel.Information, "Kernel {ProgramName} compiled for {Architecture} by NVRTC {NvrtcVersion} in {DurationMilliseconds:F0} ms ({CubinBytes} bytes)")]
    public static partial void KernelCompiled(ILogger logger, string programName, string architecture, string nvrtcVersion, double durationMilliseconds, int cubinBytes);

    [LoggerMessage(2112, LogLevel.Warning, "NVRTC compiled {ProgramName} for {Architecture} with messages: {CompileLog}")]
    public static partial void KernelCompileLog(ILogger logger, string programName, string architecture, string compileLog);

    [LoggerMessage(2113, LogLevel.Warning, "CUBIN cache entry {CachePath} is corrupt ({Problem}); compiling again")]
    public static partial void KernelCacheEntryCorrupt(ILogger logger, string cachePath, string problem);

    [LoggerMessage(2114, LogLevel.Warning, "CUBIN cache entry {CachePath} could not be read; compiling again")]
    public static partial void KernelCacheReadFailed(ILogger logger, Exception exception, string cachePath);

    [LoggerMessage(2115, LogLevel.Warning, "CUBIN cache entry {CachePath} could not be written; the kernel is used but will be compiled again next time")]
    public static partial void KernelCacheWriteFailed(ILogger logger, Exception exception, string cachePath);
    // Stratum client: 2180–2199. The link is logged once per change of state; further failed
    // attempts while down are the backoff, at Debug.
    [LoggerMessage(2180, LogLevel.Information, "Connected to Stratum pool {Endpoint} as worker {Worker}, extranonce1 {Extranonce1}")]
    public static partial void StratumConnected(ILogger logger, string endpoint, string worker, string extranonce1);

    [LoggerMessage(2181, LogLevel.Warning, "Disconnected from Stratum pool {Endpoint}: {Reason}; reconnecting in {DelayMilliseconds} ms, then with growing backoff")]
    public static partial void StratumDisconnected(ILogger logger, string endpoint, string reason, long delayMilliseconds);

    [LoggerMessage(2182, LogLevel.Warning, "Cannot connect to Stratum pool {Endpoint}: {Reason}; retrying in {DelayMilliseconds} ms, then with growing backoff")]
    public static partial void StratumConnectFailed(ILogger logger, string endpoint, string reason, long delayMilliseconds);

    [LoggerMessage(2183, LogLevel.Debug, "Stratum pool {Endpoint} still unreachable: {Reason}; attempt {Attempt} in {DelayMilliseconds} ms")]
    public static partial void StratumReconnectBackoff(ILogger logger, string endpoint, string reason, long delayMilliseconds, int attempt);

    [LoggerMessage(2184, LogLevel.Error, "Stratum pool {Endpoint} refused worker {Worker}: {Reason}; the client stops, as reconnecting would not help")]
    public static partial void StratumAuthorizeRefused(ILogger logger, string endpoint, string worker, string reason);

    [LoggerMessage(2185, LogLevel.Debug, "Stratum pool {Endpoint} accepted a share for job {JobId}")]
    public static partial void StratumShareAccepted(ILogger logger, string endpoint, string jobId);

    [LoggerMessage(2186, LogLevel.Warning, "Stratum pool {Endpoint} rejected a share for job {JobId}: {Reason}")]
    public static partial void StratumShareRejected(ILogger logger, string endpoint, string jobId, string reason);

    [LoggerMessage(2187, LogLevel.Debug, "Dropped a stale share for job {JobId}: the job no longer belongs to the connection to {Endpoint} (clean_jobs or a reconnect)")]
    public static partial void StratumStaleShareDropped(ILogger logger, string endpoint, string jobId);

    [LoggerMessage(2188, LogLevel.Debug, "Stratum pool {Endpoint} set share difficulty {Difficulty} for the jobs that follow")]
    public static partial void StratumDifficultySet(ILogger logger, string endpoint, double difficulty);

    [LoggerMessage(2189, LogLevel.Information, "Stratum pool {Endpoint} changed extranonce1 to {Extranonce1} (extranonce2 {Extranonce2Bytes} bytes) for the jobs that follow")]
    public static partial void StratumExtranonceChanged(ILogger logger, string endpoint, string extranonce1, int extranonce2Bytes);
    [LoggerMessage(2150, LogLevel.Information, "SHA-256d search of {NonceCount} nonces from {FirstNonce} took {ElapsedMilliseconds} ms ({HashesPerSecond:F0} H/s) in {Launches} launches: {Candidates} candidates, {Shares} shares, {Rejected} rejected")]
    public static partial void NonceSearchFinished(ILogger logger, long nonceCount, uint firstNonce, long elapsedMilliseconds, double hashesPerSecond, int launches, long candidates, int shares, long rejected);

    [LoggerMessage(2151, LogLevel.Information, "Nonce {Nonce} meets target {Target}: share found (hash {Hash})")]
    public static partial void ShareFound(ILogger logger, uint nonce, Mining.Target target, string hash);

    [LoggerMessage(2152, LogLevel.Debug, "Candidate nonce {Nonce} passed the kernel's quick reject but its hash {Hash} misses target {Target}; rejected")]
    public static partial void CandidateMissedTarget(ILogger logger, uint nonce, string hash, Mining.Target target);

    [LoggerMessage(2153, LogLevel.Warning, "Kernel returned an invalid candidate nonce {Nonce} for the launch of {LaunchNonces} nonces from {LaunchFirstNonce}: {Reason}; rejected, not submitted")]
    public static partial void InvalidCandidate(ILogger logger, uint nonce, long launchNonces, uint launchFirstNonce, string reason);

    [LoggerMessage(2154, LogLevel.Warning, "Kernel launch of {LaunchNonces} nonces from {LaunchFirstNonce} found {Reported} candidates but keeps {Capacity}; searching it again in halves")]
    public static partial void CandidateBufferOverflowed(ILogger logger, long launchNonces, uint launchFirstNonce, long reported, int capacity);
    // Real GPUs: backend selection, CUDA workloads and the CUDA device: 2300–2349.
    [LoggerMessage(2300, LogLevel.Information, "GPU backend: {Backend}")]
    public static partial void CudaBackendSelected(ILogger logger, string backend);

    [LoggerMessage(2301, LogLevel.Information, "GPU backend: simulated: {Reason}")]
    public static partial void SimulatedBackendSelected(ILogger logger, string reason);

    [LoggerMessage(2302, LogLevel.Information, "GPU {GpuId} ({Name}, {Uuid}) is in pool {Pool}: {Why}")]
    public static partial void GpuJoinedPool(ILogger logger, string gpuId, string name, string uuid, string pool, string why);

    [LoggerMessage(2303, LogLevel.Warning, "CUDA device {Ordinal} ({Name}) has no NVML device to read its power from ({Why}); not used")]
    public static partial void CudaDeviceUnpaired(ILogger logger, int ordinal, string name, string why);

    [LoggerMessage(2304, LogLevel.Information, "{Load}: started on its own thread, duty cycle over {PeriodMilliseconds:F0} ms periods")]
    public static partial void LoadStarted(ILogger logger, string load, double periodMilliseconds);

    [LoggerMessage(2305, LogLevel.Error, "{Load}: stopped after a GPU error; it stays idle until HeatGrid restarts")]
    public static partial void LoadFaulted(ILogger logger, Exception exception, string load);

    [LoggerMessage(2306, LogLevel.Warning, "{Load}: freeing its GPU resources failed")]
    public static partial void LoadStopFailed(ILogger logger, Exception exception, string load);

    [LoggerMessage(2307, LogLevel.Warning, "{Load}: its thread did not stop within {Seconds:F0} s; left running in the background")]
    public static partial void LoadStopTimedOut(ILogger logger, string load, double seconds);

    [LoggerMessage(2308, LogLevel.Information, "{GpuId}: workload {From} → {To}, target {TargetW:F0} W")]
    public static partial void GpuWorkloadChanged(ILogger logger, string gpuId, string from, string to, double targetW);

    [LoggerMessage(2309, LogLevel.Warning, "{GpuId}: {Message}")]
    public static partial void GpuTargetOutOfReach(ILogger logger, string gpuId, string message);

    [LoggerMessage(2310, LogLevel.Warning, "{GpuId}: workload {Workload} is not one this GPU can run ({Why}); held idle")]
    public static partial void GpuWorkloadUnavailable(ILogger logger, string gpuId, string workload, string why);

    [LoggerMessage(2311, LogLevel.Warning, "{GpuId}: NVML reading failed ({Reason}); reporting the last good reading until it recovers")]
    public static partial void GpuReadFailed(ILogger logger, string gpuId, string reason);

    [LoggerMessage(2312, LogLevel.Information, "{GpuId}: NVML readings are back")]
    public static partial void GpuReadRecovered(ILogger logger, string gpuId);

    [LoggerMessage(2313, LogLevel.Information, "{GpuId}: NVML power limit, {Description}")]
    public static partial void GpuPowerLimit(ILogger logger, string gpuId, string description);

    [LoggerMessage(2314, LogLevel.Information, "{GpuId}: mining hashes local job {JobId}; no pool is configured, so shares are verified and counted, not submitted")]
    public static partial void MiningLocalJob(ILogger logger, string gpuId, string jobId);

    [LoggerMessage(2450, LogLevel.Information, "Agent {Node}: power observed down {PowerDownMs:F0} ms after the frequency signal, within its {DeadlineSeconds} s deadline ({Reading}, {WindowMs:F0}-ms window); GPUs commanded after {CommandMs:F1} ms")]
    public static partial void PowerObservedDown(ILogger logger, string node, double powerDownMs, double deadlineSeconds, string reading, double windowMs, double commandMs);

    [LoggerMessage(2451, LogLevel.Warning, "Agent {Node}: power observed down {PowerDownMs:F0} ms after the frequency signal, past its {DeadlineSeconds} s deadline ({Reading}, {WindowMs:F0}-ms window); GPUs commanded after {CommandMs:F1} ms")]
    public static partial void PowerDownLate(ILogger logger, string node, double powerDownMs, double deadlineSeconds, string reading, double windowMs, double commandMs);

    // Mining on a configured pool (the site file's pool, worker, passwordEnv): 2460–2479.
    [LoggerMessage(2460, LogLevel.Information, "Mining workload {Workload} hashes the jobs of Stratum pool {Endpoint} as worker {Worker}")]
    public static partial void PoolConfigured(ILogger logger, string workload, string endpoint, string worker);

    [LoggerMessage(2461, LogLevel.Error, "Mining workload {Workload}: the pool cannot be used ({Reason}); the GPUs hash a local job whose shares go nowhere")]
    public static partial void PoolUnusable(ILogger logger, string workload, string reason);

    [LoggerMessage(2462, LogLevel.Warning, "Mining workload {Workload}: the password variable {Variable} is not set; the pool gets the password x")]
    public static partial void PoolPasswordUnset(ILogger logger, string workload, string variable);

    [LoggerMessage(2463, LogLevel.Warning, "Mining workload {Workload}'s pool {Url} is used for every mining load; workload {Other} names another pool, which is not")]
    public static partial void PoolOthersIgnored(ILogger logger, string workload, string url, string other);

    [LoggerMessage(2464, LogLevel.Error, "The Stratum pool refused the worker, so the GPUs get no more work: {Reason}")]
    public static partial void PoolWorkerRefused(ILogger logger, string reason);

    [LoggerMessage(2465, LogLevel.Warning, "A share for job {JobId} was not delivered to the pool: {Reason}")]
    public static partial void PoolShareLost(ILogger logger, string jobId, string reason);

    // PoUW on CUDA (Pouw/CudaPouwGemm, CudaPouwWork): 2480–2489.
    [LoggerMessage(2480, LogLevel.Information, "PoUW kernels loaded for {Architecture}: pouw.cu {Builds} in {CompileMs:F0} ms (from cache: {FromCache})")]
    public static partial void PouwKernelsLoaded(ILogger logger, string architecture, string builds, double compileMs, bool fromCache);

    [LoggerMessage(2481, LogLevel.Error, "PoUW: the GPU's winning tile ({Ti}, {Tj}) of job {Tenant}/{Job} was refused by the reference verifier ({Reason}: {Detail}); not emitted")]
    public static partial void PouwGpuWinnerRefused(ILogger logger, int ti, int tj, string tenant, string job, string reason, string detail);

    [LoggerMessage(2482, LogLevel.Warning, "PoUW: pouw_mine reported {Reported} winning tiles of job {Tenant}/{Job}, the buffer kept {Capacity}; the rest are lost (raise the capacity or the target's difficulty)")]
    public static partial void PouwWinnersDropped(ILogger logger, long reported, int capacity, string tenant, string job);

    [LoggerMessage(2483, LogLevel.Information, "PoUW job {Tenant}/{Job} prepared on the GPU ({Shape}): W' made once in {WeightsNoiseMs:F2} ms")]
    public static partial void PouwJobPrepared(ILogger logger, string tenant, string job, string shape, double weightsNoiseMs);

    [LoggerMessage(2484, LogLevel.Information, "PoUW ticket {TicketId} of job {Tenant}/{Job} (tile {Ti}, {Tj}) verified and handed on")]
    public static partial void PouwTicketEmitted(ILogger logger, string ticketId, string tenant, string job, int ti, int tj);

    [LoggerMessage(2485, LogLevel.Warning, "PoUW batch of job {Tenant}/{Job} refused before mining: {Reason}")]
    public static partial void PouwBatchRefused(ILogger logger, string tenant, string job, string reason);

    // PoUW on the CPU for simulated GPUs (Pouw/CpuPouwWork, SimulatedGpuPouwMining): 2490–2499.
    [LoggerMessage(2490, LogLevel.Information, "CPU PoUW miner started: simulated GPUs' mining runs PouwCpuMiner on this host's CPU (no GPU work), duty = their mean mining duty")]
    public static partial void CpuPouwStarted(ILogger logger);

    [LoggerMessage(2491, LogLevel.Information, "CPU PoUW for simulated GPUs: duty {Duty:F2} ({Mining} of {Gpus} GPUs mining)")]
    public static partial void CpuPouwDuty(ILogger logger, double duty, int mining, int gpus);

    [LoggerMessage(2492, LogLevel.Error, "CPU PoUW: the reference verifier refused the miner's own tile ({Ti}, {Tj}) of job {Tenant}/{Job} ({Reason}: {Detail}); not emitted")]
    public static partial void CpuPouwTicketRefused(ILogger logger, int ti, int tj, string tenant, string job, string reason, string detail);

    [LoggerMessage(2493, LogLevel.Information, "CPU PoUW ticket {TicketId} of job {Tenant}/{Job} (tile {Ti}, {Tj}) mined on the CPU and handed on")]
    public static partial void CpuPouwTicketEmitted(ILogger logger, string ticketId, string tenant, string job, int ti, int tj);
}
