namespace Energy.Contracts.Configuration;

/// <summary>One problem in a configuration file, located to the line and column (1-based).</summary>
/// <param name="File">The file as the user named it.</param>
/// <param name="Line">1-based line.</param>
/// <param name="Column">1-based column.</param>
/// <param name="Field">Path of the field, e.g. <c>pools[1].maxPowerW</c>; empty for file-level problems.</param>
/// <param name="Message">What is wrong and what was expected.</param>
public sealed record ConfigError(string File, int Line, int Column, string Field, string Message)
{
    public override string ToString() => Field.Length == 0
        ? $"{File}:{Line}:{Column}: {Message}"
        : $"{File}:{Line}:{Column}: {Field}: {Message}";
}
