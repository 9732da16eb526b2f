namespace Energy.Gpu.Devices;

/// <summary>Whether a CUDA GPU also uses its NVML power limit as a ceiling under the software control.</summary>
public enum NvmlPowerLimitMode
{
    /// <summary>Software power control only; the limit is never touched (the default, and the rule on lent machines).</summary>
    Off,

    /// <summary>Logs the limit it would set for each target; sets nothing.</summary>
    DryRun,

    /// <summary>Sets the limit to each target (<c>nvmlDeviceSetPowerManagementLimit</c>, root only) and restores it on shutdown.</summary>
    Apply,
}
