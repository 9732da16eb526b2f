using System.Text.Json;
using Energy.Contracts.Policy;
using Energy.Contracts.Units;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Energy.Contracts.Configuration;

/// <summary>
/// A site file's <c>policy:</c> section given on its own, as JSON (the HTTP API's body), read by the site file's own
/// reader: the same fields, the same defaults for what is left out, and the same error texts for the same mistake.
/// JSON is YAML's flow style, so each JSON value becomes the YAML node the site file would hold for the same value:
/// a number, true/false or null a plain scalar; a string a plain scalar where YAML would read that as the same text
/// (<c>"cheap"</c> is <c>cheap</c>), else a quoted one (<c>"400"</c> is the text <c>'400'</c>, not a number, as in YAML).
/// </summary>
public static class PolicySection
{
    /// <summary>The path errors are reported under, as in a site file (<c>policy.maxImportPricePerMwh</c>).</summary>
    public const string Path = "policy";

    /// <param name="policy">The section's fields as a JSON object.</param>
    /// <param name="currency">The site's currency, which the price limit is in (and its error texts name).</param>
    /// <param name="source">What the errors name as their file (the request, for the API).</param>
    public static PolicySectionResult Parse(JsonElement policy, Currency currency, string source)
    {
        var errors = new ConfigErrorList(source);
        if (policy.ValueKind != JsonValueKind.Object)
        {
            errors.Add(Mark.Empty, Path, $"expected a mapping of fields, got {Describe(policy)}");
            return new PolicySectionResult(null, errors.Errors);
        }

        var section = new YamlSection((YamlMappingNode)Node(policy, Path, errors), Path, errors);
        var read = SiteFileReader.ReadPolicy(section, currency);
        return errors.Count == 0 && read is not null ? new PolicySectionResult(read, []) : new PolicySectionResult(null, errors.Errors);
    }

    private static YamlNode Node(JsonElement value, string path, ConfigErrorList errors)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var mapping = new YamlMappingNode();
                foreach (var field in value.EnumerateObject())
                {
                    var key = new YamlScalarNode(field.Name);
                    if (mapping.Children.ContainsKey(key))
                    {
                        errors.Add(Mark.Empty, $"{path}.{field.Name}", "the field is given more than once");
                        continue;
                    }

                    mapping.Add(key, Node(field.Value, $"{path}.{field.Name}", errors));
                }

                return mapping;
            case JsonValueKind.Array:
                var list = new YamlSequenceNode();
                var i = 0;
                foreach (var item in value.EnumerateArray())
                {
                    list.Add(Node(item, $"{path}[{i++}]", errors));
                }

                return list;
            case JsonValueKind.String:
                var text = value.GetString()!;
                return new YamlScalarNode(text) { Style = ReadsAsText(text) ? ScalarStyle.Plain : ScalarStyle.DoubleQuoted };
            case JsonValueKind.Null:
                return new YamlScalarNode("null") { Style = ScalarStyle.Plain };
            default:
                // Numbers as written (so 1e999 is refused as the site file refuses it), true and false.
                return new YamlScalarNode(value.GetRawText()) { Style = ScalarStyle.Plain };
        }
    }

    /// <summary>Whether a plain scalar of <paramref name="text"/> reads as that text to the site file's reader: not empty, null, a number or true/false.</summary>
    private static bool ReadsAsText(string text) =>
        text.Length > 0 && text.Trim() == text && text is not ("~" or "null")
        && !bool.TryParse(text, out _) && !double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"the quoted text '{value.GetString()}'",
        _ => $"'{value.GetRawText()}'",
    };
}
