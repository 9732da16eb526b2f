using System.Globalization;

namespace Energy.Scheduler.Controller.Agents;

/// <summary>
/// The controller's epoch: larger than any earlier run's, so agents refuse batches of a controller that
/// has been replaced. It is the start time in Unix milliseconds, or one more than the epoch kept in the
/// data folder if the clock went backwards.
/// </summary>
public static class ControllerEpoch
{
    public const string FileName = "controller-epoch";

    public static long Next(string? dataFolder, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var epoch = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (dataFolder is null)
        {
            return epoch;
        }

        var path = Path.Combine(dataFolder, FileName);
        try
        {
            if (File.Exists(path) && long.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var last)
                && last is >= 0 and < long.MaxValue / 2)
            {
                epoch = Math.Max(epoch, last + 1);
            }
        }
        catch (IOException)
        {
            // The clock alone still gives a rising epoch across restarts; the file only guards against a clock set back.
        }
        catch (UnauthorizedAccessException)
        {
        }

        Save(dataFolder, epoch);
        return epoch;
    }

    /// <summary>Keeps <paramref name="epoch"/> as the one the next run must exceed.</summary>
    public static void Save(string? dataFolder, long epoch)
    {
        if (dataFolder is null)
        {
            return;
        }

        var path = Path.Combine(dataFolder, FileName);
        try
        {
            Directory.CreateDirectory(dataFolder);
            var temp = path + ".tmp";
            File.WriteAllText(temp, epoch.ToString(CultureInfo.InvariantCulture));
            File.Move(temp, path, overwrite: true);
        }
        catch (IOException)
        {
            // As above: the clock still gives a rising epoch.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
