using System.Globalization;
using System.Xml;
using System.Xml.Linq;

namespace Energy.Telemetry.Prices;

/// <summary>
/// Names and codes of the ENTSO-E Transparency Platform market documents (IEC 62325-451-3
/// publication document; codes from the ENTSO-E code list), and local-name lookups: elements are
/// matched by local name so that every minor version of the namespace (7:0 … 7:3) reads the same.
/// </summary>
internal static class EntsoeXml
{
    /// <summary>The namespace the writer uses: the version the Transparency Platform serves since 2023.</summary>
    public const string PublicationNamespace = "urn:iec62325.351:tc57wg16:451-3:publicationdocument:7:3";

    public const string PublicationDocument = "Publication_MarketDocument";
    public const string AcknowledgementDocument = "Acknowledgement_MarketDocument";

    /// <summary>Document type A44: price document (day-ahead prices).</summary>
    public const string PriceDocument = "A44";

    /// <summary>Curve type A01: sequential fixed-size blocks; every position carries its own point, an absent one is missing.</summary>
    public const string FixedBlocks = "A01";

    /// <summary>Curve type A03: variable-sized blocks; an absent position repeats the previous point.</summary>
    public const string VariableBlocks = "A03";

    /// <summary>Business type A62: spot price.</summary>
    public const string SpotPrice = "A62";

    /// <summary>Unit code MWH: megawatt-hour, the unit A44 prices are quoted per.</summary>
    public const string MegawattHour = "MWH";

    /// <summary>The TimeSeries element that numbers several auctions for one zone (e.g. EPEX 1, EXAA 2 in DE-LU).</summary>
    public const string ClassificationSequence = "classificationSequence_AttributeInstanceComponent.position";

    public static XElement? Child(XElement parent, string localName)
    {
        foreach (var child in parent.Elements())
        {
            if (child.Name.LocalName == localName)
            {
                return child;
            }
        }

        return null;
    }

    public static IEnumerable<XElement> Children(XElement parent, string localName) =>
        parent.Elements().Where(e => e.Name.LocalName == localName);

    public static string? Text(XElement parent, string localName) => Child(parent, localName)?.Value.Trim();

    public static int Line(XObject node) => node is IXmlLineInfo info && info.HasLineInfo() ? info.LineNumber : 0;

    /// <summary>Interval bounds are UTC with minute precision (<c>2024-03-30T23:00Z</c>).</summary>
    public static string Instant(DateTimeOffset instant) => PriceText.Instant(instant);

    /// <summary>ISO 8601 durations as ENTSO-E writes resolutions: PT15M, PT30M, PT60M (also PT1H).</summary>
    public static bool TryParseResolution(string? text, out TimeSpan resolution)
    {
        resolution = default;
        if (text is null || !text.StartsWith("PT", StringComparison.Ordinal) || text.Length < 4)
        {
            return false;
        }

        var unit = text[^1];
        if (!int.TryParse(text.AsSpan(2, text.Length - 3), NumberStyles.None, CultureInfo.InvariantCulture, out var amount) || amount <= 0)
        {
            return false;
        }

        resolution = unit switch
        {
            'M' => TimeSpan.FromMinutes(amount),
            'H' => TimeSpan.FromHours(amount),
            _ => default,
        };
        return resolution > TimeSpan.Zero;
    }

    public static string Resolution(TimeSpan slotLength) => $"PT{PriceText.Minutes(slotLength)}M";
}
