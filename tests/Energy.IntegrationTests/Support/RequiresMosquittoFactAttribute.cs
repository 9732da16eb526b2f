namespace Energy.IntegrationTests.Support;

/// <summary>A fact that needs the real mosquitto broker: skipped where it is missing, except under CI, where it runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RequiresMosquittoFactAttribute : FactAttribute
{
    public RequiresMosquittoFactAttribute()
    {
        if (!ExternalTool.InCi && MosquittoBroker.Missing is { } why)
        {
            Skip = why;
        }
    }
}
