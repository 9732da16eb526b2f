using System.Collections.Concurrent;
using Energy.Telemetry.Prices;
using Energy.TestSupport;

namespace Energy.Telemetry.Tests.Prices;

/// <summary>
/// The real price files live outside the repository, in <c>../shared/data/</c> beside it (CI has them
/// there too); the hand-written ENTSO-E documents live in <c>Fixtures/</c> next to these tests.
/// Each shared file is read once per test run.
/// </summary>
internal static class PriceTestData
{
    public const string DeLu = "prices_de_lu_2024_hourly.csv";
    public const string Se3 = "prices_se3_2023_hourly.csv";
    public const string Es = "prices_es_2024_hourly.csv";
    public const string Ercot = "prices_ercot_hb_hubavg_dam_2024_hourly.csv";

    private static readonly ConcurrentDictionary<string, Lazy<PriceImportResult>> Results = new();

    public static TimeZoneInfo Berlin { get; } = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    public static string Shared(string name) => Path.GetFullPath(Path.Combine(RepoPaths.Root, "..", "shared", "data", name));

    public static string Fixture(string name) => Path.Combine(RepoPaths.Root, "tests", "Energy.Telemetry.Tests", "Prices", "Fixtures", name);

    /// <summary>A shared file as <see cref="CsvPriceReader"/> reads it.</summary>
    public static PriceImportResult Read(string name) =>
        Results.GetOrAdd(name, n => new Lazy<PriceImportResult>(() => CsvPriceReader.ReadFile(Shared(n)))).Value;

    public static PriceHistory HistoryOf(string name)
    {
        var result = Read(name);
        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        return result.History;
    }

    public static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0) =>
        new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    public static PriceImportResult ReadCsv(string text, TimeSpan? slotLength = null) =>
        CsvPriceReader.Read(new StringReader(text), "test.csv", slotLength);

    public static PriceImportResult ReadXml(string text, TimeSpan? slotLength = null, int? sequence = null) =>
        EntsoePriceReader.Read(new StringReader(text), "test.xml", slotLength, sequence);
}
