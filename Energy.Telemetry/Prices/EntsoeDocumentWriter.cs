using System.Globalization;
using System.Text;
using System.Xml;

namespace Energy.Telemetry.Prices;

/// <summary>
/// Writes a history as an ENTSO-E A44 <c>Publication_MarketDocument</c> (IEC 62325-451-3), laid out
/// as the Transparency Platform serves day-ahead prices: one TimeSeries per Period, curve type A01,
/// one Period per contiguous run of known slots within a UTC day, so a gap is an absent Period
/// range and never an invented point. <see cref="EntsoePriceReader"/> reads it back slot for slot.
/// </summary>
public static class EntsoeDocumentWriter
{
    /// <summary>The Transparency Platform's own party code as sender (ENTSO-E EIC 10X1001A1001A450).</summary>
    private const string PlatformParty = "10X1001A1001A450";

    /// <param name="stream">Where the XML goes, as UTF-8.</param>
    /// <param name="history">The prices; gaps stay gaps.</param>
    /// <param name="biddingZone">The zone's EIC code for in_Domain/out_Domain, e.g. 10Y1001A1001A82H for DE-LU.</param>
    /// <param name="createdAt">The document's createdDateTime (the caller's clock, not the machine's).</param>
    public static void Write(Stream stream, PriceHistory history, string biddingZone, DateTimeOffset createdAt)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(history);
        var settings = new XmlWriterSettings { Indent = true, IndentChars = "  ", NewLineChars = "\n", Encoding = new UTF8Encoding(false) };
        using var xml = XmlWriter.Create(stream, settings);
        var ns = EntsoeXml.PublicationNamespace;
        xml.WriteStartDocument();
        xml.WriteStartElement(EntsoeXml.PublicationDocument, ns);
        xml.WriteElementString("mRID", ns, string.Create(CultureInfo.InvariantCulture, $"heatgrid-{biddingZone}-{createdAt.UtcDateTime:yyyyMMddHHmmss}"));
        xml.WriteElementString("revisionNumber", ns, "1");
        xml.WriteElementString("type", ns, EntsoeXml.PriceDocument);
        WriteCoded(xml, "sender_MarketParticipant.mRID", PlatformParty);
        xml.WriteElementString("sender_MarketParticipant.marketRole.type", ns, "A32");     // market information aggregator
        WriteCoded(xml, "receiver_MarketParticipant.mRID", PlatformParty);
        xml.WriteElementString("receiver_MarketParticipant.marketRole.type", ns, "A33");   // information receiver
        xml.WriteElementString("createdDateTime", ns, PriceText.CsvInstant(createdAt));
        if (!history.IsEmpty)
        {
            WriteInterval(xml, "period.timeInterval", history.First!.Value, history.End!.Value);
        }

        var number = 0;
        foreach (var (start, count) in Runs(history))
        {
            WriteTimeSeries(xml, history, biddingZone, ++number, start, count);
        }

        xml.WriteEndElement();
        xml.WriteEndDocument();
    }

    public static void WriteFile(string path, PriceHistory history, string biddingZone, DateTimeOffset createdAt)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        Write(stream, history, biddingZone, createdAt);
    }

    public static string ToXml(PriceHistory history, string biddingZone, DateTimeOffset createdAt)
    {
        using var stream = new MemoryStream();
        Write(stream, history, biddingZone, createdAt);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static void WriteTimeSeries(XmlWriter xml, PriceHistory history, string biddingZone, int number, int start, int count)
    {
        var ns = EntsoeXml.PublicationNamespace;
        xml.WriteStartElement("TimeSeries", ns);
        xml.WriteElementString("mRID", ns, number.ToString(CultureInfo.InvariantCulture));
        xml.WriteElementString("auction.type", ns, "A01");                     // implicit auction
        xml.WriteElementString("businessType", ns, EntsoeXml.SpotPrice);
        WriteCoded(xml, "in_Domain.mRID", biddingZone);
        WriteCoded(xml, "out_Domain.mRID", biddingZone);
        xml.WriteElementString("contract_MarketAgreement.type", ns, "A01");    // daily
        xml.WriteElementString("currency_Unit.name", ns, history.Currency.Code);
        xml.WriteElementString("price_Measure_Unit.name", ns, EntsoeXml.MegawattHour);
        xml.WriteElementString("curveType", ns, EntsoeXml.FixedBlocks);
        xml.WriteStartElement("Period", ns);
        var first = history.Slots[start].Start;
        WriteInterval(xml, "timeInterval", first, first + (history.SlotLength * count));
        xml.WriteElementString("resolution", ns, EntsoeXml.Resolution(history.SlotLength));
        for (var i = 0; i < count; i++)
        {
            xml.WriteStartElement("Point", ns);
            xml.WriteElementString("position", ns, (i + 1).ToString(CultureInfo.InvariantCulture));
            xml.WriteElementString("price.amount", ns, PriceText.Price(history.Slots[start + i].Price.PerMegawattHour));
            xml.WriteEndElement();
        }

        xml.WriteEndElement();
        xml.WriteEndElement();
    }

    /// <summary>Runs of consecutive known slots, cut at UTC midnight: (index of the first slot, slot count).</summary>
    private static IEnumerable<(int Start, int Count)> Runs(PriceHistory history)
    {
        var slots = history.Slots;
        var start = 0;
        for (var i = 1; i <= slots.Count; i++)
        {
            if (i == slots.Count || slots[i].Start != slots[i - 1].Start + history.SlotLength || slots[i].Start.UtcDateTime.TimeOfDay == TimeSpan.Zero)
            {
                yield return (start, i - start);
                start = i;
            }
        }
    }

    private static void WriteInterval(XmlWriter xml, string name, DateTimeOffset start, DateTimeOffset end)
    {
        xml.WriteStartElement(name, EntsoeXml.PublicationNamespace);
        xml.WriteElementString("start", EntsoeXml.PublicationNamespace, EntsoeXml.Instant(start));
        xml.WriteElementString("end", EntsoeXml.PublicationNamespace, EntsoeXml.Instant(end));
        xml.WriteEndElement();
    }

    private static void WriteCoded(XmlWriter xml, string name, string code)
    {
        xml.WriteStartElement(name, EntsoeXml.PublicationNamespace);
        xml.WriteAttributeString("codingScheme", "A01");   // EIC
        xml.WriteString(code);
        xml.WriteEndElement();
    }
}
