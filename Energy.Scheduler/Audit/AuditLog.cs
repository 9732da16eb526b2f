using System.Text;
using System.Text.Json;
using Energy.Telemetry.Health;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Audit;

/// <summary>
/// The audit trail in <c>DATA/audit.jsonl</c> (format: <see cref="AuditChain"/>), with its head in <c>DATA/audit.head</c>.
/// Appends are serialized and on the disk (<see cref="FileStream.Flush(bool)"/>) before <see cref="Record"/> returns.
/// At start the file is read to continue the chain after its last entry.
/// <para>A torn last line (a crash in the middle of an append: no newline at its end) was never acknowledged to its
/// caller. If it is nevertheless a whole entry that follows the chain, only its newline is added and it stays. Otherwise
/// it is cut back to the last whole line (<see cref="AppendOnlyFile.RepairTornTail"/>) and the chain continues from
/// there with an entry <c>audit.tornLine</c> saying how many bytes were cut and how they began, so the repair itself
/// is in the trail. A head ahead of the file (lines cut from its end while the service was down) is answered the same
/// way, with an entry <c>audit.tailMissing</c>.</para>
/// Never throws for the disk: a failed append is logged and raises the alarm <c>audit.write</c> (critical).
/// </summary>
public sealed class AuditLog : IAuditTrail
{
    public const string FileName = "audit.jsonl";
    public const string WriteAlarmKey = "audit.write";
    public const string ChainAlarmKey = "audit.chain";

    /// <summary>The most entries <see cref="Latest"/> answers.</summary>
    public const int MaxLimit = 1000;

    private readonly string _folder;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditLog> _logger;
    private readonly Alarms? _alarms;
    private readonly Lock _gate = new();
    private long _seq;
    private string _prev = AuditChain.Genesis;
    private bool _opened;
    private bool _mayBeTorn;
    private long _length;
    private string? _writeFailing;

    public AuditLog(string folder, TimeProvider time, ILogger<AuditLog> logger, Alarms? alarms = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        (_folder, _time, _logger, _alarms) = (Path.GetFullPath(folder), time, logger, alarms);
        FilePath = Path.Combine(_folder, FileName);
        lock (_gate)
        {
            Open();
        }
    }

    public string FilePath { get; }

    /// <summary>The seq of the last entry written (0 for none).</summary>
    public long LastSeq
    {
        get
        {
            lock (_gate)
            {
                return _seq;
            }
        }
    }

    public long? Record(AuditActor actor, string what, object? before, object? after, string? why)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentException.ThrowIfNullOrEmpty(what);
        var (b, a) = (AuditChain.Value(before), AuditChain.Value(after));
        lock (_gate)
        {
            if (!_opened)
            {
                Open();
            }

            return _opened ? Append(actor, what, b, a, why) : Failed(what, _writeFailing ?? "the audit trail could not be opened");
        }
    }

    public IReadOnlyList<JsonElement> Latest(int limit, long since)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var kept = new Queue<JsonElement>(Math.Min(limit, MaxLimit));
        try
        {
            // Read beside the writer: a line being appended may be seen half written; it is skipped.
            using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (reader.ReadLine() is { } line)
            {
                if (Entry(line) is { } e && e.GetProperty("seq").GetInt64() > since)
                {
                    if (kept.Count == limit)
                    {
                        kept.Dequeue();
                    }

                    kept.Enqueue(e);
                }
            }
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }

        return [.. kept.Reverse()];
    }

    private long? Append(AuditActor actor, string what, JsonElement? before, JsonElement? after, string? why)
    {
        try
        {
            // Another process (a 'heatgrid users' verb beside the running service) may append to the same file:
            // the chain continues from whatever the file ends with now, under a lock both hold while appending.
            using var crossProcess = AuditFileLock.Acquire(_folder);
            FollowOtherWriters();
            return AppendLocked(actor, what, before, after, why);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException)
        {
            return Failed(what, e.Message);
        }
    }

    /// <summary>
    /// Moves the chain's end to the file's when another process appended since this one last did. A file shorter
    /// than this process left it had lines removed, not appended: the chain goes on from this process's last entry,
    /// so that <c>heatgrid audit verify</c> shows where it breaks.
    /// </summary>
    private void FollowOtherWriters()
    {
        var length = File.Exists(FilePath) ? new FileInfo(FilePath).Length : 0;
        if (length > _length)
        {
            using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            stream.Position = _length;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            while (reader.ReadLine() is { } line)
            {
                if (Entry(line) is { } e)
                {
                    (_seq, _prev) = (e.GetProperty("seq").GetInt64(), e.GetProperty("hash").GetString()!);
                }
            }

            _mayBeTorn = true;
        }

        _length = length;
    }

    private long? AppendLocked(AuditActor actor, string what, JsonElement? before, JsonElement? after, string? why)
    {
        var (line, hash) = AuditChain.Line(_seq + 1, _time.GetUtcNow(), actor, what, before, after, why, _prev);
        try
        {
            if (_mayBeTorn && AppendOnlyFile.RepairTornTail(FilePath) is { } torn)
            {
                Log.AuditTornLine(_logger, FilePath, torn.Bytes, torn.Start);
            }

            _mayBeTorn = false;
            using (var stream = new FileStream(FilePath, FileMode.Append, FileAccess.Write, FileShare.Read))
            {
                // One write of the whole line: a crash leaves it whole or torn (no newline), never glued to the next.
                _mayBeTorn = true;
                stream.Write(Encoding.UTF8.GetBytes(line + "\n"));
                stream.Flush(flushToDisk: true);
                _mayBeTorn = false;
                _length = stream.Length;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Failed(what, e.Message);
        }

        (_seq, _prev) = (_seq + 1, hash);
        if (_writeFailing is not null)
        {
            _writeFailing = null;
            Log.AuditWritesAgain(_logger, FilePath);
        }

        Log.AuditRecorded(_logger, _seq, what, actor.Who, actor.From);
        WriteHead();
        return _seq;
    }

    private long? Failed(string what, string reason)
    {
        _writeFailing = reason;
        Log.AuditWriteFailed(_logger, what, FilePath, reason);
        _alarms?.Raise(WriteAlarmKey, $"an audit entry ({what}) could not be written to {FilePath}: {reason}", AlarmSeverity.Critical);
        return null;
    }

    private void WriteHead()
    {
        try
        {
            new AuditHead(_seq, _prev).Write(_folder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Log.AuditHeadWriteFailed(_logger, Path.Combine(_folder, AuditHead.FileName), e.Message);
        }
    }

    /// <summary>Reads the file to continue its chain, mends a torn last line, and records what it found amiss.</summary>
    private void Open()
    {
        var found = new List<(string What, object Before, object After, string Why)>();
        try
        {
            Directory.CreateDirectory(_folder);
            using var crossProcess = AuditFileLock.Acquire(_folder);
            var (last, beforeLast, lastLine, lines, unreadable) = Scan();
            if (lines > 0 && !EndsInNewline())
            {
                var (followsSeq, followsHash) = beforeLast ?? (0, AuditChain.Genesis);
                if (AuditChain.Check(lastLine!, followsSeq + 1, followsHash, out var seq, out var hash) is null)
                {
                    // A whole entry that only lacks its newline: it follows the chain, so it stays.
                    File.AppendAllText(FilePath, "\n");
                    last = (seq, hash!);
                    Log.AuditTornLineKept(_logger, FilePath, seq);
                }
                else if (AppendOnlyFile.RepairTornTail(FilePath) is { } torn)
                {
                    last = beforeLast;
                    unreadable = unreadable?.Line == lines ? null : unreadable;
                    Log.AuditTornLine(_logger, FilePath, torn.Bytes, torn.Start);
                    found.Add(("audit.tornLine", new { line = lines, bytes = torn.Bytes, start = torn.Start }, new { line = (string?)null },
                        "the last line was torn by a crash in the middle of an append (never acknowledged): cut back to the last whole line"));
                }
            }

            (_seq, _prev) = last ?? (0, AuditChain.Genesis);
            _length = File.Exists(FilePath) ? new FileInfo(FilePath).Length : 0;
            if (unreadable is { } bad)
            {
                Log.AuditLineUnreadable(_logger, FilePath, bad.Line, bad.Problem);
                _alarms?.Hold(ChainAlarmKey, $"audit trail {FilePath} line {bad.Line} cannot be read ({bad.Problem}): see heatgrid audit verify",
                    AlarmSeverity.Critical);
            }

            var head = AuditHead.Read(_folder);
            if (head is { } ahead && ahead.Seq > _seq)
            {
                Log.AuditTailMissing(_logger, FilePath, _seq, ahead.Seq);
                _alarms?.Hold(ChainAlarmKey, $"audit trail {FilePath} ends at seq {_seq} but {AuditHead.FileName} records seq {ahead.Seq}: lines were removed from its end",
                    AlarmSeverity.Critical);
                found.Add(("audit.tailMissing", new { seq = ahead.Seq, hash = ahead.Hash }, new { seq = _seq, hash = _prev },
                    $"{AuditHead.FileName} recorded seq {ahead.Seq}, the file ended at seq {_seq}: lines were removed from its end while the service was down"));
            }

            _opened = true;
            Log.AuditContinues(_logger, FilePath, _seq);
            if (found.Count == 0 && _seq > 0 && (head is null || head.Seq < _seq))
            {
                WriteHead();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or TimeoutException)
        {
            _writeFailing = e.Message;
            Log.AuditWriteFailed(_logger, "(opening)", FilePath, e.Message);
            _alarms?.Raise(WriteAlarmKey, $"the audit trail {FilePath} cannot be opened: {e.Message}", AlarmSeverity.Critical);
            return;
        }

        foreach (var (what, before, after, why) in found)
        {
            Append(AuditActor.Controller, what, AuditChain.Value(before), AuditChain.Value(after), why);
        }
    }

    private ((long, string)? Last, (long, string)? BeforeLast, string? LastLine, int Lines, (int Line, string Problem)? Unreadable) Scan()
    {
        (long, string)? last = null, beforeLast = null;
        (int, string)? unreadable = null;
        string? lastLine = null;
        var n = 0;
        if (!File.Exists(FilePath))
        {
            return (null, null, null, 0, null);
        }

        foreach (var line in File.ReadLines(FilePath))
        {
            n++;
            (beforeLast, lastLine) = (last, line);
            if (Entry(line) is { } e)
            {
                last = (e.GetProperty("seq").GetInt64(), e.GetProperty("hash").GetString()!);
            }
            else
            {
                unreadable ??= (n, "not an audit entry");
            }
        }

        return (last, beforeLast, lastLine, n, unreadable);
    }

    private bool EndsInNewline()
    {
        using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (stream.Length == 0)
        {
            return true;
        }

        stream.Position = stream.Length - 1;
        return stream.ReadByte() == '\n';
    }

    /// <summary>A line as an entry (with a seq and a hash), or null when it is none.</summary>
    private static JsonElement? Entry(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("seq", out var s) && s.TryGetInt64(out _)
                && root.TryGetProperty("hash", out var h) && h.ValueKind == JsonValueKind.String
                ? root.Clone()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
