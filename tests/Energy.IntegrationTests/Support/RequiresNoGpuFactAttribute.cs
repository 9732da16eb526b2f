namespace Energy.IntegrationTests.Support;

/// <summary>A fact about a host without an NVIDIA GPU (no /dev/nvidiactl): skipped, saying so, where one is present.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RequiresNoGpuFactAttribute : FactAttribute
{
    public RequiresNoGpuFactAttribute()
    {
        if (File.Exists("/dev/nvidiactl"))
        {
            Skip = "this host has an NVIDIA device (/dev/nvidiactl): the no-GPU path is not what runs here";
        }
    }
}
