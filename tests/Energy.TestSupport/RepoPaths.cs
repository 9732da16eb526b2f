namespace Energy.TestSupport;

/// <summary>
/// Paths inside the repository, found from the test binaries' folder so that tests read the shipped
/// files (examples, fixtures) wherever the repository is checked out.
/// </summary>
public static class RepoPaths
{
    private const string SolutionFile = "HeatGrid.sln";

    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The folder holding <c>HeatGrid.sln</c>.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The shipped example site files.</summary>
    public static string Examples => Path.Combine(Root, "ops", "examples");

    /// <summary>The full path of a shipped example, e.g. <c>Example("bathhouse.yaml")</c>.</summary>
    public static string Example(string fileName) => Path.Combine(Examples, fileName);

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, SolutionFile)))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds {SolutionFile}.");
    }
}
