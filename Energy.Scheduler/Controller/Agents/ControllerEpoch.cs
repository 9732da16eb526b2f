using System.Globalization;
using Energy.Telemetry.Health;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Controller.Agents;

/// <summary>
/// The controller's epoch: larger than any earlier run's, so agents refuse batches of a controller that
/// has been replaced. It is the start time in Unix milliseconds, or one more than the epoch kept in the
/// data folder if the clock went backwards. The file is a checked state file (<see cref="StateFile"/>); one
/// that is corrupt, or missing while other state in the folder says a controller ran there, is logged as
/// Critical, raised as the alarm <c>state.controller-epoch</c>, and the epoch moves safely forward: a day of
/// milliseconds past the later of the clock and the file's last write, so no earlier epoch is ever reused.
/// </summary>
public static class ControllerEpoch
{
    public const string FileName = "controller-epoch";
    public const string AlarmKey = "state.controller-epoch";

    /// <summary>How far the epoch jumps when the last one is not known.</summary>
    public static readonly TimeSpan JumpWhenLost = TimeSpan.FromDays(1);

    // Epochs are Unix milliseconds of a start: anything before 2001-09-09 is a truncated number, not an epoch.
    private const long Plausible = 1_000_000_000_000;

    // Files that only a controller that ran here leaves: their presence means the epoch file should be there too.
    private static readonly string[] Witnesses = ["curtailments.json", "curtailment-floor.json", "dr-events.jsonl"];

    public static long Next(string? dataFolder, TimeProvider time, ILogger? logger = null, Alarms? alarms = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        logger ??= NullLogger.Instance;
        var now = time.GetUtcNow();
        var epoch = now.ToUnixTimeMilliseconds();
        if (dataFolder is null)
        {
            return epoch;
        }

        var path = Path.Combine(dataFolder, FileName);
        var read = StateFile.Read(path);
        string? problem = read.Problem;
        if (read.Status is StateFileStatus.Good or StateFileStatus.Unchecked)
        {
            if (long.TryParse(read.Body!.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var last) && last is >= Plausible and < long.MaxValue / 2)
            {
                epoch = Math.Max(epoch, last + 1);
            }
            else
            {
                problem = $"'{Shown(read.Body)}' is not an epoch (Unix milliseconds of a start)";
            }
        }
        else if (read.Status == StateFileStatus.Missing && Array.Find(Witnesses, w => File.Exists(Path.Combine(dataFolder, w))) is { } witness)
        {
            problem = $"missing, although {witness} says a controller ran in this folder";
        }

        if (problem is not null)
        {
            var lastWrite = File.Exists(path) ? new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero) : now;
            epoch = Math.Max(epoch, (lastWrite > now ? lastWrite : now).ToUnixTimeMilliseconds()) + (long)JumpWhenLost.TotalMilliseconds;
            var aside = read.Status == StateFileStatus.Missing ? null : StateFile.MoveAside(path);
            var assumed = $"the epoch moves a day ahead, to {epoch}, so that no earlier controller's epoch is reused";
            Log.StateFileCorrupt(logger, path, problem, aside ?? "nowhere", assumed);
            alarms?.Raise(AlarmKey, $"{FileName} was {problem}; {assumed}", AlarmSeverity.Critical);
        }

        Save(dataFolder, epoch, logger);
        return epoch;
    }

    /// <summary>Keeps <paramref name="epoch"/> (a checked state file, written atomically) as the one the next run must exceed.</summary>
    public static void Save(string? dataFolder, long epoch, ILogger? logger = null)
    {
        if (dataFolder is null)
        {
            return;
        }

        var path = Path.Combine(dataFolder, FileName);
        try
        {
            Directory.CreateDirectory(dataFolder);
            StateFile.Write(path, epoch.ToString(CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The clock alone still gives a rising epoch across restarts; the file only guards against a clock set back.
            Log.StateWriteFailed(logger ?? NullLogger.Instance, "The controller epoch", path, e.Message, "the next start relies on the clock alone");
        }
    }

    private static string Shown(string text) => text.Length <= 40 ? text.Trim() : text[..40] + "…";
}
