namespace Energy.Contracts.Configuration;

/// <summary>
/// How big a site file and what it describes may be. A real site (a few thousand GPUs, a few hundred
/// measuring points) sits far inside every limit; each limit stops a file that would exhaust the stack
/// (deep nesting), memory (aliases that expand, a GPU count in the billions) or the planner before anything
/// starts, with the error located as FILE:LINE:COLUMN like every other.
/// </summary>
public static class SiteFileLimits
{
    /// <summary>The largest file read (bytes, or characters of text given directly).</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    /// <summary>The deepest nesting of mappings and lists; the example sites use 4.</summary>
    public const int MaxDepth = 32;

    /// <summary>The most values (scalars, mappings, lists) the file may stand for, aliases expanded.</summary>
    public const int MaxNodes = 250_000;

    /// <summary>The most items in any one list (pools, devices, points, signals…).</summary>
    public const int MaxListItems = 4_096;

    /// <summary>The longest text value (names, topics, hosts).</summary>
    public const int MaxTextLength = 1_024;

    /// <summary>The most GPUs in one pool and on the whole site (the controller tracks each one).</summary>
    public const int MaxGpus = 100_000;

    /// <summary>The largest power or heat rate in kW (10 GW): beyond any one site.</summary>
    public const double MaxKw = 10_000_000;

    /// <summary>The largest power of one GPU in W.</summary>
    public const double MaxGpuW = 10_000;
}
