using Energy.Contracts.Units;
using Energy.Gpu.Interop;
using Energy.Gpu.Nvml;

namespace Energy.Gpu.Tests.Interop;

public class NvmlGpuTests
{
    private static NvmlGpu Open(FakeNvmlApi api, bool allowSet = false) =>
        NvmlGpu.Open(api, 0, new NvmlGpuOptions { AllowSetPowerLimit = allowSet });

    [Fact]
    public void Reads_ConvertNvmlUnits()
    {
        var gpu = Open(new FakeNvmlApi());

        Assert.Equal(386.0, gpu.AveragePower.Watts, 9);
        Assert.Equal(412.5, gpu.InstantPower.Watts, 9);
        Assert.Equal(1_234.567, gpu.EnergyCounter.Joules, 6);
        Assert.Equal(54.0, gpu.Temperature.Celsius);
        Assert.Equal(new PowerLimits(Power.FromWatts(200), Power.FromWatts(700), Power.FromWatts(700), Power.FromWatts(700)), gpu.PowerLimits);
        Assert.Equal("NVIDIA H200", gpu.Name);
        Assert.True(gpu.CanReadInstantPower);
    }

    [Theory]
    [InlineData(NvmlReturn.Success, NvmlReturn.NotSupported)]
    [InlineData(NvmlReturn.NotSupported, NvmlReturn.Success)]
    public void InstantPower_NotSupported_FallsBackToAverageAndClearsCapability(NvmlReturn callCode, NvmlReturn fieldCode)
    {
        var api = new FakeNvmlApi { InstantFieldCode = fieldCode };
        api.Codes["nvmlDeviceGetFieldValues"] = callCode;
        var gpu = Open(api);

        Assert.Equal(386.0, gpu.InstantPower.Watts, 9);
        Assert.False(gpu.CanReadInstantPower);
    }

    [Fact]
    public void InstantPower_FieldFails_ThrowsNamingTheField()
    {
        var gpu = Open(new FakeNvmlApi { InstantFieldCode = NvmlReturn.GpuIsLost });

        var ex = Assert.Throws<NvmlException>(() => gpu.InstantPower);
        Assert.Contains("NVML_FI_DEV_POWER_INSTANT", ex.Message, StringComparison.Ordinal);
        Assert.Equal(NvmlReturn.GpuIsLost, ex.Code);
    }

    [Fact]
    public void AveragePower_GpuLost_ThrowsNvmlExceptionNamingCallAndCode()
    {
        var api = new FakeNvmlApi();
        api.Codes["nvmlDeviceGetPowerUsage"] = NvmlReturn.GpuIsLost;

        var ex = Assert.Throws<NvmlException>(() => Open(api).AveragePower);
        Assert.Equal("nvmlDeviceGetPowerUsage", ex.Function);
        Assert.Equal("nvmlDeviceGetPowerUsage failed: NVML_ERROR_GPU_IS_LOST (15)", ex.Message);
    }

    [Fact]
    public void ClockEventReasons_NewNameMissing_FallsBackToThrottleReasons()
    {
        var api = new FakeNvmlApi { Reasons = 0x4 | 0x1 };
        api.Codes["nvmlDeviceGetCurrentClocksEventReasons"] = NvmlReturn.FunctionNotFound;

        Assert.Equal(ClockEventReasons.SoftwarePowerCap | ClockEventReasons.GpuIdle, Open(api).ClockEventReasons);
    }

    [Fact]
    public void TrySetPowerLimit_NotEnabled_IsDryRunAndCallsNothing()
    {
        var api = new FakeNvmlApi();
        var gpu = Open(api);

        var change = gpu.TrySetPowerLimit(Power.FromWatts(450));

        Assert.False(gpu.CanSetPowerLimit);
        Assert.Equal(PowerLimitChangeOutcome.DryRun, change.Outcome);
        Assert.Equal("dry run, would set the power limit from 700 W to 450 W; range 200–700 W, default 700 W", change.Description);
        Assert.Empty(api.SetCalls);
    }

    [Fact]
    public void DescribePowerLimitChange_OutOfRange_SaysItClamps()
    {
        Assert.Contains("to 200 W (asked 50 W, clamped)", Open(new FakeNvmlApi()).DescribePowerLimitChange(Power.FromWatts(50)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(NvmlReturn.NoPermission)]
    [InlineData(NvmlReturn.NotSupported)]
    public void TrySetPowerLimit_DriverRefuses_IsAStateNotACrash(NvmlReturn refusal)
    {
        var api = new FakeNvmlApi();
        api.Codes["nvmlDeviceSetPowerManagementLimit"] = refusal;
        var gpu = Open(api, allowSet: true);
        Assert.True(gpu.CanSetPowerLimit);

        var change = gpu.TrySetPowerLimit(Power.FromWatts(450));

        Assert.Equal(PowerLimitChangeOutcome.Refused, change.Outcome);
        Assert.Contains(refusal.ToNvidiaName(), change.Description, StringComparison.Ordinal);
        Assert.False(gpu.CanSetPowerLimit);
        Assert.Equal([450_000u], api.SetCalls);
    }

    [Fact]
    public void TrySetPowerLimit_Enabled_SetsClampedMilliwatts()
    {
        var api = new FakeNvmlApi();

        var change = Open(api, allowSet: true).TrySetPowerLimit(Power.FromWatts(900));

        Assert.Equal(PowerLimitChangeOutcome.Applied, change.Outcome);
        Assert.Equal([700_000u], api.SetCalls);
    }
}
