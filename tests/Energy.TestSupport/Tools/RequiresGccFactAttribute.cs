using Xunit;

namespace Energy.TestSupport.Tools;

/// <summary>A fact that compiles C with gcc: skipped where gcc is missing, except under CI, where it runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresGccFactAttribute : FactAttribute
{
    public RequiresGccFactAttribute()
    {
        if (!Gcc.InCi && Gcc.Missing is { } why)
        {
            Skip = why;
        }
    }
}
