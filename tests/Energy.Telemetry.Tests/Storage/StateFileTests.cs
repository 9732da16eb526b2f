using Energy.Telemetry.Storage;

namespace Energy.Telemetry.Tests.Storage;

public sealed class StateFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-state-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string FilePath => Path.Combine(_folder, "state.json");

    [Fact]
    public void Read_Written_GoodWithTheBody()
    {
        StateFile.Write(FilePath, "{\"a\":1}");

        Assert.Equal(new StateFileRead(StateFileStatus.Good, "{\"a\":1}", null), StateFile.Read(FilePath));
        Assert.False(File.Exists(FilePath + ".tmp"));
    }

    [Fact]
    public void Read_TruncatedAnywhere_Corrupt()
    {
        StateFile.Write(FilePath, "[1,2,3]");
        var bytes = File.ReadAllBytes(FilePath);
        for (var length = 0; length < bytes.Length; length++)
        {
            File.WriteAllBytes(FilePath, bytes[..length]);
            Assert.Equal(StateFileStatus.Corrupt, StateFile.Read(FilePath).Status);
        }
    }

    [Fact]
    public void Read_OneByteChanged_Corrupt()
    {
        StateFile.Write(FilePath, "1733500000000");
        var bytes = File.ReadAllBytes(FilePath);
        bytes[^1] = (byte)'1';
        File.WriteAllBytes(FilePath, bytes);

        var read = StateFile.Read(FilePath);

        Assert.Equal(StateFileStatus.Corrupt, read.Status);
        Assert.Contains("does not match its checksum", read.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoChecksumLine_UncheckedForAStrictParse()
    {
        File.WriteAllText(FilePath, "[]");

        Assert.Equal(new StateFileRead(StateFileStatus.Unchecked, "[]", null), StateFile.Read(FilePath));
    }

    [Fact]
    public void Read_NoFile_Missing() => Assert.Equal(StateFileStatus.Missing, StateFile.Read(FilePath).Status);

    [Fact]
    public void MoveAside_Corrupt_KeptBesideIt()
    {
        File.WriteAllText(FilePath, "x");

        Assert.Equal(FilePath + ".corrupt", StateFile.MoveAside(FilePath));
        Assert.False(File.Exists(FilePath));
        Assert.Equal("x", File.ReadAllText(FilePath + ".corrupt"));
    }
}
