using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Energy.Contracts.Configuration;

/// <summary>
/// Checks a YAML text's shape against <see cref="SiteFileLimits"/> with the event parser, which keeps no
/// recursion of its own, before the representation model (which recurses once per level) is built.
/// Counts every value an alias stands for, so a few lines that expand to billions of nodes are refused too.
/// </summary>
internal static class YamlShape
{
    /// <summary>The first limit the text breaks, with where; null when within them or when its syntax is broken (the loader reports that).</summary>
    public static (Mark At, string Message)? Check(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        var depth = 0;
        long nodes = 0;
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Stack<(string? Anchor, long NodesBefore)>();
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case NodeEvent { } node when node is MappingStart or SequenceStart:
                        nodes++;
                        if (++depth > SiteFileLimits.MaxDepth)
                        {
                            return (node.Start, $"the file nests deeper than {SiteFileLimits.MaxDepth} levels of mappings and lists; a site file needs a handful");
                        }

                        open.Push((node.Anchor.IsEmpty ? null : node.Anchor.Value, nodes - 1));
                        break;
                    case MappingEnd or SequenceEnd:
                        depth--;
                        var (anchor, before) = open.Pop();
                        if (anchor is not null)
                        {
                            anchors[anchor] = nodes - before;
                        }

                        break;
                    case Scalar scalar:
                        nodes++;
                        if (!scalar.Anchor.IsEmpty)
                        {
                            anchors[scalar.Anchor.Value] = 1;
                        }

                        break;
                    case AnchorAlias alias:
                        nodes += anchors.GetValueOrDefault(alias.Value.Value, 1);
                        break;
                }

                if (nodes > SiteFileLimits.MaxNodes)
                {
                    return (parser.Current!.Start, $"the file stands for more than {SiteFileLimits.MaxNodes:N0} values (aliases expanded); a site file needs a few thousand");
                }
            }
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // Broken syntax: the loader finds and locates it, within the depth reached so far.
        }

        return null;
    }
}
