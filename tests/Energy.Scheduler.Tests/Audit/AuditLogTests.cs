using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Energy.Scheduler.Audit;
using Energy.Telemetry.Health;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Audit;

public sealed partial class AuditLogTests : IDisposable
{
    private static readonly AuditActor Operator = new("ana", "operator", "10.0.0.7");

    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-audit-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
    private readonly Alarms _alarms;

    public AuditLogTests() => _alarms = new Alarms(_time, NullLogger<Alarms>.Instance);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string FilePath => Path.Combine(_folder, AuditLog.FileName);

    private AuditLog Open() => new(_folder, _time, NullLogger<AuditLog>.Instance, _alarms);

    private string[] Lines() => File.ReadAllLines(FilePath);

    private static JsonElement Parse(string line) => JsonDocument.Parse(line).RootElement;

    [Fact]
    public void TwoWriters_OnOneFile_OneChain_EachContinuesFromTheOthersLastEntry()
    {
        // The service and a 'heatgrid users' verb are two processes with two AuditLogs on one folder.
        var service = Open();
        var verb = Open();

        Assert.Equal(1, service.Record(Operator, "dr.curtail", null, new { capKw = 300.0 }, null));
        Assert.Equal(2, verb.Record(new AuditActor("root", "local", "heatgrid users on host"), "users.add", null, new { name = "bob" }, null));
        Assert.Equal(3, service.Record(AuditActor.Controller, "safety.shed", null, new { shedGpus = 3 }, null));
        Assert.Equal(4, verb.Record(new AuditActor("root", "local", "heatgrid users on host"), "users.remove", new { name = "bob" }, null, null));

        var verification = AuditVerification.Of(_folder);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(4, verification.Entries);
        Assert.Equal([1L, 2, 3, 4], Lines().Select(l => Parse(l).GetProperty("seq").GetInt64()));
    }

    [Fact]
    public async Task LockHeldByAnotherProcess_TheAppendWaitsForIt_ThenContinuesItsChain()
    {
        var log = Open();
        log.Record(Operator, "dr.curtail", null, null, null);
        long? seq;
        using (var held = new FileStream(Path.Combine(_folder, AuditFileLock.FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var waiting = Task.Run(() => log.Record(Operator, "dr.cancel", null, null, null));
            await Task.Delay(TimeSpan.FromMilliseconds(200), TimeProvider.System);
            Assert.False(waiting.IsCompleted);
            held.Close();
            seq = await waiting;
        }

        Assert.Equal(2, seq);
        Assert.True(AuditVerification.Of(_folder).Intact);
    }

    [Fact]
    public void FolderReplacedByAFile_RecordFailsWithTheReason_NotAsALockHeldElsewhere()
    {
        var log = Open();
        log.Record(Operator, "dr.curtail", null, null, null);
        Directory.Move(_folder, _folder + ".gone");
        File.WriteAllText(_folder, "not a folder");
        try
        {
            Assert.Null(log.Record(Operator, "dr.cancel", null, null, null));
            var alarm = Assert.Single(_alarms.Current(), a => a.Key == AuditLog.WriteAlarmKey);
            Assert.DoesNotContain("held by another process", alarm.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(_folder);
            Directory.Move(_folder + ".gone", _folder);
        }
    }

    [Fact]
    public void TwoWriters_AtOnce_NoSeqTwice_TheChainVerifies()
    {
        var a = Open();
        var b = Open();

        Parallel.Invoke(
            () => { for (var i = 0; i < 100; i++) { a.Record(Operator, "a", null, new { i }, null); } },
            () => { for (var i = 0; i < 100; i++) { b.Record(Operator, "b", null, new { i }, null); } });

        var verification = AuditVerification.Of(_folder);
        Assert.True(verification.Intact, verification.Problem);
        Assert.Equal(200, verification.Entries);
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), Lines().Select(l => Parse(l).GetProperty("seq").GetInt64()));
    }

    [Fact]
    public void Record_OneLinePerEntry_AllFieldsInOrder_ChainedFromGenesis()
    {
        var log = Open();

        Assert.Equal(1, log.Record(Operator, "dr.curtail", new { capKw = 900.0 }, new { capKw = 300.0 }, "grid operator asked"));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, log.Record(AuditActor.Controller, "safety.shed", null, new { shedGpus = 3 }, null));

        var lines = Lines();
        Assert.Equal(2, lines.Length);
        var first = Parse(lines[0]);
        Assert.Equal(["seq", "at", "who", "role", "from", "what", "before", "after", "why", "prev", "hash"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal((1L, "2026-03-02T10:00:00.000Z", "ana", "operator", "10.0.0.7", "dr.curtail", 900.0, 300.0, "grid operator asked"),
            (first.GetProperty("seq").GetInt64(), first.GetProperty("at").GetString(), first.GetProperty("who").GetString(), first.GetProperty("role").GetString(),
                first.GetProperty("from").GetString(), first.GetProperty("what").GetString(), first.GetProperty("before").GetProperty("capKw").GetDouble(),
                first.GetProperty("after").GetProperty("capKw").GetDouble(), first.GetProperty("why").GetString()));
        Assert.Equal(new string('0', 64), first.GetProperty("prev").GetString());
        var second = Parse(lines[1]);
        Assert.Equal(JsonValueKind.Null, second.GetProperty("before").ValueKind);
        Assert.Equal(("controller", "controller"), (second.GetProperty("who").GetString(), second.GetProperty("from").GetString()));
        Assert.Equal(first.GetProperty("hash").GetString(), second.GetProperty("prev").GetString());
    }

    [Fact]
    public void Record_HashIsSha256OfTheLineAsWrittenWithoutItsHashMember()
    {
        Open().Record(Operator, "demo.baseLoad", new { baseLoadKw = 60 }, new { baseLoadKw = 120 }, "ünïcode and \"quotes\"");

        var line = Lines().Single();
        var hash = Parse(line).GetProperty("hash").GetString()!;
        var content = HashMember().Replace(line, "");
        Assert.EndsWith("}", content, StringComparison.Ordinal);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content))), hash);
    }

    [Fact]
    public void Restart_ContinuesTheChainAfterTheLastLine()
    {
        var first = Open();
        first.Record(Operator, "dr.curtail", null, null, null);
        first.Record(Operator, "dr.cancel", null, null, null);

        var again = Open();
        Assert.Equal(2, again.LastSeq);
        Assert.Equal(3, again.Record(Operator, "demo.baseLoad", null, null, null));

        var lines = Lines();
        Assert.Equal(Parse(lines[1]).GetProperty("hash").GetString(), Parse(lines[2]).GetProperty("prev").GetString());
        Assert.Equal(new AuditVerification(3, null, null, null), AuditVerification.Of(_folder));
    }

    [Fact]
    public void TornLastLine_CutBackAndRecorded_TheChainContinuesAfterTheLastWholeLine()
    {
        var log = Open();
        log.Record(Operator, "dr.curtail", null, null, null);
        log.Record(Operator, "dr.cancel", null, null, null);
        var whole = File.ReadAllText(FilePath);
        const string fragment = "{\"seq\":3,\"at\":\"2026-03-02T10:00:00.000Z\",\"who\":\"an";
        File.AppendAllText(FilePath, fragment);                                            // a crash in the middle of an append

        var again = Open();

        var lines = Lines();
        Assert.Equal(3, lines.Length);
        Assert.StartsWith(whole, File.ReadAllText(FilePath), StringComparison.Ordinal);
        var repair = Parse(lines[2]);
        Assert.Equal(("audit.tornLine", 3L), (repair.GetProperty("what").GetString(), repair.GetProperty("seq").GetInt64()));
        Assert.Equal(fragment.Length, repair.GetProperty("before").GetProperty("bytes").GetInt64());
        Assert.Equal(Parse(lines[1]).GetProperty("hash").GetString(), repair.GetProperty("prev").GetString());
        Assert.Equal(4, again.Record(Operator, "demo.baseLoad", null, null, null));
        Assert.True(AuditVerification.Of(_folder).Intact);
    }

    [Fact]
    public void TornLastLine_AWholeEntryWithoutItsNewline_Kept()
    {
        var log = Open();
        log.Record(Operator, "dr.curtail", null, null, null);
        log.Record(Operator, "dr.cancel", null, null, null);
        File.WriteAllText(FilePath, File.ReadAllText(FilePath).TrimEnd('\n'));

        var again = Open();

        Assert.Equal(2, again.LastSeq);
        Assert.Equal(3, again.Record(Operator, "demo.baseLoad", null, null, null));
        Assert.Equal(["dr.curtail", "dr.cancel", "demo.baseLoad"], Lines().Select(l => Parse(l).GetProperty("what").GetString()));
        Assert.True(AuditVerification.Of(_folder).Intact);
    }

    [Fact]
    public async Task Record_ConcurrentAppends_EveryOneWholeAndChained()
    {
        var log = Open();

        var seqs = await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
            Enumerable.Range(0, 40).Select(i => log.Record(Operator, "dr.curtail", new { t, i }, null, null)!.Value).ToList())));

        Assert.Equal(Enumerable.Range(1, 320).Select(i => (long)i), seqs.SelectMany(s => s).Order());
        Assert.Equal(320, Lines().Length);
        Assert.Equal(new AuditVerification(320, null, null, null), AuditVerification.Of(_folder));
    }

    [Fact]
    public void Record_DiskRefuses_ReturnsNullAndRaisesTheCriticalAlarm_ThenWritesAgain()
    {
        var log = Open();
        log.Record(Operator, "dr.curtail", null, null, null);
        File.Delete(FilePath);
        Directory.CreateDirectory(FilePath);                                               // the file's place taken: appends fail

        Assert.Null(log.Record(Operator, "dr.cancel", null, null, null));

        var alarm = Assert.Single(_alarms.Current(), a => a.Key == AuditLog.WriteAlarmKey);
        Assert.Equal(AlarmSeverity.Critical, alarm.Severity);
        Assert.Contains("dr.cancel", alarm.Message, StringComparison.Ordinal);
        Directory.Delete(FilePath);
        Assert.Equal(2, log.Record(Operator, "dr.cancel", null, null, null));
    }

    [Fact]
    public void Latest_NewestFirst_AfterSince_AtMostLimit()
    {
        var log = Open();
        for (var i = 0; i < 10; i++)
        {
            log.Record(Operator, $"test.n{i}", null, null, null);
        }

        Assert.Equal([10L, 9L, 8L], log.Latest(3, 0).Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal([10L, 9L], log.Latest(100, 8).Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Empty(log.Latest(5, 10));
    }

    [Fact]
    public void Open_HeadAheadOfTheFile_TheCutIsRecordedAndAlarmed()
    {
        var log = Open();
        for (var i = 0; i < 3; i++)
        {
            log.Record(Operator, "dr.curtail", null, null, null);
        }

        File.WriteAllLines(FilePath, Lines()[..2]);                                        // the last line removed while the service was down

        var again = Open();

        var entry = Parse(Lines()[2]);
        Assert.Equal(("audit.tailMissing", 3L, 3L, 2L), (entry.GetProperty("what").GetString(), entry.GetProperty("seq").GetInt64(),
            entry.GetProperty("before").GetProperty("seq").GetInt64(), entry.GetProperty("after").GetProperty("seq").GetInt64()));
        Assert.Contains(_alarms.Current(), a => a.Key == AuditLog.ChainAlarmKey && a.Severity == AlarmSeverity.Critical);
        Assert.Equal(3, again.LastSeq);
    }

    [GeneratedRegex(",\"hash\":\"[0-9a-f]{64}\"(?=}$)")]
    private static partial Regex HashMember();
}
