using System.Text.Json;
using System.Text.Json.Serialization;
using Energy.Telemetry.Storage;

namespace Energy.Scheduler.Security;

/// <summary>
/// <c>DATA/users.json</c>: the API's users and the hashes of their keys, as a checked state file (<see cref="StateFile"/>:
/// temporary file, fsync, rename, a checksum line), readable by its owner only. A file edited by hand no longer matches
/// its checksum and is refused: the <c>heatgrid users</c> verbs are the way to change it.
/// </summary>
public static class UsersFile
{
    public const string FileName = "users.json";
    private const int Version = 1;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public static string PathIn(string dataFolder) => Path.Combine(dataFolder, FileName);

    /// <summary>The users in <paramref name="path"/>: none when the file is missing; null and the problem when it cannot be used.</summary>
    public static (IReadOnlyList<ApiUser>? Users, string? Problem) Read(string path)
    {
        var read = StateFile.Read(path);
        if (read.Status == StateFileStatus.Missing)
        {
            return ([], null);
        }

        if (read.Body is not { } body)
        {
            return (null, $"{path}: {read.Problem}");
        }

        try
        {
            var file = JsonSerializer.Deserialize<Document>(body, Json);
            if (file is not { Version: Version, Users: { } users } || users.Any(u => u is null || u.Name is null || u.Keys is null || u.Keys.Any(k => k is null)))
            {
                return (null, $"{path}: not a users file of version {Version}");
            }

            return (users, null);
        }
        catch (JsonException e)
        {
            return (null, $"{path}: {e.Message}");
        }
    }

    /// <exception cref="IOException">The disk refused; the old file is untouched.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable; the old file is untouched.</exception>
    public static void Write(string path, IReadOnlyList<ApiUser> users)
    {
        StateFile.Write(path, JsonSerializer.Serialize(new Document(Version, users), Json) + "\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    private sealed record Document(int Version, IReadOnlyList<ApiUser> Users);
}
