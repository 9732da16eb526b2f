using Energy.Contracts.Agents.Protocol;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Controller.DemandResponse;

/// <summary>
/// Every demand-response action with its timing (signal measured, seen, GPUs commanded, power observed
/// down), as evidence for a prequalification test: the latest events in memory for the API, and every
/// event appended to <c>dr-events.jsonl</c> in the data folder (one JSON object per line).
/// An event is first recorded when commanded and again once its power was observed down.
/// </summary>
public sealed class DemandResponseLog(string? dataFolder, ILogger<DemandResponseLog> logger)
{
    public const string FileName = "dr-events.jsonl";
    private const int Kept = 2000;

    private readonly Lock _lock = new();
    private readonly LinkedList<DemandResponseEvent> _events = new();
    private readonly Dictionary<(string Node, string Id), LinkedListNode<DemandResponseEvent>> _byId = [];

    public string? Path => dataFolder is null ? null : System.IO.Path.Combine(dataFolder, FileName);

    public event Action<DemandResponseEvent>? Recorded;

    public void Record(DemandResponseEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        lock (_lock)
        {
            if (_byId.TryGetValue((e.Node, e.Id), out var existing))
            {
                existing.Value = e;
            }
            else
            {
                _byId[(e.Node, e.Id)] = _events.AddLast(e);
                if (_events.Count > Kept && _events.First is { } first)
                {
                    _byId.Remove((first.Value.Node, first.Value.Id));
                    _events.RemoveFirst();
                }

                Log.DemandResponseEvidence(logger, e.Kind, e.Node, e.Trigger, e.Threshold, e.GpusCommanded, e.CommandMs, e.BeforeW, e.TargetW);
            }

            Append(e);
        }

        Recorded?.Invoke(e);
    }

    public DemandResponseEvent? Find(string node, string id)
    {
        lock (_lock)
        {
            return _byId.TryGetValue((node, id), out var e) ? e.Value : null;
        }
    }

    public IReadOnlyList<DemandResponseEvent> Latest(int count = 200)
    {
        lock (_lock)
        {
            return [.. _events.Reverse().Take(count)];
        }
    }

    private void Append(DemandResponseEvent e)
    {
        if (Path is not { } path)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            File.AppendAllText(path, AgentJson.SerializeToString(e) + "\n");
        }
        catch (IOException ex)
        {
            Log.DemandResponseWriteFailed(logger, path, ex);
        }
        catch (UnauthorizedAccessException ex)
        {
            Log.DemandResponseWriteFailed(logger, path, ex);
        }
    }
}
