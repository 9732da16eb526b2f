namespace Energy.IntegrationTests.Support;

/// <summary>A fact that needs a real peer: skipped where it is missing, except under CI, where it runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RequiresPymodbusFactAttribute : FactAttribute
{
    public RequiresPymodbusFactAttribute()
    {
        if (!ExternalTool.InCi && Peers.PymodbusMissing is { } why)
        {
            Skip = why;
        }
    }
}

[AttributeUsage(AttributeTargets.Method)]
internal sealed class RequiresMbpollFactAttribute : FactAttribute
{
    public RequiresMbpollFactAttribute()
    {
        if (!ExternalTool.InCi && Peers.MbpollMissing is { } why)
        {
            Skip = why;
        }
    }
}

internal static class Peers
{
    /// <summary>Debian's python3-pymodbus lives under /usr/bin/python3, not the first python3 on PATH.</summary>
    public const string Python = "/usr/bin/python3";

    public const string Mbpoll = "/usr/bin/mbpoll";

    public static string? PymodbusMissing { get; } = ExternalTool.Missing(Python, "-c", "import pymodbus");

    public static string? MbpollMissing { get; } = ExternalTool.Missing(Mbpoll, "-V");
}
