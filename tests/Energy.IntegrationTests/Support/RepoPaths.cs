namespace Energy.IntegrationTests.Support;

internal static class RepoPaths
{
    /// <summary>The repository root: the first folder above the test binaries that holds HeatGrid.sln.</summary>
    public static string Root { get; } = FindRoot();

    public static string Example(string name) => Path.Combine(Root, "ops", "examples", name);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "HeatGrid.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("HeatGrid.sln not found above " + AppContext.BaseDirectory);
    }
}
