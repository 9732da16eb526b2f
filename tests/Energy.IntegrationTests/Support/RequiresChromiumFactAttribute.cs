namespace Energy.IntegrationTests.Support;

/// <summary>A fact that drives Debian's headless Chromium: skipped where /usr/bin/chromium is missing, except under CI, where it runs and fails.</summary>
[AttributeUsage(AttributeTargets.Method)]
internal sealed class RequiresChromiumFactAttribute : FactAttribute
{
    public const string Chromium = "/usr/bin/chromium";

    public RequiresChromiumFactAttribute()
    {
        if (!ExternalTool.InCi && !File.Exists(Chromium))
        {
            Skip = $"{Chromium} is not installed (ops/test.sh installs Debian's chromium): the dashboard's browser tests need it";
        }
    }
}
