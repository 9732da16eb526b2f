using Energy.Telemetry.Storage;

namespace Energy.Telemetry.Tests.Storage;

public sealed class AppendOnlyFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-append-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string FilePath => Path.Combine(_folder, "log.jsonl");

    [Fact]
    public void RepairTornTail_TornLastLine_CutBackToTheLastNewline()
    {
        File.WriteAllText(FilePath, "{\"a\":1}\n{\"b\":2}\n{\"c\":");

        var torn = AppendOnlyFile.RepairTornTail(FilePath);

        Assert.Equal(new TornTail(5, "{\"c\":"), torn);
        Assert.Equal("{\"a\":1}\n{\"b\":2}\n", File.ReadAllText(FilePath));
    }

    [Fact]
    public void RepairTornTail_NoNewlineAtAll_Emptied()
    {
        File.WriteAllText(FilePath, new string('x', 200_000));

        var torn = AppendOnlyFile.RepairTornTail(FilePath);

        Assert.Equal(200_000, torn!.Bytes);
        Assert.EndsWith("…", torn.Start, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(FilePath).Length);
    }

    [Fact]
    public void RepairTornTail_LastLineMoreThanAChunkLong_CutAtItsStart()
    {
        File.WriteAllText(FilePath, "whole\n" + new string('y', 150_000));

        Assert.Equal(150_000, AppendOnlyFile.RepairTornTail(FilePath)!.Bytes);
        Assert.Equal("whole\n", File.ReadAllText(FilePath));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\nb\n")]
    public void RepairTornTail_Whole_NothingDone(string content)
    {
        File.WriteAllText(FilePath, content);

        Assert.Null(AppendOnlyFile.RepairTornTail(FilePath));
        Assert.Equal(content, File.ReadAllText(FilePath));
    }

    [Fact]
    public void RepairTornTail_NoFile_Null() => Assert.Null(AppendOnlyFile.RepairTornTail(FilePath));
}
