namespace Energy.Gpu.Interop;

/// <summary><c>nvmlTemperatureSensors_t</c> (nvml.h).</summary>
public enum NvmlTemperatureSensor
{
    Gpu = 0,
}
