using Energy.Telemetry.History;

namespace Energy.Telemetry.Tests.History;

/// <summary>A database that takes writes in memory, and fails (or refuses) the next ones when told to.</summary>
internal sealed class FakeHistoryWriter : IHistoryWriter
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];

    public string Target => "fake";

    /// <summary>Writes to fail with an HttpRequestException before one succeeds again.</summary>
    public int FailNext { get; set; }

    public int RefuseNext { get; set; }

    public int Attempts { get; private set; }

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_gate)
            {
                return [.. _lines];
            }
        }
    }

    public Task WriteAsync(IReadOnlyList<string> lineProtocol, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Attempts++;
            if (FailNext > 0)
            {
                FailNext--;
                throw new HttpRequestException("Connection refused (127.0.0.1:8428)");
            }

            if (RefuseNext > 0)
            {
                RefuseNext--;
                throw new HistoryWriteRefusedException("HTTP 400: unparsable line");
            }

            _lines.AddRange(lineProtocol.SelectMany(p => p.Split('\n')));
        }

        return Task.CompletedTask;
    }
}
