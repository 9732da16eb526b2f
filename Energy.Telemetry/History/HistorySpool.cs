using System.Globalization;
using System.Text;
using Energy.Telemetry.Health;
using Energy.Telemetry.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Energy.Telemetry.History;

/// <summary>
/// The history's disk spool: what was written but not yet acknowledged by the database survives a
/// database outage and a killed process. Append-only segment files (<c>00000000000000000001.seg</c>…) of
/// framed batches (<see cref="SpoolFrame"/>), each written with one <c>pwrite</c> and fsync'd before
/// <see cref="Append"/> returns; the acknowledged position in the file <see cref="AckFileName"/>, replaced
/// atomically (<see cref="AtomicFile"/>) after every acknowledged write. At open, segments wholly before the
/// acknowledged position are deleted, every frame is checked and a torn tail (a crash in the middle of an
/// append) is cut; what follows the position is read again, in the order it was appended. Segments become
/// deletable once acknowledged. Bounded: beyond <see cref="LimitBytes"/> on disk the OLDEST segment is
/// dropped, its unacknowledged points counted (<see cref="DroppedPoints"/>), logged and raised as the alarm
/// <see cref="DroppedAlarmKey"/>, never silently.
/// One writer thread appends, one sender reads and acknowledges; both may run at once.
/// </summary>
public sealed class HistorySpool : IDisposable
{
    public const string AckFileName = "acknowledged";
    public const string DroppedAlarmKey = "history.spool.dropped";
    public const string TornAlarmKey = "history.spool.torn";
    private const string Extension = ".seg";
    private const long MinRotateBytes = 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly Lock _ackFileGate = new();
    private readonly List<Segment> _segments = [];
    private readonly string _folder;
    private readonly long _segmentBytes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Alarms? _alarms;
    private SpoolPosition _ack;
    private long _pendingPoints;
    private long _pendingBytes;
    private long _diskBytes;
    private long _peakDiskBytes;
    private long _droppedPoints;
    private long _acknowledgedPoints;
    private long _appendedBytes;

    /// <summary>Opens (or creates) the spool in <paramref name="folder"/>, repairing what a crash left.</summary>
    /// <param name="segmentBytes">Size at which a new segment is begun; default a sixteenth of the limit (64 KB to 64 MB).</param>
    /// <exception cref="IOException">The folder or a segment cannot be read or written.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder is not writable.</exception>
    public HistorySpool(string folder, long limitBytes, TimeProvider time, ILogger logger, Alarms? alarms = null, long? segmentBytes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limitBytes);
        _folder = folder;
        LimitBytes = limitBytes;
        _segmentBytes = segmentBytes ?? Math.Clamp(limitBytes / 16, 64L << 10, 64L << 20);
        _time = time;
        _logger = logger;
        _alarms = alarms;
        Directory.CreateDirectory(folder);
        Open();
    }

    public string Folder => _folder;

    public long LimitBytes { get; }

    /// <summary>Where the database's acknowledgement stands: everything before it was written.</summary>
    public SpoolPosition Acknowledged
    {
        get
        {
            lock (_gate)
            {
                return _ack;
            }
        }
    }

    /// <summary>Points in the spool not yet acknowledged.</summary>
    public long PendingPoints => Read(ref _pendingPoints);

    /// <summary>Bytes of frames not yet acknowledged.</summary>
    public long PendingBytes => Read(ref _pendingBytes);

    /// <summary>What the segment files take on disk now, acknowledged frames of live segments included.</summary>
    public long DiskBytes => Read(ref _diskBytes);

    /// <summary>The most <see cref="DiskBytes"/> has been since the spool was opened.</summary>
    public long PeakDiskBytes => Read(ref _peakDiskBytes);

    /// <summary>Unacknowledged points dropped with the oldest segments because the spool reached its limit.</summary>
    public long DroppedPoints => Read(ref _droppedPoints);

    /// <summary>Bytes appended (frames with their headers) since the spool was opened.</summary>
    public long AppendedBytes => Read(ref _appendedBytes);

    /// <summary>Points acknowledged since the spool was opened.</summary>
    public long AcknowledgedPoints => Read(ref _acknowledgedPoints);

    public int SegmentCount
    {
        get
        {
            lock (_gate)
            {
                return _segments.Count;
            }
        }
    }

    /// <summary>When the oldest unacknowledged batch was appended, or null when everything was acknowledged.</summary>
    public DateTimeOffset? OldestPendingAppendedAt
    {
        get
        {
            lock (_gate)
            {
                return Locate(_ack) is var (s, f) && s < _segments.Count && f < _segments[s].Frames.Count
                    ? DateTimeOffset.FromUnixTimeMilliseconds(_segments[s].Frames[f].AppendedUnixMs)
                    : null;
            }
        }
    }

    /// <summary>Appends one batch and makes it durable (fsync) before returning.</summary>
    /// <exception cref="IOException">The disk refused; nothing is counted, and the same batch may be appended again (it overwrites the failed one).</exception>
    public void Append(ReadOnlyMemory<byte> payload, int points)
    {
        var frameBytes = SpoolFrame.HeaderBytes + payload.Length;
        Segment active;
        bool drained;
        lock (_gate)
        {
            active = _segments[^1];
            drained = _ack >= new SpoolPosition(active.Id, active.Length);
        }

        // A full segment is closed; so is a drained one past a megabyte, so that acknowledged bytes do not linger on disk.
        if (active.Frames.Count > 0 && (active.Length + frameBytes > _segmentBytes || (drained && active.Length >= MinRotateBytes)))
        {
            active = NewSegment(active.Id + 1);
            lock (_gate)
            {
                _segments.Add(active);
            }
        }

        var appended = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var header = new byte[SpoolFrame.HeaderBytes];
        SpoolFrame.WriteHeader(header, payload.Span, points, appended);
        var offset = active.Length;
        RandomAccess.Write(active.Handle, [header, payload], offset);
        RandomAccess.FlushToDisk(active.Handle);
        bool ackMoved;
        lock (_gate)
        {
            active.Frames.Add(new Frame(offset, frameBytes, points, appended));
            active.Length = offset + frameBytes;
            _pendingPoints += points;
            _pendingBytes += frameBytes;
            _diskBytes += frameBytes;
            _appendedBytes += frameBytes;
            _peakDiskBytes = Math.Max(_peakDiskBytes, _diskBytes);
            ackMoved = EnforceLimit();
        }

        if (ackMoved)
        {
            // A restart must not look for the dropped segment's frames.
            SaveAck();
        }
    }

    /// <summary>
    /// The oldest unacknowledged batches, in order, up to <paramref name="maxPoints"/> points and <paramref name="maxBytes"/>
    /// bytes (at least one batch); null when everything was acknowledged.
    /// </summary>
    public SpoolBatch? ReadPending(int maxPoints, int maxBytes)
    {
        lock (_gate)
        {
            var (s, f) = Locate(_ack);
            var payloads = new List<string>();
            var points = 0;
            var bytes = 0L;
            var end = _ack;
            long? oldest = null;
            for (; s < _segments.Count; s++, f = 0)
            {
                var segment = _segments[s];
                for (; f < segment.Frames.Count; f++)
                {
                    var frame = segment.Frames[f];
                    if (payloads.Count > 0 && (points + frame.Points > maxPoints || bytes + frame.Bytes > maxBytes))
                    {
                        return new SpoolBatch(payloads, points, end, DateTimeOffset.FromUnixTimeMilliseconds(oldest!.Value));
                    }

                    var payload = new byte[frame.Bytes - SpoolFrame.HeaderBytes];
                    RandomAccess.Read(segment.Handle, payload, frame.Offset + SpoolFrame.HeaderBytes);
                    var text = Encoding.UTF8.GetString(payload).TrimEnd('\n');
                    if (text.Length > 0)
                    {
                        payloads.Add(text);
                    }

                    oldest ??= frame.AppendedUnixMs;
                    points += frame.Points;
                    bytes += frame.Bytes;
                    end = new SpoolPosition(segment.Id, frame.Offset + frame.Bytes);
                }
            }

            return oldest is null ? null : new SpoolBatch(payloads, points, end, DateTimeOffset.FromUnixTimeMilliseconds(oldest.Value));
        }
    }

    /// <summary>
    /// Moves the acknowledged position to <paramref name="end"/> (a batch's <see cref="SpoolBatch.End"/>), saves it and
    /// deletes segments wholly acknowledged. A position already passed (its segment was dropped meanwhile) moves nothing back.
    /// </summary>
    public void Acknowledge(SpoolPosition end)
    {
        lock (_gate)
        {
            if (end <= _ack)
            {
                return;
            }

            var (s, f) = Locate(_ack);
            for (; s < _segments.Count; s++, f = 0)
            {
                var segment = _segments[s];
                for (; f < segment.Frames.Count && new SpoolPosition(segment.Id, segment.Frames[f].Offset) < end; f++)
                {
                    _pendingPoints -= segment.Frames[f].Points;
                    _pendingBytes -= segment.Frames[f].Bytes;
                    _acknowledgedPoints += segment.Frames[f].Points;
                }
            }

            _ack = end;
            DeleteAcknowledged();
        }

        SaveAck();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var segment in _segments)
            {
                segment.Handle.Dispose();
            }

            _segments.Clear();
        }
    }

    private long Read(ref long field)
    {
        lock (_gate)
        {
            return field;
        }
    }

    private void Open()
    {
        var ack = ReadAck();
        var files = Directory.GetFiles(_folder, "*" + Extension)
            .Select(p => (Path: p, Id: long.TryParse(Path.GetFileNameWithoutExtension(p), NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1))
            .Where(x => x.Id > 0)
            .OrderBy(x => x.Id)
            .ToList();
        foreach (var (path, id) in files)
        {
            if (ack is { } a && id < a.Segment)
            {
                File.Delete(path);
                continue;
            }

            var segment = new Segment(id, path, File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read));
            Scan(segment);
            _segments.Add(segment);
            _diskBytes += segment.Length;
        }

        var last = Math.Max(_segments.Count > 0 ? _segments[^1].Id : 0, ack?.Segment ?? 0);
        _segments.Add(NewSegment(last + 1));
        _ack = ack ?? new SpoolPosition(_segments[0].Id, 0);
        if (_ack < new SpoolPosition(_segments[0].Id, 0))
        {
            _ack = new SpoolPosition(_segments[0].Id, 0);
        }

        var (s, f) = Locate(_ack);
        for (; s < _segments.Count; s++, f = 0)
        {
            for (; f < _segments[s].Frames.Count; f++)
            {
                _pendingPoints += _segments[s].Frames[f].Points;
                _pendingBytes += _segments[s].Frames[f].Bytes;
            }
        }

        DeleteAcknowledged();
        _peakDiskBytes = _diskBytes;
        Log.HistorySpoolOpened(_logger, _folder, _segments.Count, _pendingPoints, _pendingBytes);
    }

    /// <summary>Indexes a segment's frames; the first that does not hold (short, bad header, bad checksum) and everything after it is cut.</summary>
    private void Scan(Segment segment)
    {
        var length = RandomAccess.GetLength(segment.Handle);
        var header = new byte[SpoolFrame.HeaderBytes];
        var offset = 0L;
        while (offset + SpoolFrame.HeaderBytes <= length)
        {
            RandomAccess.Read(segment.Handle, header, offset);
            if (!SpoolFrame.TryReadHeader(header, out var payloadBytes, out var points, out var appended, out _)
                || offset + SpoolFrame.HeaderBytes + payloadBytes > length)
            {
                break;
            }

            var payload = new byte[payloadBytes];
            RandomAccess.Read(segment.Handle, payload, offset + SpoolFrame.HeaderBytes);
            if (!SpoolFrame.ChecksumHolds(header, payload))
            {
                break;
            }

            segment.Frames.Add(new Frame(offset, SpoolFrame.HeaderBytes + payloadBytes, points, appended));
            offset += SpoolFrame.HeaderBytes + payloadBytes;
        }

        segment.Length = offset;
        if (offset < length)
        {
            RandomAccess.SetLength(segment.Handle, offset);
            RandomAccess.FlushToDisk(segment.Handle);
            Log.HistorySpoolTornTail(_logger, segment.Path, length - offset);
            _alarms?.Raise(TornAlarmKey, $"{Path.GetFileName(segment.Path)} ended in a torn batch after a crash: {length - offset} bytes cut off");
        }
    }

    private Segment NewSegment(long id)
    {
        var path = Path.Combine(_folder, id.ToString("D20", CultureInfo.InvariantCulture) + Extension);
        return new Segment(id, path, File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read));
    }

    /// <summary>The index of the segment and of the frame at or after <paramref name="position"/> (past the end when none).</summary>
    private (int Segment, int Frame) Locate(SpoolPosition position)
    {
        for (var s = 0; s < _segments.Count; s++)
        {
            var segment = _segments[s];
            if (segment.Id < position.Segment)
            {
                continue;
            }

            if (segment.Id > position.Segment)
            {
                return (s, 0);
            }

            var frames = segment.Frames;
            int lo = 0, hi = frames.Count;
            while (lo < hi)
            {
                var mid = (lo + hi) / 2;
                if (frames[mid].Offset < position.Offset)
                {
                    lo = mid + 1;
                }
                else
                {
                    hi = mid;
                }
            }

            return (s, lo);
        }

        return (_segments.Count, 0);
    }

    /// <summary>Deletes the oldest segments (never the one being appended to) whose every frame was acknowledged.</summary>
    private void DeleteAcknowledged()
    {
        while (_segments.Count > 1 && (_ack.Segment > _segments[0].Id || (_ack.Segment == _segments[0].Id && _ack.Offset >= _segments[0].Length)))
        {
            var first = _segments[0];
            Remove(first);
            if (_ack.Segment <= first.Id)
            {
                _ack = new SpoolPosition(_segments[0].Id, 0);
            }
        }
    }

    /// <summary>Drops the oldest segments while the spool is over its limit; true when that moved the acknowledged position.</summary>
    private bool EnforceLimit()
    {
        var moved = false;
        while (_diskBytes > LimitBytes && _segments.Count > 1)
        {
            var oldest = _segments[0];
            var lost = 0L;
            var lostBytes = 0L;
            foreach (var frame in oldest.Frames)
            {
                if (new SpoolPosition(oldest.Id, frame.Offset) >= _ack)
                {
                    lost += frame.Points;
                    lostBytes += frame.Bytes;
                }
            }

            Remove(oldest);
            _pendingPoints -= lost;
            _pendingBytes -= lostBytes;
            _droppedPoints += lost;
            if (_ack < new SpoolPosition(_segments[0].Id, 0))
            {
                _ack = new SpoolPosition(_segments[0].Id, 0);
                moved = true;
            }

            Log.HistorySpoolDropped(_logger, LimitBytes, oldest.Path, lost, _droppedPoints);
            _alarms?.Raise(DroppedAlarmKey,
                $"the history spool reached its limit of {LimitBytes} bytes (the database is unreachable or too slow): {_droppedPoints} points not yet written were dropped, oldest first",
                AlarmSeverity.Critical);
        }

        return moved;
    }

    private void Remove(Segment segment)
    {
        _segments.Remove(segment);
        _diskBytes -= segment.Length;
        segment.Handle.Dispose();
        try
        {
            File.Delete(segment.Path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Deleted at the next open (its number is below the acknowledged position); it no longer counts here.
            Log.HistoryAckNotSaved(_logger, $"{segment.Path} could not be deleted: {e.Message}");
        }
    }

    private SpoolPosition? ReadAck()
    {
        var path = Path.Combine(_folder, AckFileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var text = File.ReadAllText(path).Trim();
        var parts = text.Split(' ');
        if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var segment)
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            return new SpoolPosition(segment, offset);
        }

        Log.HistoryAckUnreadable(_logger, path, $"'{(text.Length > 40 ? text[..40] : text)}' is not 'SEGMENT OFFSET'");
        return null;
    }

    private void SaveAck()
    {
        lock (_ackFileGate)
        {
            var ack = Acknowledged;
            try
            {
                AtomicFile.Write(Path.Combine(_folder, AckFileName), w => w.Write(string.Create(CultureInfo.InvariantCulture, $"{ack.Segment} {ack.Offset}\n")));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Log.HistoryAckNotSaved(_logger, e.Message);
            }
        }
    }

    private sealed class Segment(long id, string path, SafeFileHandle handle)
    {
        public long Id { get; } = id;

        public string Path { get; } = path;

        public SafeFileHandle Handle { get; } = handle;

        /// <summary>Bytes of whole, durable frames; only the writer moves it.</summary>
        public long Length { get; set; }

        public List<Frame> Frames { get; } = [];
    }

    private readonly record struct Frame(long Offset, int Bytes, int Points, long AppendedUnixMs);
}
