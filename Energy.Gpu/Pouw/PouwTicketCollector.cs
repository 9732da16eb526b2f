using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Gpu.Pouw;

/// <summary>
/// A sink that logs each ticket and keeps the newest ones in memory (thread-safe), with counts: what a
/// node holds until the controller's ticket endpoint takes them.
/// </summary>
public sealed class PouwTicketCollector(int capacity = 1_024, ILogger? logger = null) : IPouwTicketSink
{
    private readonly Lock _lock = new();
    private readonly Queue<PouwTicket> _tickets = new();
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private long _found;
    private long _refused;

    public long FoundCount
    {
        get
        {
            lock (_lock)
            {
                return _found;
            }
        }
    }

    public long RefusedCount
    {
        get
        {
            lock (_lock)
            {
                return _refused;
            }
        }
    }

    /// <summary>The kept tickets, oldest first.</summary>
    public IReadOnlyList<PouwTicket> Tickets
    {
        get
        {
            lock (_lock)
            {
                return [.. _tickets];
            }
        }
    }

    /// <summary>Takes the kept tickets (oldest first) out of the collector.</summary>
    public IReadOnlyList<PouwTicket> Drain()
    {
        lock (_lock)
        {
            var all = _tickets.ToArray();
            _tickets.Clear();
            return all;
        }
    }

    public void Found(PouwTicket ticket, PouwVerification verification)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        lock (_lock)
        {
            _found++;
            _tickets.Enqueue(ticket);
            while (_tickets.Count > Math.Max(1, capacity))
            {
                _tickets.Dequeue();
            }
        }

        Log.PouwTicketEmitted(_logger, ticket.Id, ticket.Header.Tenant, ticket.Header.Job, ticket.TileRow, ticket.TileCol);
    }

    public void Refused(PouwHeader header, CudaPouwRefusal refusal)
    {
        lock (_lock)
        {
            _refused++;
        }
    }
}
