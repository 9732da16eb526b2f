using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Gpu.Control;
using Energy.Gpu.Devices;
using Energy.Gpu.Interop;
using Energy.Gpu.Nvml;
using Energy.Gpu.Tests.Interop;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Devices;

public sealed class CudaGpuDeviceTests : IDisposable
{
    private static readonly TimeSpan Sample = new PowerControllerOptions().SamplePeriod;

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly FakeNvmlApi _nvml = new() { InstantMilliwatts = 250_000, PowerMilliwatts = 240_000, EnergyMillijoules = 9_000_000, Celsius = 61 };
    private readonly RecordingLoads _loads = new();
    private readonly CapturingLogger<CudaGpuDevice> _logger = new();
    private CudaGpuDevice? _device;

    public void Dispose() => _device?.Dispose();

    private CudaGpuDevice Device(NvmlPowerLimitMode limit = NvmlPowerLimitMode.Off)
    {
        var nvml = NvmlGpu.Open(_nvml, 0, new NvmlGpuOptions { AllowSetPowerLimit = limit == NvmlPowerLimitMode.Apply });
        var kinds = new Dictionary<string, WorkloadKind>(StringComparer.Ordinal)
        {
            ["btc"] = WorkloadKind.Mining, ["bath-heat"] = WorkloadKind.Heater, ["acme"] = WorkloadKind.Inference,
        };
        _device = new CudaGpuDevice("liquid/cuda0", "liquid", nvml, Power.FromWatts(120), _loads,
            w => kinds.TryGetValue(w, out var k) ? k : null, _time, _logger, new CudaGpuDeviceOptions { PowerLimit = limit });
        return _device;
    }

    [Fact]
    public void Construct_TakesNameUuidAndPowerRangeFromNvml()
    {
        var device = Device();

        Assert.Equal("NVIDIA H200", device.Model);
        Assert.Equal("GPU-5e1f0a3b-9c2d-4e8f-a1b2-c3d4e5f60718", device.Uuid);
        Assert.Equal((200.0, 700.0, 120.0), (device.MinPower.Watts, device.MaxPower.Watts, device.IdlePower.Watts));
    }

    [Fact]
    public void Read_ReportsInstantAverageEnergyAndTemperatureFromNvml()
    {
        var device = Device();
        device.Apply("btc", Power.FromWatts(300));

        var state = device.Read();

        Assert.Equal(("liquid/cuda0", "liquid", "btc"), (state.GpuId, state.Pool, state.Workload));
        Assert.Equal(300, state.PowerTarget.Watts);
        Assert.Equal(250, state.Power.Watts);
        Assert.Equal(240, state.AveragePower.Watts);
        Assert.Equal(9_000, state.EnergyCounter.Joules, 6);
        Assert.Equal(61, state.Temperature.Celsius);
        Assert.Equal(_time.GetUtcNow(), state.Timestamp);
    }

    [Fact]
    public void Apply_Mining_MakesTheMiningLoadOnce_AndItsControllerSteersItsDutyCycle()
    {
        var device = Device();

        device.Apply("btc", Power.FromWatts(300));
        device.Apply("btc", Power.FromWatts(320));
        _time.Advance(Sample);

        var load = Assert.Single(_loads.Made);
        Assert.Equal(WorkloadKind.Mining, load.Kind);
        Assert.Same(load, device.ActiveLoad);
        Assert.NotEmpty(load.Duties);
        Assert.Equal(320, device.TargetStatus!.Held.Watts);
    }

    [Fact]
    public void Apply_AnotherWorkload_IdlesTheOldLoadAndItsControllerStopsSteeringIt()
    {
        var device = Device();
        device.Apply("btc", Power.FromWatts(300));
        _time.Advance(Sample);
        var mining = _loads.Made[0];

        device.Apply("bath-heat", Power.FromWatts(450));
        var dutiesAfterSwitch = mining.Duties.Count;
        _time.Advance(Sample * 5);

        Assert.Equal(0, mining.Duty);
        Assert.Equal(1, mining.Idles);
        Assert.Equal(dutiesAfterSwitch, mining.Duties.Count);
        var heater = _loads.Made[1];
        Assert.Equal(WorkloadKind.Heater, heater.Kind);
        Assert.Equal(5, heater.Duties.Count);
        Assert.Single(_logger.WithEventId(2308), e => e.Message.Contains("btc → bath-heat", StringComparison.Ordinal));
    }

    [Fact]
    public void Apply_Idle_StopsControlAndIdlesTheLoad()
    {
        var device = Device();
        device.Apply("acme", Power.FromWatts(500));

        device.Apply(null, Power.Zero);
        _time.Advance(Sample * 3);

        var inference = Assert.Single(_loads.Made);
        Assert.Equal(WorkloadKind.Inference, inference.Kind);
        Assert.Equal(0, inference.Duty);
        Assert.Null(device.ActiveLoad);
        Assert.Null(device.Read().Workload);
        Assert.Equal(120, device.Read().PowerTarget.Watts);
    }

    [Fact]
    public void Apply_WorkloadTheSiteDoesNotKnow_HoldsIdle_AndSaysSoOnce()
    {
        var device = Device();

        device.Apply("folding@home", Power.FromWatts(300));
        device.Apply("folding@home", Power.FromWatts(310));

        Assert.Empty(_loads.Made);
        Assert.Null(device.Read().Workload);
        Assert.Single(_logger.WithEventId(2310));
    }

    [Fact]
    public void Apply_LoadCannotBeMade_HoldsIdle_AndSaysWhy()
    {
        _loads.Fail = new CublasException("cublasCreate_v2", CublasStatus.NotInitialized);
        var device = Device();

        device.Apply("bath-heat", Power.FromWatts(450));

        Assert.Null(device.ActiveLoad);
        Assert.Contains("cublasCreate_v2", Assert.Single(_logger.WithEventId(2310)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_TargetAboveHashingsCeiling_IsHeldAtTheCeiling_AndLoggedOnce()
    {
        var device = Device();

        device.Apply("btc", Power.FromWatts(600));
        device.Apply("btc", Power.FromWatts(600));

        Assert.False(device.TargetStatus!.Reachable);
        Assert.Equal(390, device.TargetStatus.Held.Watts);
        Assert.Contains("use the heater", Assert.Single(_logger.WithEventId(2309)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_RepeatedEachSecond_LetsTheControllerFindAPinnedTargetOutOfReach()
    {
        // The heater pinned at full duty while NVML keeps reading 250 W: 450 W cannot be reached.
        var device = Device();

        for (var second = 0; second < 4; second++)
        {
            device.Apply("bath-heat", Power.FromWatts(450));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        device.Apply("bath-heat", Power.FromWatts(450));

        Assert.False(device.TargetStatus!.Reachable);
        Assert.Contains("target out of reach", Assert.Single(_logger.WithEventId(2309)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NvmlFails_ReturnsTheLastGoodReading_LogsOnceEachWay()
    {
        var device = Device();
        var good = device.Read();
        _nvml.Codes["nvmlDeviceGetTotalEnergyConsumption"] = NvmlReturn.GpuIsLost;
        _time.Advance(TimeSpan.FromSeconds(1));

        var during = device.Read();
        device.Read();
        _nvml.Codes.Clear();
        var after = device.Read();

        Assert.Equal(good, during);
        Assert.Single(_logger.WithEventId(2311));
        Assert.Single(_logger.WithEventId(2312));
        Assert.Equal(_time.GetUtcNow(), after.Timestamp);
    }

    [Fact]
    public void PowerLimit_OffByDefault_NeverTouchesIt()
    {
        var device = Device();

        device.Apply("bath-heat", Power.FromWatts(450));
        device.Dispose();

        Assert.Empty(_nvml.SetCalls);
        Assert.Empty(_logger.WithEventId(2313));
    }

    [Fact]
    public void PowerLimit_DryRun_SaysWhatItWouldSet_AndSetsNothing()
    {
        var device = Device(NvmlPowerLimitMode.DryRun);

        device.Apply("bath-heat", Power.FromWatts(450));

        Assert.Empty(_nvml.SetCalls);
        Assert.Contains("dry run, would set the power limit from 700 W to 450 W", Assert.Single(_logger.WithEventId(2313)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PowerLimit_Apply_SetsEachTarget_AndPutsTheOriginalBackOnDispose()
    {
        var device = Device(NvmlPowerLimitMode.Apply);

        device.Apply("bath-heat", Power.FromWatts(450));
        device.Apply("bath-heat", Power.FromWatts(450.4));
        device.Apply("bath-heat", Power.FromWatts(500));
        device.Dispose();

        Assert.Equal([450_000u, 500_000u, 700_000u], _nvml.SetCalls);
    }

    [Fact]
    public void Dispose_IdlesAndDisposesEveryLoadMade_AndTheFactory()
    {
        var device = Device();
        device.Apply("btc", Power.FromWatts(300));
        device.Apply("bath-heat", Power.FromWatts(450));

        device.Dispose();

        Assert.All(_loads.Made, l => Assert.True(l.Disposed));
        Assert.True(_loads.Disposed);
        Assert.Throws<ObjectDisposedException>(() => device.Apply("btc", Power.FromWatts(300)));
    }

    private sealed class RecordingLoads : IGpuLoadFactory, IDisposable
    {
        public List<RecordingLoad> Made { get; } = [];
        public Exception? Fail { get; set; }
        public bool Disposed { get; private set; }

        public ILoadActuator Create(WorkloadKind kind, IGpuDevice gpu)
        {
            if (Fail is not null)
            {
                throw Fail;
            }

            var model = kind == WorkloadKind.Mining ? DutyCycleModel.Sha256d : DutyCycleModel.Heater(gpu.MaxPower);
            var load = new RecordingLoad(kind, gpu, model);
            Made.Add(load);
            return load;
        }

        public void Dispose() => Disposed = true;
    }

    private sealed class RecordingLoad(WorkloadKind kind, IGpuDevice device, DutyCycleModel model) : ILoadActuator, IDisposable
    {
        public WorkloadKind Kind => kind;
        public IGpuDevice Device => device;
        public DutyCycleModel Model => model;
        public double Duty { get; private set; }
        public Power MinReachable => Model.PowerAt(0);
        public Power MaxReachable => Power.Min(Model.PowerAt(1), Device.MaxPower);
        public List<double> Duties { get; } = [];
        public int Idles { get; private set; }
        public bool Disposed { get; private set; }

        public void SetDuty(double duty)
        {
            Duty = duty;
            Duties.Add(duty);
        }

        public void Idle()
        {
            Duty = 0;
            Idles++;
        }

        public void Dispose() => Disposed = true;
    }
}
