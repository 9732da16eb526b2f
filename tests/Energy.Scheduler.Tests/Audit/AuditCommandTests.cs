using System.Text.Json;
using Energy.Scheduler.Audit;
using Energy.Scheduler.Cli;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Scheduler.Tests.Audit;

/// <summary><c>heatgrid audit verify</c>: every edited, removed or reordered line is found and named.</summary>
public sealed class AuditCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-audit-verify-").FullName;
    private readonly StringWriter _out = new();
    private readonly StringWriter _err = new();

    public AuditCommandTests()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 10, 0, 0, TimeSpan.Zero));
        var log = new AuditLog(_folder, time, NullLogger<AuditLog>.Instance);
        for (var i = 1; i <= 5; i++)
        {
            log.Record(new AuditActor("ana", "operator", "10.0.0.7"), "dr.curtail", new { capKw = 900 }, new { capKw = 100 * i }, $"step {i}");
            time.Advance(TimeSpan.FromMinutes(1));
        }
    }

    public void Dispose()
    {
        _out.Dispose();
        _err.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private string FilePath => Path.Combine(_folder, AuditLog.FileName);

    private string HeadPath => Path.Combine(_folder, AuditHead.FileName);

    private List<string> Lines() => [.. File.ReadAllLines(FilePath)];

    private void Write(IEnumerable<string> lines) => File.WriteAllText(FilePath, string.Concat(lines.Select(l => l + "\n")));

    private int Verify() => AuditCommand.Verify(_folder, _out, _err);

    [Fact]
    public void Verify_Whole_Exit0_CountsTheEntries()
    {
        Assert.Equal(0, Verify());
        Assert.Equal("5 entries, chain intact", _out.ToString().Trim());
    }

    [Fact]
    public void Verify_OneFieldOfOneLineEdited_Exit1_NamesThatLine()
    {
        var lines = Lines();
        lines[2] = lines[2].Replace("\"capKw\":300", "\"capKw\":800", StringComparison.Ordinal);
        Write(lines);

        Assert.Equal(1, Verify());
        Assert.Equal("audit verify: line 3: hash mismatch: the line was edited", _err.ToString().Trim());
    }

    [Fact]
    public void Verify_EditedAndItsHashRecomputed_Exit1_NamesTheNextLine()
    {
        var lines = Lines();
        var edited = lines[2].Replace("\"who\":\"ana\"", "\"who\":\"bob\"", StringComparison.Ordinal);
        var content = string.Concat(edited.AsSpan(0, edited.Length - 75), "}");
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)));
        lines[2] = string.Concat(edited.AsSpan(0, edited.Length - 75), ",\"hash\":\"", hash, "\"}");
        Write(lines);

        Assert.Equal(1, Verify());
        Assert.StartsWith("audit verify: line 4: prev does not match the hash of the line before", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_MiddleLineRemoved_Exit1_NamesTheLineAfterTheGap()
    {
        var lines = Lines();
        lines.RemoveAt(2);
        Write(lines);

        Assert.Equal(1, Verify());
        Assert.Equal("audit verify: line 3: seq 4 where 3 was expected: a line was removed or reordered before it", _err.ToString().Trim());
    }

    [Fact]
    public void Verify_FirstLineRemoved_Exit1_NamesLine1()
    {
        var lines = Lines();
        lines.RemoveAt(0);
        Write(lines);

        Assert.Equal(1, Verify());
        Assert.StartsWith("audit verify: line 1: seq 2 where 1 was expected", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_TwoLinesSwapped_Exit1_NamesTheFirstOutOfPlace()
    {
        var lines = Lines();
        (lines[1], lines[2]) = (lines[2], lines[1]);
        Write(lines);

        Assert.Equal(1, Verify());
        Assert.StartsWith("audit verify: line 2: seq 3 where 2 was expected", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_LineNotJson_Exit1_SaysBroken()
    {
        var lines = Lines();
        lines[3] = lines[3][..40];
        Write(lines);

        Assert.Equal(1, Verify());
        Assert.StartsWith("audit verify: line 4: not JSON, the line is broken", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_LastLineRemoved_TheHeadTellsIt_Exit1()
    {
        var lines = Lines();
        lines.RemoveAt(4);
        Write(lines);

        Assert.Equal(1, Verify());
        Assert.Equal("audit verify: line 5: the file ends at seq 4 but audit.head records seq 5: 1 line(s) were removed from its end", _err.ToString().Trim());
    }

    [Fact]
    public void Verify_LastLineAndTheHeadRemoved_CannotBeTold_Exit0WithANote()
    {
        // The limit of a chain: what is left after a cut tail is a whole chain. Only the head tells it, and it can be removed too.
        var lines = Lines();
        lines.RemoveAt(4);
        Write(lines);
        File.Delete(HeadPath);

        Assert.Equal(0, Verify());
        Assert.Equal($"4 entries, chain intact{Environment.NewLine}note: no audit.head: lines cut from the end of the file cannot be told", _out.ToString().Trim());
    }

    [Fact]
    public void Verify_HeadWithAnotherHash_Exit1()
    {
        File.WriteAllText(HeadPath, JsonSerializer.Serialize(new { seq = 5, hash = new string('a', 64) }));

        Assert.Equal(1, Verify());
        Assert.StartsWith("audit verify: line 5: audit.head records another hash for seq 5", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_NoTrail_Exit1_SaysWhere()
    {
        File.Delete(FilePath);

        Assert.Equal(1, Verify());
        Assert.Contains($"no audit trail at {FilePath}", _err.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_ThroughTheCommandLine_Exit1OnAnEditedLine()
    {
        var lines = Lines();
        lines[0] = lines[0].Replace("step 1", "step 9", StringComparison.Ordinal);
        Write(lines);

        Assert.Equal(1, HeatGridCli.Build().Parse(["audit", "verify", "--data", _folder]).Invoke());
    }
}
