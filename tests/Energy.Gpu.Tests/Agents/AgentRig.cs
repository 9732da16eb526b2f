using Energy.Contracts.Agents;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;
using Energy.Gpu.Agents;
using Energy.Gpu.Devices;
using Energy.Gpu.Simulation;
using Energy.TestSupport.Logging;
using Energy.TestSupport.Sites;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Agents;

/// <summary>
/// One <see cref="AgentCore"/> over simulated GPUs of pool "p" (idle 80 W, limits 200–700 W, power
/// following a new target with τ = 0.3 s, falling to idle 25 ms after a stop with τ = 20 ms), on a fake
/// clock, with helpers to build batches and let time pass.
/// </summary>
internal sealed class AgentRig
{
    public static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    public AgentRig(int gpus = 3, AgentOptions? options = null, string node = "node-1", FakeTimeProvider? time = null)
    {
        Time = time ?? new FakeTimeProvider(Start);
        Gpus = SimulatedFleet.ForSite(TestSites.With(TestSites.Pool("p", gpus)), Time);
        Agent = new AgentCore(node, Gpus, options ?? LongDeadman(AgentOptions.Default), Time, Logger);
    }

    public FakeTimeProvider Time { get; }

    public CapturingLogger<AgentCore> Logger { get; } = new();

    public IReadOnlyList<IGpuDevice> Gpus { get; }

    public AgentCore Agent { get; }

    public DateTimeOffset Now => Time.GetUtcNow();

    public static AgentOptions WithDemandResponse(DemandResponsePolicy policy, SafeState safe = SafeState.Idle, IReadOnlyList<ShedStep>? order = null) =>
        LongDeadman(new(safe, policy, order ?? OperatorPolicy.DefaultShedOrder));

    /// <summary>
    /// Options whose dead-man does not cut the rig's long batches (ten minutes, for tests of other rules);
    /// <see cref="AgentCoreSiteFileTests"/> checks the cut with the real dead-man.
    /// </summary>
    public static AgentOptions LongDeadman(AgentOptions options) => options with { Deadman = TimeSpan.FromHours(1) };

    public static GpuCommand Work(string gpu, double watts, ShedStep? shed = ShedStep.Mining, string workload = "work") =>
        new(gpu, workload, watts, shed);

    public static GpuCommand Idle(string gpu) => new(gpu, null, 80);

    /// <summary>A batch of epoch 1 sent now, valid for <paramref name="validFor"/> (10 s by default).</summary>
    public AssignmentBatch Batch(long seq, double capShareW, params GpuCommand[] gpus) => Batch(1, seq, capShareW, TimeSpan.FromSeconds(10), gpus);

    public AssignmentBatch Batch(long epoch, long seq, double capShareW, TimeSpan validFor, params GpuCommand[] gpus) =>
        new(AgentJson.Version, Agent.Node, epoch, seq, Now, Now + validFor, capShareW, gpus);

    public GpuState Read(string gpu) => Gpus.Single(g => g.Id == gpu).Read();

    public GpuTelemetry Reported(string gpu) => Agent.Telemetry().Gpus.Single(g => g.Gpu == gpu);

    /// <summary>Lets time pass in steps of 100 ms, ticking the agent after each, and returns the evidence the ticks gave.</summary>
    /// <summary>Whether <see cref="Run"/> repeats the last frequency every second, as a meter polled once a second does.</summary>
    public bool FeedFrequency { get; set; } = true;

    public List<DemandResponseEvent> Run(TimeSpan span)
    {
        var events = new List<DemandResponseEvent>();
        var end = Now + span;
        var ticks = 0;
        while (Now < end)
        {
            Time.Advance(TimeSpan.FromMilliseconds(100));
            if (FeedFrequency && _lastHz is { } hz && ++ticks % 10 == 0 && Agent.OnFrequency(new FrequencySample(hz, Now), Now) is { } shed)
            {
                events.Add(shed);
            }

            events.AddRange(Agent.Tick());
        }

        return events;
    }

    private double? _lastHz;

    /// <summary>A grid-frequency sample measured and seen now.</summary>
    public DemandResponseEvent? Frequency(double hz)
    {
        _lastHz = hz;
        return Agent.OnFrequency(new FrequencySample(hz, Now), Now);
    }
}
