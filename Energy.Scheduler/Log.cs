using Microsoft.Extensions.Logging;

namespace Energy.Scheduler;

/// <summary>Energy.Scheduler's log catalogue: event ids 3000–3999 (scheduling), 4000–4999 (hosting).</summary>
internal static partial class Log
{
    [LoggerMessage(3001, LogLevel.Information, "Plan by {Planner}: {Slots} slots from {Start:o}; now {GridImportKw:0} kW planned import, {Explanation}")]
    public static partial void PlanCreated(ILogger logger, string planner, int slots, DateTimeOffset start, double gridImportKw, string explanation);

    [LoggerMessage(3002, LogLevel.Critical, "No plan covers {Now:o}: GPUs are held in the safe state until a plan is made")]
    public static partial void NoPlan(ILogger logger, DateTimeOffset now);

    [LoggerMessage(3003, LogLevel.Information, "A plan covers the current slot again; leaving the safe state")]
    public static partial void PlanRestored(ILogger logger);

    [LoggerMessage(3004, LogLevel.Error, "Planning failed; the last plan stays in force")]
    public static partial void PlanningFailed(ILogger logger, Exception exception);

    [LoggerMessage(3005, LogLevel.Warning, "No good heat-demand reading for loop(s) {Loops}; planning with half the design peak")]
    public static partial void HeatForecastFallback(ILogger logger, string loops);

    [LoggerMessage(3006, LogLevel.Warning, "Plan slot {Start:o} could not meet: {Violations}")]
    public static partial void PlanViolations(ILogger logger, DateTimeOffset start, string violations);

    [LoggerMessage(3008, LogLevel.Information, "Ramping: {Held} GPU power increases held back to stay under the grid cap and the ramp limit; they follow tick by tick")]
    public static partial void IncreasesHeld(ILogger logger, int held);

    [LoggerMessage(3009, LogLevel.Information, "Ramp complete: every GPU holds its planned power")]
    public static partial void IncreasesReleased(ILogger logger);

    [LoggerMessage(3010, LogLevel.Error, "The demo's simulated world failed a step; the next second tries again")]
    public static partial void DemoStepFailed(ILogger logger, Exception exception);

    [LoggerMessage(3011, LogLevel.Error, "Publishing state over MQTT failed; the next round tries again")]
    public static partial void MqttPublishFailed(ILogger logger, Exception exception);

    [LoggerMessage(3012, LogLevel.Information, "Re-planning for changed conditions: {Conditions}")]
    public static partial void ReplanForConditions(ILogger logger, string conditions);

    // Durable state, curtailment ids, HTTP bounds: 3600–3649.
    [LoggerMessage(3600, LogLevel.Warning, "Curtailment {Id} from {Caller} refused: {Reason}")]
    public static partial void CurtailmentRefused(ILogger logger, string id, string caller, string reason);

    [LoggerMessage(3601, LogLevel.Information, "Curtailment {Id}: site import at most {CapKw:0.###} kW until {Until:o} ({Reason}), set by {Caller}")]
    public static partial void CurtailmentSet(ILogger logger, string id, double capKw, DateTimeOffset until, string reason, string caller);

    [LoggerMessage(3602, LogLevel.Warning, "Curtailment {Id} ({CapKw:0.###} kW, {RemainingSeconds:0} s left, set by {SetBy}) cancelled by {Caller}")]
    public static partial void CurtailmentCancelled(ILogger logger, string id, double capKw, double remainingSeconds, string setBy, string caller);

    [LoggerMessage(3603, LogLevel.Error, "{What} could not be saved to {Path} ({Reason}): {Consequence}; logged again when saving works")]
    public static partial void StateWriteFailed(ILogger logger, string what, string path, string reason, string consequence);

    [LoggerMessage(3604, LogLevel.Information, "{What} saved to {Path} again")]
    public static partial void StateWritesAgain(ILogger logger, string what, string path);

    [LoggerMessage(3605, LogLevel.Critical, "State file {Path} is {Problem}; moved aside to {Aside}; {Assumed}")]
    public static partial void StateFileCorrupt(ILogger logger, string path, string problem, string aside, string assumed);

    [LoggerMessage(3606, LogLevel.Information, "{Count} curtailments in force read from {Path}")]
    public static partial void CurtailmentsLoaded(ILogger logger, int count, string path);

    [LoggerMessage(3607, LogLevel.Warning, "{Path} ended in a torn line ({Bytes} bytes, a crash in the middle of an append): cut back to its last whole line; dropped: {Dropped}")]
    public static partial void DemandResponseTornLine(ILogger logger, string path, long bytes, string dropped);

    [LoggerMessage(3608, LogLevel.Information, "{Count} demand-response events reloaded from {Path} ({Unreadable} unreadable lines skipped)")]
    public static partial void DemandResponseLoaded(ILogger logger, int count, string path, int unreadable);

    [LoggerMessage(3609, LogLevel.Error, "Control tick failed: {Reason}; the next tick retries, and this is logged again only when the failure changes")]
    public static partial void ControlTickFailing(ILogger logger, string reason, Exception exception);

    [LoggerMessage(3610, LogLevel.Information, "Control ticks work again after {Failures} failed ticks")]
    public static partial void ControlTickWorksAgain(ILogger logger, long failures);

    [LoggerMessage(3200, LogLevel.Information, "Heat-demand forecast of loop {Loop} now from: {Basis}")]
    public static partial void HeatForecastBasis(ILogger logger, string loop, string basis);

    [LoggerMessage(3201, LogLevel.Information, "Demand history: {Slots} slot means read from {Path}")]
    public static partial void DemandHistoryLoaded(ILogger logger, int slots, string path);

    [LoggerMessage(3202, LogLevel.Warning, "Demand history {Path} is unreadable ({Reason}); moved aside to {BrokenPath}, starting without history")]
    public static partial void DemandHistoryBroken(ILogger logger, string path, string reason, string brokenPath);

    [LoggerMessage(3203, LogLevel.Warning, "Demand history could not be written to {Path} ({Reason}); it stays in memory and the next slot tries again")]
    public static partial void DemandHistorySaveFailed(ILogger logger, string path, string reason);

    [LoggerMessage(3204, LogLevel.Warning, "Derived heat demand of loop {Loop} is {Quality}: {Reason}")]
    public static partial void DerivedHeatDemandDegraded(ILogger logger, string loop, string quality, string reason);

    [LoggerMessage(3205, LogLevel.Information, "Derived heat demand of loop {Loop} is good, from all three meters")]
    public static partial void DerivedHeatDemandGood(ILogger logger, string loop);

    [LoggerMessage(3206, LogLevel.Error, "Recording heat demand failed; the next second tries again")]
    public static partial void HeatDemandRecordingFailed(ILogger logger, Exception exception);

    [LoggerMessage(3207, LogLevel.Information, "Derived heat demand of loop {Loop}: {Reason}")]
    public static partial void DerivedHeatDemandPartial(ILogger logger, string loop, string reason);

    [LoggerMessage(4001, LogLevel.Information, "HeatGrid running site '{Site}' ({Gpus} {Backend} GPUs) from {SiteSource}; HTTP on {Address}; data in {DataFolder}")]
    public static partial void Started(ILogger logger, string site, int gpus, string backend, string address, string dataFolder, string siteSource);

    [LoggerMessage(3100, LogLevel.Information, "Agent {Node} is online with {Gpus} GPUs")]
    public static partial void AgentOnline(ILogger logger, string node, int gpus);

    [LoggerMessage(3101, LogLevel.Warning, "Agent {Node} went offline; its GPUs count for the cap until their assignments expire, and are planned around once it has been silent for 15 s")]
    public static partial void AgentOffline(ILogger logger, string node);

    [LoggerMessage(3102, LogLevel.Warning, "Agent {Node} offers GPUs of pools the site file does not have ({Pools}); those GPUs are ignored")]
    public static partial void AgentUnknownPools(ILogger logger, string node, string pools);

    [LoggerMessage(3103, LogLevel.Warning, "Agent {Node} refused batch {Epoch}/{Seq}: {Reason}")]
    public static partial void BatchRefusedByAgent(ILogger logger, string node, long epoch, long seq, string reason);

    [LoggerMessage(3104, LogLevel.Warning, "Agent {Node}: unreadable message on {Topic} dropped: {Reason}")]
    public static partial void AgentBadMessage(ILogger logger, string node, string topic, string reason);

    [LoggerMessage(3105, LogLevel.Warning, "Agent {Node}: could not publish on {Topic} (broker not connected)")]
    public static partial void AgentPublishFailed(ILogger logger, string node, string topic);

    [LoggerMessage(3106, LogLevel.Error, "Agent {Node}: publishing on {Topic} failed")]
    public static partial void AgentPublishError(ILogger logger, string node, string topic, Exception exception);

    [LoggerMessage(3107, LogLevel.Warning, "Controller: unreadable message on {Topic} dropped: {Reason}")]
    public static partial void ControllerBadMessage(ILogger logger, string topic, string reason);

    [LoggerMessage(3108, LogLevel.Warning, "Demand response: {Kind} on {Node} ({Trigger}, threshold {Threshold}): {Gpus} GPUs commanded in {CommandMs:F1} ms, {BeforeW:F0} W → {TargetW:F0} W")]
    public static partial void DemandResponseEvidence(ILogger logger, string kind, string node, double trigger, double threshold, int gpus, double commandMs, double beforeW, double targetW);

    [LoggerMessage(3110, LogLevel.Information, "Agent {Node} started with {Gpus} GPUs ({MaxKw:F1} kW at most)")]
    public static partial void AgentStarted(ILogger logger, string node, int gpus, double maxKw);

    [LoggerMessage(3111, LogLevel.Error, "Agent {Node}: tick failed; the next tick retries")]
    public static partial void AgentTickFailed(ILogger logger, string node, Exception exception);

    [LoggerMessage(3112, LogLevel.Warning, "Daily price import from {Path} failed; the prices held stay in force: {Issues}")]
    public static partial void PriceImportFailed(ILogger logger, string path, string issues);

    [LoggerMessage(3113, LogLevel.Information, "Daily price import from {Path}: {Count} prices")]
    public static partial void PriceImported(ILogger logger, string path, int count);

    [LoggerMessage(3114, LogLevel.Warning, "Agent {Node}'s clock is {OffsetSeconds:+0.0;-0.0} s off the controller's: it refuses batches older than 3 s by its own clock and expiries allow 2 s; synchronise both hosts (NTP)")]
    public static partial void AgentClockOffset(ILogger logger, string node, double offsetSeconds);

    [LoggerMessage(3300, LogLevel.Information, "The grid cap is held against the site meter {Signal}: {BaseLoadKw:0.#} kW of load HeatGrid does not control")]
    public static partial void MeterInUse(ILogger logger, string signal, double baseLoadKw);

    [LoggerMessage(3301, LogLevel.Warning, "{Problem}")]
    public static partial void MeterLost(ILogger logger, string problem);

    [LoggerMessage(3302, LogLevel.Information, "No site meter is configured: the grid cap is held against HeatGrid's model with the site file's base load of {BaseLoadKw:0.#} kW")]
    public static partial void NoMeter(ILogger logger, double baseLoadKw);

    [LoggerMessage(3400, LogLevel.Information, "Agent keys from {Origin}: {Keys} key(s) for {Nodes} node(s)")]
    public static partial void AgentKeysLoaded(ILogger logger, string origin, int keys, int nodes);

    [LoggerMessage(3401, LogLevel.Error, "Agent keys from {Origin} not reloaded, the keys read before stay in force: {Problem}")]
    public static partial void AgentKeysReloadFailed(ILogger logger, string origin, string problem);

    [LoggerMessage(3402, LogLevel.Warning, "Agent {Node}: refused {Kind} on {Topic}: {Reason} ({Count} refused so far; nothing it says was followed)")]
    public static partial void AgentRefusedMessage(ILogger logger, string node, string kind, string topic, string reason, long count);

    [LoggerMessage(3403, LogLevel.Warning, "Refused {Kind} on {Topic}: {Reason} ({Count} refused on node {Node}'s topics so far; nothing in it was believed)")]
    public static partial void ControllerRefusedMessage(ILogger logger, string kind, string topic, string node, string reason, long count);

    [LoggerMessage(3404, LogLevel.Warning, "The controller-agent protocol is NOT signed ({Flag}): anyone who can publish on the broker can command the GPUs or speak for an agent")]
    public static partial void ProtocolUnsigned(ILogger logger, string flag);

    [LoggerMessage(3405, LogLevel.Critical, "An epoch announcement {Epoch} that this controller did not issue appeared on {Topic} ({Signed}); ours ({Ours}) is announced again")]
    public static partial void ForeignAnnouncement(ILogger logger, long epoch, string topic, string signed, long ours);

    [LoggerMessage(3406, LogLevel.Critical, "Agent {Node} refuses this controller's batches ({Reason}): someone else is commanding it")]
    public static partial void AgentCommandedElsewhere(ILogger logger, string node, string reason);

    [LoggerMessage(3407, LogLevel.Critical, "Agent {Node} follows epoch {Theirs}, above this controller's {Ours}: moving to epoch {New} and announcing it")]
    public static partial void EpochTakenOver(ILogger logger, string node, long theirs, long ours, long @new);

    [LoggerMessage(3408, LogLevel.Critical, "Agent {Node} reports epoch {Theirs}, which no controller issues (at most {Ceiling}); not followed: rotate that agent's key and restart it")]
    public static partial void EpochImplausible(ILogger logger, string node, long theirs, long ceiling);

    [LoggerMessage(3409, LogLevel.Critical, "Agent {Node} refused a batch this controller did not send ({Epoch}/{Seq}): {Reason}")]
    public static partial void AgentRefusedForgedBatch(ILogger logger, string node, long epoch, long seq, string reason);

    // The controller's check of what agents say against the site file: 3450–3499.
    [LoggerMessage(3450, LogLevel.Warning, "Controller refused what an agent said ({Key}): {Message}")]
    public static partial void FleetRefused(ILogger logger, string key, string message);

    [LoggerMessage(3451, LogLevel.Information, "Agent {Node} forgotten: offline for more than {Minutes:F0} min, and its place is needed")]
    public static partial void AgentForgotten(ILogger logger, string node, double minutes);

    [LoggerMessage(3500, LogLevel.Information, "Demo: {Description}")]
    public static partial void DemoScope(ILogger logger, string description);

    // Mining value for the planner (hashprice series, pools): 3640–3659.
    [LoggerMessage(3640, LogLevel.Warning, "Mining workload {Workload} hashes SHA-256d without a pool: its shares go nowhere, so it earns nothing and is planned at zero")]
    public static partial void MiningWithoutPool(ILogger logger, string workload);

    [LoggerMessage(3641, LogLevel.Error, "The value series of mining workload {Workload} cannot be used; it is planned at its constant value: {Reason}")]
    public static partial void MiningValueSeriesRefused(ILogger logger, string workload, string reason);

    [LoggerMessage(3642, LogLevel.Information, "Mining value series {Path} read: {Rows} rows of {Column}, {First:o} to {Last:o}")]
    public static partial void MiningValueSeriesRead(ILogger logger, string path, int rows, string column, DateTimeOffset first, DateTimeOffset last);

    // The energy ledger (Books): 3720–3739.
    [LoggerMessage(3720, LogLevel.Information, "Energy ledger {Path}: schema version {Version} ({Migrations} migrations applied now), {Slots} slots written")]
    public static partial void LedgerOpened(ILogger logger, string path, int version, int migrations, long slots);

    [LoggerMessage(3721, LogLevel.Information, "Energy ledger resumes the slot from {Start:o}: last tick {LastTick:o}, {DownSeconds:0} s ago; the downtime is flagged as a gap")]
    public static partial void LedgerResumed(ILogger logger, DateTimeOffset start, DateTimeOffset? lastTick, double downSeconds);

    [LoggerMessage(3722, LogLevel.Information, "Energy ledger closed slot {Start:o}: import {ImportKwh:0.###} kWh ({Basis}), GPUs {GpuKwh:0.###} kWh, reconciliation gap {GapKwh} kWh")]
    public static partial void LedgerSlotClosed(ILogger logger, DateTimeOffset start, double importKwh, string basis, double gpuKwh, string gapKwh);

    [LoggerMessage(3723, LogLevel.Error, "Energy ledger could not write; the slot stays in memory and the next tick tries again")]
    public static partial void LedgerWriteFailed(ILogger logger, Exception exception);

    [LoggerMessage(3724, LogLevel.Warning, "Energy ledger slot {Start:o} is an estimate: {Reasons}")]
    public static partial void LedgerSlotEstimated(ILogger logger, DateTimeOffset start, string reasons);

    [LoggerMessage(3725, LogLevel.Information, "Energy ledger slot {Start:o} was written before (a replay after a restart): left as it was")]
    public static partial void LedgerSlotReplayed(ILogger logger, DateTimeOffset start);

    [LoggerMessage(3726, LogLevel.Error, "Energy ledger checkpoint cannot be read; the slot in progress starts afresh: {Reason}")]
    public static partial void LedgerCheckpointUnreadable(ILogger logger, string reason);

    [LoggerMessage(3727, LogLevel.Information, "Energy ledger writes again after a failed write")]
    public static partial void LedgerWriteRecovered(ILogger logger);

    [LoggerMessage(3728, LogLevel.Warning, "Demo meter registers {Path} cannot be used ({Problem}); the demo's meters count from 0")]
    public static partial void DemoRegistersUnreadable(ILogger logger, string path, string problem);

    [LoggerMessage(3729, LogLevel.Warning, "Demo meter registers could not be saved to {Path}; the next save tries again: {Reason}")]
    public static partial void DemoRegistersNotSaved(ILogger logger, string path, string reason);

    // Statements from the energy ledger (GET /api/statements): 3740–3759.
    [LoggerMessage(3740, LogLevel.Warning, "Statement for {Party} from {From} to {To} could not be read from the ledger")]
    public static partial void StatementReadFailed(ILogger logger, string party, string from, string to, Exception exception);

    [LoggerMessage(3741, LogLevel.Debug, "Statement for {Party} from {From} to {To} as {Format}: {Slots} ledger slots")]
    public static partial void StatementServed(ILogger logger, string party, string from, string to, string format, int slots);

    // Authentication and roles on the HTTP API (DATA/users.json, API keys): 3820–3839.
    [LoggerMessage(3820, LogLevel.Warning, "The HTTP API on {Url} is open without authentication: no users in {Path}. Add one with: heatgrid users add NAME --role admin")]
    public static partial void ApiOpen(ILogger logger, string url, string path);

    [LoggerMessage(3821, LogLevel.Information, "The HTTP API on {Url} needs an API key: {Users} users in {Path}")]
    public static partial void ApiAuthenticated(ILogger logger, string url, int users, string path);

    [LoggerMessage(3822, LogLevel.Information, "Users file {Path} read: {Users} users, {Keys} keys")]
    public static partial void UsersRead(ILogger logger, string path, int users, int keys);

    [LoggerMessage(3823, LogLevel.Error, "Users file {Path} cannot be used; the {Users} users read before stay in force (none: every request is refused): {Problem}")]
    public static partial void UsersFileRefused(ILogger logger, string path, int users, string problem);

    [LoggerMessage(3824, LogLevel.Warning, "Users file {Path} holds no users any more: on loopback the HTTP API is open again, elsewhere it refuses every request")]
    public static partial void UsersNoneLeft(ILogger logger, string path);

    [LoggerMessage(3825, LogLevel.Debug, "Authentication failed from {Remote}: {Reason}")]
    public static partial void AuthenticationFailed(ILogger logger, string remote, string reason);

    [LoggerMessage(3826, LogLevel.Warning, "{Remote} tried {Failures} wrong API keys within {WindowSeconds:0} s; it is answered 429 until {Until:o}")]
    public static partial void AuthenticationsLimited(ILogger logger, string remote, int failures, double windowSeconds, DateTimeOffset until);

    [LoggerMessage(3827, LogLevel.Information, "Forbidden: {User} {Method} {Path}: {Reason}")]
    public static partial void AccessForbidden(ILogger logger, string user, string method, string path, string reason);

    // The audit trail (DATA/audit.jsonl): 3800–3819.
    [LoggerMessage(3800, LogLevel.Information, "Audit trail {Path}: continuing after seq {Seq}")]
    public static partial void AuditContinues(ILogger logger, string path, long seq);

    [LoggerMessage(3801, LogLevel.Warning, "Audit trail {Path} ended in a torn line ({Bytes} bytes: {Start}), an append a crash cut short: cut back to the last whole line, the cut recorded in the trail")]
    public static partial void AuditTornLine(ILogger logger, string path, long bytes, string start);

    [LoggerMessage(3802, LogLevel.Warning, "Audit trail {Path} ended in entry {Seq} without its newline: the entry is whole and follows the chain, so it stays")]
    public static partial void AuditTornLineKept(ILogger logger, string path, long seq);

    [LoggerMessage(3803, LogLevel.Critical, "Audit entry {What} could not be written to {Path} ({Reason}); the action itself stands, the alarm audit.write is raised")]
    public static partial void AuditWriteFailed(ILogger logger, string what, string path, string reason);

    [LoggerMessage(3804, LogLevel.Information, "Audit trail {Path} written again")]
    public static partial void AuditWritesAgain(ILogger logger, string path);

    [LoggerMessage(3805, LogLevel.Critical, "Audit trail {Path} line {Line} cannot be read ({Problem}); the chain continues after its last readable entry: run heatgrid audit verify")]
    public static partial void AuditLineUnreadable(ILogger logger, string path, int line, string problem);

    [LoggerMessage(3806, LogLevel.Critical, "Audit trail {Path} ends at seq {Seq} but its head records seq {HeadSeq}: lines were removed from its end; recorded in the trail")]
    public static partial void AuditTailMissing(ILogger logger, string path, long seq, long headSeq);

    [LoggerMessage(3807, LogLevel.Warning, "Audit head {Path} could not be written ({Reason}): the trail is whole, but a cut of its tail would go unseen until the head is written again")]
    public static partial void AuditHeadWriteFailed(ILogger logger, string path, string reason);

    [LoggerMessage(3808, LogLevel.Information, "Audit {Seq}: {What} by {Who} from {From}")]
    public static partial void AuditRecorded(ILogger logger, long seq, string what, string who, string from);

    // The API's description and metrics (/openapi/v1.json, /metrics): 3840–3859.
    [LoggerMessage(3840, LogLevel.Information, "The HTTP API describes itself at {Url}/openapi/v1.json (OpenAPI) and serves Prometheus metrics at {Url}/metrics")]
    public static partial void ObservabilityServed(ILogger logger, string url);

    // The operator policy at run time (GET/PUT /api/policy, DATA/policy/): 3860–3879.
    [LoggerMessage(3860, LogLevel.Information, "Policy version {Version} applies: {Source}, by {ChangedBy} at {ChangedAt:o} ({Folder})")]
    public static partial void PolicyResumed(ILogger logger, int version, string source, string changedBy, DateTimeOffset changedAt, string folder);

    [LoggerMessage(3861, LogLevel.Warning, "The site file's policy section is not that of the policy versions kept in {Folder} ({Why}): it becomes version {Version} (source site) and applies")]
    public static partial void PolicyFromSiteFile(ILogger logger, string folder, string why, int version);

    [LoggerMessage(3862, LogLevel.Information, "Policy version {Version} ({What}) by {Who} from {From}: {Changes}")]
    public static partial void PolicyChanged(ILogger logger, int version, string what, string who, string from, string changes);

    [LoggerMessage(3863, LogLevel.Error, "Policy version file unreadable, left out: {Problem}")]
    public static partial void PolicyVersionUnreadable(ILogger logger, string problem);

    [LoggerMessage(3864, LogLevel.Critical, "Policy version {Version} could not be saved in {Folder} ({Reason}); {Outcome}")]
    public static partial void PolicyNotSaved(ILogger logger, int version, string folder, string reason, string outcome);

    [LoggerMessage(3865, LogLevel.Information, "Policy change by {Who} refused: {Why}")]
    public static partial void PolicyRefused(ILogger logger, string who, string why);

    [LoggerMessage(3866, LogLevel.Error, "Policy version {Version} kept in {Folder} does not read as a site file's policy ({Errors}): the site file's policy applies")]
    public static partial void PolicyVersionInvalid(ILogger logger, int version, string folder, string errors);

    // The dashboard: browser sessions, CSRF, live events: 3880–3899.
    [LoggerMessage(3880, LogLevel.Information, "Browser session opened for {User} ({Role}, key {KeyId}) from {Remote}")]
    public static partial void SessionOpened(ILogger logger, string user, string role, string keyId, string remote);

    [LoggerMessage(3881, LogLevel.Information, "Browser session of {User} closed from {Remote}")]
    public static partial void SessionClosed(ILogger logger, string user, string remote);

    [LoggerMessage(3882, LogLevel.Warning, "{Method} {Path} by {User} from {Remote} refused: a session cookie without its X-CSRF-Token")]
    public static partial void CsrfRefused(ILogger logger, string user, string method, string path, string remote);

    [LoggerMessage(3883, LogLevel.Warning, "Live events refused to {Remote}: {MaxClients} clients already follow them")]
    public static partial void EventClientsFull(ILogger logger, int maxClients, string remote);

    [LoggerMessage(3884, LogLevel.Information, "The dashboard is served at {Url}/")]
    public static partial void DashboardServed(ILogger logger, string url);

    [LoggerMessage(3885, LogLevel.Warning, "This build has no dashboard (the npm build of dashboard/ did not run): {Url}/ answers 404; the API is unchanged")]
    public static partial void DashboardMissing(ILogger logger, string url);

    [LoggerMessage(3920, LogLevel.Information, "PoUW job registry: {Jobs} jobs from {Path}; tickets valued by {Pricing}")]
    public static partial void PouwRegistryLoaded(ILogger logger, int jobs, string path, string pricing);

    [LoggerMessage(3921, LogLevel.Information, "PoUW job {Tenant}/{Job} registered: {Parameters}, weights root {WeightsRoot}")]
    public static partial void PouwJobRegistered(ILogger logger, string tenant, string job, string parameters, string weightsRoot);

    [LoggerMessage(3922, LogLevel.Debug, "PoUW job {Tenant}/{Job}: request batch logged with activations root {ActivationsRoot}")]
    public static partial void PouwBatchLogged(ILogger logger, string tenant, string job, string activationsRoot);

    [LoggerMessage(3923, LogLevel.Information, "PoUW ticket {TicketId} of {Tenant}/{Job} header {Sequence} accepted: {WorkUnits} work units")]
    public static partial void PouwTicketAccepted(ILogger logger, string tenant, string job, long sequence, string ticketId, long workUnits);

    [LoggerMessage(3924, LogLevel.Information, "PoUW ticket {TicketId} of {Tenant}/{Job} header {Sequence} refused: {Reason} ({Detail})")]
    public static partial void PouwTicketRefused(ILogger logger, string tenant, string job, long sequence, string ticketId, string reason, string detail);

    [LoggerMessage(3925, LogLevel.Error, "The PoUW job registry could not be saved to {Path}")]
    public static partial void PouwRegistrySaveFailed(ILogger logger, string path, Exception exception);

    // PoUW on the node agent (NodeAgent/Pouw): 3940–3959.
    [LoggerMessage(3940, LogLevel.Information, "PoUW: the mining workload mines job {Tenant}/{Job} of {Api} ({Where}); weights from seed {Seed}; tickets through the outbox {Folder}")]
    public static partial void PouwNodeMining(ILogger logger, string tenant, string job, string api, string where, long seed, string folder);

    [LoggerMessage(3941, LogLevel.Information, "PoUW job {Tenant}/{Job}: header {Sequence} ({Parameters}) taken; its weights root is this agent's W")]
    public static partial void PouwHeaderTaken(ILogger logger, string tenant, string job, long sequence, string parameters);

    [LoggerMessage(3942, LogLevel.Warning, "PoUW job {Tenant}/{Job}: not mining: {Reason}; the header is read again in {RetrySeconds:F0} s")]
    public static partial void PouwNotMining(ILogger logger, string tenant, string job, string reason, double retrySeconds);

    [LoggerMessage(3943, LogLevel.Warning, "PoUW job {Tenant}/{Job}: the header could not be read ({Reason}: {Detail}); again in {RetrySeconds:F0} s")]
    public static partial void PouwHeaderUnavailable(ILogger logger, string tenant, string job, string reason, string detail, double retrySeconds);

    [LoggerMessage(3944, LogLevel.Error, "PoUW: the controller refused this agent's API key on {What} (HTTP {Status}: {Detail}); give an agent key (--pouw-key-file); again in {RetrySeconds:F0} s")]
    public static partial void PouwUnauthorized(ILogger logger, string what, int status, string detail, double retrySeconds);

    [LoggerMessage(3945, LogLevel.Debug, "PoUW job {Tenant}/{Job}: batch {Counter} logged, activations root {ActivationsRoot}")]
    public static partial void PouwNodeBatchLogged(ILogger logger, string tenant, string job, long counter, string activationsRoot);

    [LoggerMessage(3946, LogLevel.Warning, "PoUW job {Tenant}/{Job}: batch {Counter} could not be logged ({Reason}: {Detail}), so it is not mined; again in {RetrySeconds:F1} s")]
    public static partial void PouwBatchNotLogged(ILogger logger, string tenant, string job, long counter, string reason, string detail, double retrySeconds);

    [LoggerMessage(3947, LogLevel.Information, "PoUW ticket {TicketId} of {Tenant}/{Job} accepted by the controller: {WorkUnits} work units")]
    public static partial void PouwNodeTicketAccepted(ILogger logger, string ticketId, string tenant, string job, long workUnits);

    [LoggerMessage(3948, LogLevel.Warning, "PoUW ticket {TicketId} of {Tenant}/{Job} refused by the controller: {Reason} ({Detail}); final, out of the outbox")]
    public static partial void PouwNodeTicketRefused(ILogger logger, string ticketId, string tenant, string job, string reason, string detail);

    [LoggerMessage(3949, LogLevel.Warning, "PoUW ticket {TicketId} not delivered ({Reason}: {Detail}); {Pending} held in the outbox, again in {RetrySeconds:F1} s")]
    public static partial void PouwTicketHeld(ILogger logger, string ticketId, string reason, string detail, int pending, double retrySeconds);

    [LoggerMessage(3950, LogLevel.Warning, "PoUW outbox over its cap of {Cap} tickets: the oldest, {TicketFile}, dropped undelivered")]
    public static partial void PouwOutboxDropped(ILogger logger, int cap, string ticketFile);

    [LoggerMessage(3951, LogLevel.Information, "PoUW outbox {Folder}: {Count} tickets from before the restart to deliver")]
    public static partial void PouwOutboxLoaded(ILogger logger, string folder, int count);

    [LoggerMessage(3952, LogLevel.Error, "PoUW ticket {TicketId} could not be written to the outbox {Folder}: lost")]
    public static partial void PouwOutboxWriteFailed(ILogger logger, string ticketId, string folder, Exception exception);

    [LoggerMessage(3953, LogLevel.Warning, "PoUW outbox file {TicketFile} is not a ticket ({Reason}): moved aside as .bad")]
    public static partial void PouwOutboxUnreadable(ILogger logger, string ticketFile, string reason);

    [LoggerMessage(3954, LogLevel.Error, "PoUW {Loop} loop failed; it goes on in {RetrySeconds:F0} s")]
    public static partial void PouwNodeLoopFailed(ILogger logger, string loop, double retrySeconds, Exception exception);

    [LoggerMessage(3955, LogLevel.Information, "PoUW: the controller is reached again; {Pending} tickets held in the outbox are being delivered")]
    public static partial void PouwControllerBack(ILogger logger, int pending);

    // High availability (--ha): leadership on PostgreSQL, 3960–3979.
    [LoggerMessage(3960, LogLevel.Information, "HA database {Database}: schema step {Version} applied ({Name})")]
    public static partial void HaMigrationApplied(ILogger logger, int version, string name, string database);

    [LoggerMessage(3961, LogLevel.Warning, "This controller ({Name}) leads now, with epoch {Epoch}: {Why}")]
    public static partial void HaLeading(ILogger logger, string name, long epoch, string why);

    [LoggerMessage(3962, LogLevel.Critical, "This controller stopped leading (epoch {Epoch}): {Why}; it sends no batch from now on and waits as a standby")]
    public static partial void HaSteppedDown(ILogger logger, long epoch, string why);

    [LoggerMessage(3963, LogLevel.Information, "Standby: the leadership lock is free, but {Leader}'s lease may still be current; taking over in {Seconds:0.0} s unless it renews")]
    public static partial void HaWaitingForLease(ILogger logger, string leader, double seconds);

    [LoggerMessage(3964, LogLevel.Warning, "Standby: {Leader}'s database session (pid {Pid}) holds the leadership lock without renewing for {Seconds:0.0} s (a host gone without closing its connection): terminated ({Done})")]
    public static partial void HaStaleSessionTerminated(ILogger logger, string leader, int pid, double seconds, bool done);

    [LoggerMessage(3965, LogLevel.Error, "The HA database {Database} cannot be reached ({Problem}): this controller does not dispatch until it can; retried every half second")]
    public static partial void HaDatabaseLost(ILogger logger, string database, string problem);

    [LoggerMessage(3966, LogLevel.Information, "The HA database {Database} answers again")]
    public static partial void HaDatabaseBack(ILogger logger, string database);

    [LoggerMessage(3967, LogLevel.Information, "Leadership (epoch {Epoch}) released: a standby takes over at once")]
    public static partial void HaReleased(ILogger logger, long epoch);

    [LoggerMessage(3968, LogLevel.Warning, "Leadership could not be released in the database ({Problem}): a standby takes over when the lease runs out, {Seconds:0.#} s after the last renewal")]
    public static partial void HaReleaseFailed(ILogger logger, string problem, double seconds);

    [LoggerMessage(3969, LogLevel.Error, "Taking over leadership failed; stepping down")]
    public static partial void HaTakeoverFailed(ILogger logger, Exception exception);

    [LoggerMessage(3970, LogLevel.Warning, "Epoch {Seen} seen ({Where}), above this controller's {Epoch}: checked against the database")]
    public static partial void HaNewerEpochSeen(ILogger logger, long seen, string where, long epoch);

    [LoggerMessage(3971, LogLevel.Information, "Standby: {Method} {Path} refused, writes go to the leader ({Leader})")]
    public static partial void HaWriteRefused(ILogger logger, string method, string path, string leader);

    [LoggerMessage(3972, LogLevel.Debug, "Standby: the leader's policy and curtailments could not be read again ({Problem}); what was read last stays")]
    public static partial void HaRefreshFailed(ILogger logger, string problem);

    [LoggerMessage(3973, LogLevel.Information, "Energy ledger: no longer leading, the leader keeps the books; {Unwritten} closed slot(s) not written and the slot from {Start:o} are left to it (it resumes from the last checkpoint written)")]
    public static partial void LedgerHandedOver(ILogger logger, int unwritten, DateTimeOffset? start);

    // The audit trail in the shared database (--ha), 3980–3984.
    [LoggerMessage(3980, LogLevel.Critical, "Audit entry {What} could not be written to {Where} ({Reason}): held in memory ({Held} held, at most {Cap}) and written in order when it answers; the alarm audit.write is raised")]
    public static partial void AuditPgWriteFailed(ILogger logger, string what, string where, string reason, int held, int cap);

    [LoggerMessage(3981, LogLevel.Information, "Audit trail {Where} written again: {Count} entries written in order")]
    public static partial void AuditPgWritesAgain(ILogger logger, string where, int count);

    [LoggerMessage(3982, LogLevel.Critical, "Audit entry {What} dropped: {Cap} entries are held already while {Where} cannot be written ({Lost} dropped; recorded as audit.lost once there is room)")]
    public static partial void AuditPgDropped(ILogger logger, string what, string where, int cap, long lost);

    [LoggerMessage(3983, LogLevel.Critical, "Audit trail {Where} ends at seq {Seq} but its head records seq {HeadSeq}: rows were removed from its end; recorded in the trail")]
    public static partial void AuditPgTailMissing(ILogger logger, string where, long seq, long headSeq);

    [LoggerMessage(3984, LogLevel.Error, "Stopping with {Held} audit entries not written to {Where} (the database did not answer): lost")]
    public static partial void AuditPgHeldAtStop(ILogger logger, int held, string where);

    // High availability (--ha): the API's users in the shared database, 3985–3989.
    [LoggerMessage(3985, LogLevel.Information, "Users read from {Where}: {Users} users, {Keys} keys")]
    public static partial void UsersSharedRead(ILogger logger, string where, int users, int keys);

    [LoggerMessage(3986, LogLevel.Error, "Users in {Where} cannot be read; the {Users} users read before stay in force (none: every request is refused): {Problem}")]
    public static partial void UsersSharedUnreadable(ILogger logger, string where, int users, string problem);

    [LoggerMessage(3987, LogLevel.Information, "Users in {Where} can be read again")]
    public static partial void UsersSharedBack(ILogger logger, string where);

    [LoggerMessage(3988, LogLevel.Warning, "{Where} holds no users any more: on loopback the HTTP API is open again, elsewhere it refuses every request")]
    public static partial void UsersSharedNoneLeft(ILogger logger, string where);

    // High availability (--ha): the PoUW job registry in the shared database (Pouw/), 3994–3999.
    [LoggerMessage(3994, LogLevel.Information, "Taking over: PoUW job registry read again from {Where}: {Jobs} jobs, the newest request batches restored from the ledger")]
    public static partial void PouwSharedTakenOver(ILogger logger, string where, int jobs);

    [LoggerMessage(3995, LogLevel.Critical, "The PoUW job registry in {Where} does not read as one; the {Jobs} jobs in memory stay in force and it is not overwritten: {Problem}")]
    public static partial void PouwSharedUnreadable(ILogger logger, string where, int jobs, string problem);

    [LoggerMessage(3996, LogLevel.Information, "The PoUW job registry in {Where} reads again: {Jobs} jobs")]
    public static partial void PouwSharedReadable(ILogger logger, string where, int jobs);

    [LoggerMessage(3997, LogLevel.Debug, "Standby: PoUW job registry read again from {Where} (the leader wrote it): {Jobs} jobs")]
    public static partial void PouwSharedRefreshed(ILogger logger, string where, int jobs);

    [LoggerMessage(3998, LogLevel.Warning, "The PoUW job registry in {Where} cannot be read now; the jobs read before stay: {Problem}")]
    public static partial void PouwSharedRefreshFailed(ILogger logger, string where, string problem);

    // High availability (--ha): demand-response evidence in the shared database, 3990–3993.
    [LoggerMessage(3990, LogLevel.Critical, "Demand-response event {Node}/{Id} dropped unwritten: {Cap} events are held already while {Where} refuses writes ({Dropped} dropped)")]
    public static partial void DemandResponseHeldDropped(ILogger logger, string node, string id, string where, int cap, long dropped);

    [LoggerMessage(3991, LogLevel.Error, "Stopping with {Held} demand-response events not written to {Where} (the database did not answer): the other controller keeps its own copy of the agents' reports")]
    public static partial void DemandResponseHeldAtStop(ILogger logger, int held, string where);

    [LoggerMessage(3992, LogLevel.Information, "Demand-response events held while {Where} refused writes are written now")]
    public static partial void DemandResponseHeldWritten(ILogger logger, string where);

    [LoggerMessage(3993, LogLevel.Information, "Taking over: {Merged} demand-response events the previous leader completed read from {Where} ({Count} read)")]
    public static partial void DemandResponseMerged(ILogger logger, int merged, string where, int count);
}
