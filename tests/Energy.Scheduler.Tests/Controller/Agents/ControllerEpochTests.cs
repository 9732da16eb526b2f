using System.Globalization;
using Energy.Scheduler.Controller.Agents;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Controller.Agents;

public sealed class ControllerEpochTests : IDisposable
{
    private static readonly DateTimeOffset Start = FleetRig.Start;

    private readonly string _dataFolder = Directory.CreateTempSubdirectory("heatgrid-epoch-").FullName;

    public void Dispose() => Directory.Delete(_dataFolder, recursive: true);

    private string FilePath => Path.Combine(_dataFolder, ControllerEpoch.FileName);

    [Fact]
    public void Next_NoDataFolder_StartInUnixMilliseconds() =>
        Assert.Equal(Start.ToUnixTimeMilliseconds(), ControllerEpoch.Next(null, new FakeTimeProvider(Start)));

    [Fact]
    public void Next_ClockLater_ClockAndKept()
    {
        var first = ControllerEpoch.Next(_dataFolder, new FakeTimeProvider(Start));
        var second = ControllerEpoch.Next(_dataFolder, new FakeTimeProvider(Start.AddMinutes(1)));

        Assert.Equal((Start.ToUnixTimeMilliseconds(), Start.AddMinutes(1).ToUnixTimeMilliseconds()), (first, second));
        Assert.Equal(second.ToString(CultureInfo.InvariantCulture), File.ReadAllText(FilePath));
    }

    [Fact]
    public void Next_ClockSetBack_StillRises()
    {
        var first = ControllerEpoch.Next(_dataFolder, new FakeTimeProvider(Start));
        var second = ControllerEpoch.Next(_dataFolder, new FakeTimeProvider(Start.AddHours(-1)));
        var third = ControllerEpoch.Next(_dataFolder, new FakeTimeProvider(Start.AddHours(-2)));

        Assert.Equal([first, first + 1, first + 2], [first, second, third]);
        Assert.Equal(third.ToString(CultureInfo.InvariantCulture), File.ReadAllText(FilePath));
        Assert.False(File.Exists(FilePath + ".tmp"));
    }

    [Fact]
    public void Next_FileUnreadable_ClockAndRewritten()
    {
        File.WriteAllText(FilePath, "not a number");

        Assert.Equal(Start.ToUnixTimeMilliseconds(), ControllerEpoch.Next(_dataFolder, new FakeTimeProvider(Start)));
        Assert.Equal(Start.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), File.ReadAllText(FilePath));
    }

    [Fact]
    public void Next_FolderNotWritable_ClockWithoutThrowing()
    {
        var file = Path.Combine(_dataFolder, "not-a-folder");
        File.WriteAllText(file, "x");

        Assert.Equal(Start.ToUnixTimeMilliseconds(), ControllerEpoch.Next(file, new FakeTimeProvider(Start)));
    }
}
