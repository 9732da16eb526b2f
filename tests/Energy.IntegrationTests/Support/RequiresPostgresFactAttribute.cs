namespace Energy.IntegrationTests.Support;

/// <summary>A fact that needs a real PostgreSQL: skipped where it is missing, except under CI, where it runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RequiresPostgresFactAttribute : FactAttribute
{
    public RequiresPostgresFactAttribute()
    {
        if (!ExternalTool.InCi && PostgresServer.Missing is { } why)
        {
            Skip = why;
        }
    }
}
