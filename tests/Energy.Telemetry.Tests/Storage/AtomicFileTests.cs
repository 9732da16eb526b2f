using Energy.Telemetry.Storage;

namespace Energy.Telemetry.Tests.Storage;

public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-atomic-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Write_NewFolderAndThenAgain_TheLastContentWholeAndNoTemporaryLeft()
    {
        var path = Path.Combine(_folder, "sub", "state.json");

        AtomicFile.Write(path, w => w.Write("first"));
        AtomicFile.Write(path, w => w.Write("second"));

        Assert.Equal("second", File.ReadAllText(path));
        Assert.Equal(["state.json"], Directory.GetFiles(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Write_WriterFailsHalfway_TheOldContentStaysAndTheTemporaryIsGone()
    {
        var path = Path.Combine(_folder, "state.json");
        AtomicFile.Write(path, w => w.Write("good"));

        Assert.Throws<IOException>(() => AtomicFile.Write(path, w =>
        {
            w.Write("half of it");
            throw new IOException("disk full");
        }));

        Assert.Equal("good", File.ReadAllText(path));
        Assert.False(File.Exists(path + ".tmp"));
    }
}
