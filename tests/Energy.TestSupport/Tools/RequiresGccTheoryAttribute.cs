using Xunit;

namespace Energy.TestSupport.Tools;

/// <summary>A theory that compiles C with gcc: skipped where gcc is missing, except under CI, where it runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RequiresGccTheoryAttribute : TheoryAttribute
{
    public RequiresGccTheoryAttribute()
    {
        if (!Gcc.InCi && Gcc.Missing is { } why)
        {
            Skip = why;
        }
    }
}
