namespace Energy.TestSupport.Sites;

/// <summary>
/// The text of a site file, edited line by line to break it in one known place. Every edit states
/// what the line held before, so that a changed example fails loudly instead of testing something else.
/// </summary>
public sealed class SiteFileText
{
    private readonly string[] _lines;

    private SiteFileText(string[] lines) => _lines = lines;

    /// <summary>The shipped <c>ops/examples/bathhouse.yaml</c>.</summary>
    public static SiteFileText Bathhouse() => FromExample("bathhouse.yaml");

    /// <summary>The shipped <c>ops/examples/district-heat.yaml</c>.</summary>
    public static SiteFileText DistrictHeat() => FromExample("district-heat.yaml");

    public static SiteFileText FromExample(string fileName) =>
        new(File.ReadAllText(RepoPaths.Example(fileName)).Split('\n'));

    /// <summary>
    /// Replaces line <paramref name="line"/> (1-based), which must contain <paramref name="mustContain"/>;
    /// the replacement may span several lines, which shifts the numbers of the lines after it.
    /// </summary>
    public SiteFileText ReplaceLine(int line, string mustContain, string replacement)
    {
        ArgumentNullException.ThrowIfNull(mustContain);
        if (line < 1 || line > _lines.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(line), line, $"The file has {_lines.Length} lines.");
        }

        if (!_lines[line - 1].Contains(mustContain, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Line {line} is '{_lines[line - 1]}', not a line with '{mustContain}': has the example changed?");
        }

        var copy = (string[])_lines.Clone();
        copy[line - 1] = replacement;
        return new SiteFileText(copy);
    }

    /// <summary>Turns a line into a comment: the key is gone, every other line keeps its number.</summary>
    public SiteFileText CommentOut(int line, string mustContain) => ReplaceLine(line, mustContain, "#");

    /// <summary>Adds lines at the end of the file.</summary>
    public SiteFileText Append(params string[] lines) => new([.. _lines, .. lines]);

    public override string ToString() => string.Join('\n', _lines);
}
