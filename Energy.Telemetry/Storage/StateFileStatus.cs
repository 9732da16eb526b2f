namespace Energy.Telemetry.Storage;

/// <summary>What reading a state file found.</summary>
public enum StateFileStatus
{
    /// <summary>No such file.</summary>
    Missing,

    /// <summary>The body matches its checksum.</summary>
    Good,

    /// <summary>No checksum line (a file of an earlier version): the body is returned for a strict parse.</summary>
    Unchecked,

    /// <summary>Unreadable, empty, torn or not matching its checksum: <see cref="StateFileRead.Problem"/> says how.</summary>
    Corrupt,
}
