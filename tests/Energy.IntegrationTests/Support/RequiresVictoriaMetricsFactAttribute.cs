namespace Energy.IntegrationTests.Support;

/// <summary>A fact that needs a real VictoriaMetrics: skipped where it is missing, except under CI, where it runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RequiresVictoriaMetricsFactAttribute : FactAttribute
{
    public RequiresVictoriaMetricsFactAttribute()
    {
        if (!ExternalTool.InCi && VictoriaMetricsServer.Missing is { } why)
        {
            Skip = why;
        }
    }
}
