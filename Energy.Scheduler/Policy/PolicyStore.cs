using System.Globalization;
using System.Text.Json;
using Energy.Telemetry.Storage;

namespace Energy.Scheduler.Policy;

/// <summary>
/// The policy's versions in the data folder: <c>DATA/policy/v000001.json</c>, one file per version, each written once
/// through <see cref="StateFile"/> (temporary file, fsync, rename, behind a checksum line), so a crash mid-write leaves
/// no version or a whole one, and a file edited by hand reads as damaged rather than as a different policy.
/// </summary>
public sealed class PolicyStore : IPolicyVersionStore
{
    private const string Prefix = "v";
    private const string Suffix = ".json";

    public PolicyStore(string dataFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(dataFolder);
        Folder = Path.Combine(dataFolder, "policy");
    }

    public string Folder { get; }

    public bool IsShared => false;

    /// <summary>Every stored version, oldest first, with the site each was kept for; damaged files come back as problems, not versions.</summary>
    public (IReadOnlyList<(string Site, PolicyVersion Entry)> Versions, IReadOnlyList<string> Problems) Load()
    {
        var versions = new List<(string, PolicyVersion)>();
        var problems = new List<string>();
        if (!Directory.Exists(Folder))
        {
            return (versions, problems);
        }

        foreach (var path in Directory.EnumerateFiles(Folder, Prefix + "*" + Suffix).Order(StringComparer.Ordinal))
        {
            var read = StateFile.Read(path);
            if (read.Status is not (StateFileStatus.Good or StateFileStatus.Unchecked) || read.Body is null)
            {
                problems.Add($"{path}: {read.Problem ?? read.Status.ToString()}");
                continue;
            }

            try
            {
                var file = JsonSerializer.Deserialize<VersionFile>(read.Body, PolicyDocument.Json);
                if (file is not { Site: not null, Entry: { Policy.ShedOrder: not null, ChangedBy: not null, Source: not null } entry }
                    || Path.GetFileName(path) != FileName(entry.Version))
                {
                    problems.Add($"{path}: not a policy version file");
                    continue;
                }

                versions.Add((file.Site, entry));
            }
            catch (JsonException e)
            {
                problems.Add($"{path}: {e.Message}");
            }
        }

        return (versions.OrderBy(v => v.Item2.Version).ToList(), problems);
    }

    /// <summary>Writes a new version's file; on the disk when it returns.</summary>
    /// <exception cref="IOException">The disk refused (or the version exists already); nothing was written.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public void Append(string site, PolicyVersion entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var path = Path.Combine(Folder, FileName(entry.Version));
        if (File.Exists(path))
        {
            throw new IOException($"{path} exists already: another process changes the policy in this data folder");
        }

        StateFile.Write(path, JsonSerializer.Serialize(new VersionFile(site, entry), PolicyDocument.Json) + "\n");
    }

    private static string FileName(int version) => Prefix + version.ToString("D6", CultureInfo.InvariantCulture) + Suffix;

    private sealed record VersionFile(string Site, PolicyVersion Entry);
}

/// <summary>
/// Where the policy's versions are kept: the data folder (<see cref="PolicyStore"/>, the embedded default) or the database
/// the controllers of a site share (<c>--ha</c>: <see cref="Ha.PgPolicyStore"/>). Versions are written once, never changed.
/// </summary>
public interface IPolicyVersionStore
{
    /// <summary>Where the versions are, for messages: a folder, or the database.</summary>
    string Folder { get; }

    /// <summary>Whether other controllers write here too, so that the versions in force must be read again (see <see cref="PolicyState.Reload"/>).</summary>
    bool IsShared { get; }

    /// <summary>Every stored version, oldest first, with the site each was kept for; unreadable ones come back as problems.</summary>
    /// <exception cref="IOException">The store cannot be read now.</exception>
    (IReadOnlyList<(string Site, PolicyVersion Entry)> Versions, IReadOnlyList<string> Problems) Load();

    /// <summary>Writes a new version; kept when it returns.</summary>
    /// <exception cref="IOException">The store refused, or the version exists already (another writer); nothing was written.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    void Append(string site, PolicyVersion entry);
}
