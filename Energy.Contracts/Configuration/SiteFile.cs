using Energy.Contracts.Sites;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Energy.Contracts.Configuration;

/// <summary>
/// Loads a site file (YAML) into a <see cref="Site"/>. Every problem comes back located as
/// <c>FILE:LINE:COLUMN</c> with the field's path; a file with any error gives no site at all.
/// </summary>
public static class SiteFile
{
    /// <summary>Reads and validates a file. I/O problems are reported as errors, not thrown.</summary>
    public static SiteFileResult Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            var length = new FileInfo(path).Length;
            if (length > SiteFileLimits.MaxBytes)
            {
                return new SiteFileResult(null, [new ConfigError(path, 1, 1, string.Empty,
                    $"the file is {length:N0} bytes; a site file may be at most {SiteFileLimits.MaxBytes:N0} bytes")]);
            }

            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            return new SiteFileResult(null, [new ConfigError(path, 1, 1, string.Empty, $"cannot read the file: {e.Message}")]);
        }

        return Parse(text, path);
    }

    /// <summary>Loads a file, throwing <see cref="ConfigException"/> with every error when it is invalid.</summary>
    public static Site LoadOrThrow(string path) => Load(path).GetSiteOrThrow();

    public static SiteFileResult Parse(string yaml, string fileName)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var errors = new ConfigErrorList(fileName);
        if (yaml.Length > SiteFileLimits.MaxBytes)
        {
            errors.Add(Mark.Empty, string.Empty, $"the text is {yaml.Length:N0} characters; a site file may be at most {SiteFileLimits.MaxBytes:N0}");
            return new SiteFileResult(null, errors.Errors);
        }

        if (YamlShape.Check(yaml) is { } shape)
        {
            errors.Add(shape.At, string.Empty, shape.Message);
            return new SiteFileResult(null, errors.Errors);
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            // The parser stops at the first syntax error; its message has the position in it already.
            var message = e.InnerException?.Message ?? e.Message;
            if (e.Start.Line < 1 || (e.Start.Line == 1 && e.Start.Column <= 1 && TabIndent(yaml) is not null))
            {
                // The parser gave no position: a tab used as indentation is the usual cause, else find the last good token.
                var tab = TabIndent(yaml);
                errors.Add(tab ?? LastGoodMark(yaml), string.Empty, tab is null
                    ? "YAML syntax error: " + StripPosition(message)
                    : "YAML syntax error: a tab indents this line; YAML indents with spaces only");
            }
            else
            {
                errors.Add(e.Start, string.Empty, "YAML syntax error: " + StripPosition(message));
            }

            return new SiteFileResult(null, errors.Errors);
        }
        catch (InvalidOperationException)
        {
            // Some malformed input (an unclosed flow list) trips the scanner without a position: find the last good token.
            errors.Add(LastGoodMark(yaml), string.Empty, "YAML syntax error: the text cannot be parsed from here on (an unclosed [ or { ?)");
            return new SiteFileResult(null, errors.Errors);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            errors.Add(Mark.Empty, string.Empty, "the file is empty; a site file needs at least 'site', 'grid', 'pools' and 'workloads'");
            return new SiteFileResult(null, errors.Errors);
        }

        if (stream.Documents.Count > 1)
        {
            errors.Add(stream.Documents[1].RootNode.Start, string.Empty, "a site file holds one YAML document, this one has several");
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            errors.Add(stream.Documents[0].RootNode.Start, string.Empty, "expected a mapping with 'site', 'grid', 'pools', 'heatLoops', 'workloads' and 'policy' at the top");
            return new SiteFileResult(null, errors.Errors);
        }

        var site = new SiteFileReader { BaseDirectory = Path.GetDirectoryName(fileName) }.Read(new YamlSection(root, string.Empty, errors));
        return errors.Count == 0 && site is not null
            ? new SiteFileResult(site, [])
            : new SiteFileResult(null, errors.Errors.OrderBy(e => e.Line).ThenBy(e => e.Column).ToList());
    }

    private static Mark? TabIndent(string yaml)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent)
            {
                return new Mark(0, i + 1, tab + 1);
            }
        }

        return null;
    }

    private static Mark LastGoodMark(string yaml)
    {
        var scanner = new Scanner(new StringReader(yaml));
        var last = Mark.Empty;
        try
        {
            while (scanner.MoveNext())
            {
                last = scanner.Current?.Start ?? last;
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            return e is YamlException y ? y.Start : last;
        }

        return last;
    }

    private static string StripPosition(string message)
    {
        // YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: …): "; the location is printed in our own form.
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return message.StartsWith('(') && cut > 0 ? message[(cut + 3)..] : message;
    }
}
