using System.Globalization;
using Energy.Contracts.Units;
using Energy.Gpu.Interop;

namespace Energy.Gpu.Nvml;

/// <summary>
/// One GPU seen through NVML in .NET names and units. NOT_SUPPORTED and NO_PERMISSION become
/// capability flags; any other failure is an <see cref="NvmlException"/> naming the call.
/// </summary>
public sealed class NvmlGpu
{
    private readonly INvmlApi _api;
    private readonly nint _device;
    private readonly NvmlGpuOptions _options;
    private bool _instantPowerUnsupported;
    private bool _eventReasonsMissing;
    private bool _setPowerLimitRefused;

    public NvmlGpu(INvmlApi api, nint device, NvmlGpuOptions? options = null)
    {
        _api = api;
        _device = device;
        _options = options ?? new NvmlGpuOptions();
    }

    /// <summary>The GPU at <paramref name="index"/>; NVML must already be initialised.</summary>
    public static NvmlGpu Open(INvmlApi api, uint index, NvmlGpuOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(api);
        NvmlException.ThrowIfFailed(api.DeviceGetHandleByIndex(index, out var device), "nvmlDeviceGetHandleByIndex_v2");
        return new NvmlGpu(api, device, options);
    }

    public string Name => Read(_api.DeviceGetName(_device, out var name), "nvmlDeviceGetName", name);

    public string Uuid => Read(_api.DeviceGetUuid(_device, out var uuid), "nvmlDeviceGetUUID", uuid);

    /// <summary>Board power averaged over about 1 s (<c>nvmlDeviceGetPowerUsage</c>): lags a load step.</summary>
    public Power AveragePower => Power.FromMilliwatts(Read(_api.DeviceGetPowerUsage(_device, out var mw), "nvmlDeviceGetPowerUsage", mw));

    /// <summary>False once <c>NVML_FI_DEV_POWER_INSTANT</c> answered NOT_SUPPORTED.</summary>
    public bool CanReadInstantPower => !_instantPowerUnsupported;

    /// <summary>
    /// <c>NVML_FI_DEV_POWER_INSTANT</c> (refreshed about every 25 ms, for control loops); the 1-s
    /// average where the driver does not offer it.
    /// </summary>
    public Power InstantPower
    {
        get
        {
            if (_instantPowerUnsupported)
            {
                return AveragePower;
            }

            Span<NvmlFieldValue> fields = [new NvmlFieldValue { FieldId = NvmlFieldValue.FieldDevicePowerInstant }];
            var code = _api.DeviceGetFieldValues(_device, fields);
            if (code == NvmlReturn.Success)
            {
                code = fields[0].NvmlReturn;
            }

            if (code == NvmlReturn.NotSupported)
            {
                _instantPowerUnsupported = true;
                return AveragePower;
            }

            NvmlException.ThrowIfFailed(code, "nvmlDeviceGetFieldValues(NVML_FI_DEV_POWER_INSTANT)");
            return Power.FromMilliwatts(fields[0].AsUInt64());
        }
    }

    /// <summary>Energy since the driver loaded (<c>nvmlDeviceGetTotalEnergyConsumption</c>): the one to bill with.</summary>
    public EnergyAmount EnergyCounter =>
        EnergyAmount.FromJoules(Read(_api.DeviceGetTotalEnergyConsumption(_device, out var mj), "nvmlDeviceGetTotalEnergyConsumption", mj) / 1_000.0);

    public Temperature Temperature =>
        Temperature.FromCelsius(Read(_api.DeviceGetTemperature(_device, NvmlTemperatureSensor.Gpu, out var c), "nvmlDeviceGetTemperature", c));

    public double SmClockMegahertz => Read(_api.DeviceGetClockInfo(_device, NvmlClockType.Sm, out var mhz), "nvmlDeviceGetClockInfo", mhz);

    /// <summary>Percent of the last sample period the GPU was busy.</summary>
    public double UtilizationPercent => Read(_api.DeviceGetUtilizationRates(_device, out var u), "nvmlDeviceGetUtilizationRates", u).Gpu;

    public PowerLimits PowerLimits
    {
        get
        {
            NvmlException.ThrowIfFailed(_api.DeviceGetPowerManagementLimitConstraints(_device, out var min, out var max), "nvmlDeviceGetPowerManagementLimitConstraints");
            var defaultLimit = Read(_api.DeviceGetPowerManagementDefaultLimit(_device, out var d), "nvmlDeviceGetPowerManagementDefaultLimit", d);
            var enforced = Read(_api.DeviceGetEnforcedPowerLimit(_device, out var e), "nvmlDeviceGetEnforcedPowerLimit", e);
            return new PowerLimits(Power.FromMilliwatts(min), Power.FromMilliwatts(max), Power.FromMilliwatts(defaultLimit), Power.FromMilliwatts(enforced));
        }
    }

    /// <summary>Event reasons, through the pre-535 throttle-reasons call where the new name is missing.</summary>
    public ClockEventReasons ClockEventReasons
    {
        get
        {
            if (!_eventReasonsMissing)
            {
                var code = _api.DeviceGetCurrentClocksEventReasons(_device, out var reasons);
                if (code != NvmlReturn.FunctionNotFound)
                {
                    return (ClockEventReasons)Read(code, "nvmlDeviceGetCurrentClocksEventReasons", reasons);
                }

                _eventReasonsMissing = true;
            }

            return (ClockEventReasons)Read(_api.DeviceGetCurrentClocksThrottleReasons(_device, out var legacy), "nvmlDeviceGetCurrentClocksThrottleReasons", legacy);
        }
    }

    /// <summary>True only when setting is enabled and the driver has not refused it (NO_PERMISSION / NOT_SUPPORTED).</summary>
    public bool CanSetPowerLimit => _options.AllowSetPowerLimit && !_setPowerLimitRefused;

    /// <summary>What <see cref="TrySetPowerLimit"/> would do; reads only.</summary>
    public string DescribePowerLimitChange(Power target)
    {
        var limits = PowerLimits;
        var clamped = Power.Max(limits.Min, Power.Min(limits.Max, target));
        var clampNote = clamped == target ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" (asked {target.Watts:0} W, clamped)");
        var mode = CanSetPowerLimit ? "would set" : "dry run, would set";
        return string.Create(CultureInfo.InvariantCulture,
            $"{mode} the power limit from {limits.Enforced.Watts:0} W to {clamped.Watts:0} W{clampNote}; range {limits.Min.Watts:0}–{limits.Max.Watts:0} W, default {limits.Default.Watts:0} W");
    }

    /// <summary>
    /// Sets the limit (clamped to the range) only when <see cref="NvmlGpuOptions.AllowSetPowerLimit"/> is on;
    /// otherwise returns the dry-run description. A refusal by the driver is a state, not an exception.
    /// </summary>
    public PowerLimitChange TrySetPowerLimit(Power target)
    {
        var description = DescribePowerLimitChange(target);
        if (!CanSetPowerLimit)
        {
            return new PowerLimitChange(PowerLimitChangeOutcome.DryRun, description);
        }

        var limits = PowerLimits;
        var clamped = Power.Max(limits.Min, Power.Min(limits.Max, target));
        var code = _api.DeviceSetPowerManagementLimit(_device, checked((uint)Math.Round(clamped.Watts * 1_000)));
        if (code is NvmlReturn.NoPermission or NvmlReturn.NotSupported)
        {
            _setPowerLimitRefused = true;
            return new PowerLimitChange(PowerLimitChangeOutcome.Refused, $"refused by the driver ({code.ToNvidiaName()}): {description}");
        }

        NvmlException.ThrowIfFailed(code, "nvmlDeviceSetPowerManagementLimit");
        return new PowerLimitChange(PowerLimitChangeOutcome.Applied, description.Replace("would set", "set", StringComparison.Ordinal));
    }

    private static T Read<T>(NvmlReturn code, string function, T value)
    {
        NvmlException.ThrowIfFailed(code, function);
        return value;
    }
}
