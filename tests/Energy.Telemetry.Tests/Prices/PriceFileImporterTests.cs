using Energy.Contracts.Units;
using Energy.Telemetry.Prices;
using static Energy.Telemetry.Tests.Prices.PriceTestData;

namespace Energy.Telemetry.Tests.Prices;

public sealed class PriceFileImporterTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-prices-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Read_ByExtension_CsvAndEntsoeXml()
    {
        Assert.Equal(8784, PriceFileImporter.Read(Shared(DeLu)).History.Count);
        Assert.Equal(25, PriceFileImporter.Read(Fixture("entsoe_a44_dst_autumn_2024-10-27.xml")).History.Count);
        Assert.Contains("'.json' is not a price file kind", Assert.Single(PriceFileImporter.Read(Write("p.json", "{}")).Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAll_LaterFilesWin()
    {
        var correction = Write("correction.csv", "timestamp_utc,price_eur_per_mwh\n2024-10-27T01:00:00Z,1\n2024-10-27T02:00:00Z,2\n");

        var result = PriceFileImporter.ReadAll([Shared(DeLu), Fixture("entsoe_a44_dst_autumn_2024-10-27.xml"), correction]);

        Assert.True(result.Succeeded, string.Join("\n", result.Errors));
        Assert.Equal("3 files", result.Source);
        Assert.Equal(8784, result.History.Count);
        Assert.Equal(EnergyPrice.EurPerMwh(2), result.History.PriceAt(Utc(2024, 10, 27, 2)));
    }

    [Fact]
    public void ReadAll_FilesInTwoCurrencies_Error()
    {
        var result = PriceFileImporter.ReadAll([Shared(DeLu), Shared(Ercot)]);

        Assert.False(result.Succeeded);
        Assert.Contains("Cannot merge USD prices", Assert.Single(result.Errors).Message, StringComparison.Ordinal);
    }
}
