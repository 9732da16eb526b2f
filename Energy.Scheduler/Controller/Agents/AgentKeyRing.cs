using Energy.Contracts.Agents.Protocol;
using Energy.Telemetry.Health;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Controller.Agents;

/// <summary>
/// The agent keys a process holds, by node, primary first, and what it signs and checks messages with.
/// A key file is polled for a new write time every <see cref="PollPeriod"/> (on use, so no timer is
/// needed) and re-read: rotation is adding the new key as a node's second line on both sides, then making
/// it the first on both, then removing the old one, with no restart and no message refused on the way. A
/// file that no longer reads keeps the keys in force and holds the <c>agents.keys</c> alarm until it reads.
/// An unsigned ring (<c>--insecure-unsigned</c>) signs nothing and takes every message as it is.
/// </summary>
public sealed class AgentKeyRing
{
    public const string AlarmKey = "agents.keys";
    public static readonly TimeSpan PollPeriod = TimeSpan.FromSeconds(2);

    private readonly AgentKeySource _source;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Alarms? _alarms;
    private readonly Lock _gate = new();
    private Dictionary<string, AgentKey[]> _byNode;
    private DateTimeOffset _nextPoll;
    private (DateTime WrittenAt, long Length) _read;

    private AgentKeyRing(AgentKeySource source, IReadOnlyList<AgentKey> keys, TimeProvider time, ILogger logger, Alarms? alarms)
    {
        _source = source;
        _time = time;
        _logger = logger;
        _alarms = alarms;
        _byNode = Index(keys);
        _nextPoll = time.GetUtcNow() + PollPeriod;
    }

    /// <summary>No keys: nothing is signed or checked (<c>--insecure-unsigned</c>).</summary>
    public static AgentKeyRing None(ILogger logger) =>
        new(AgentKeySource.None, [], TimeProvider.System, logger, null);

    /// <summary>Fixed keys (an environment variable, a benchmark's generated keys).</summary>
    public static AgentKeyRing Of(IEnumerable<AgentKey> keys, ILogger logger) =>
        new(new AgentKeySource(null, "(given)", "given", null), [.. keys], TimeProvider.System, logger, null);

    /// <summary>The keys of <paramref name="source"/>; throws <see cref="AgentKeyFileException"/> with every error (<c>FILE:LINE: …</c>).</summary>
    public static AgentKeyRing Load(AgentKeySource source, TimeProvider time, ILogger logger, Alarms? alarms = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.IsUnsigned)
        {
            return new AgentKeyRing(source, [], time, logger, alarms);
        }

        var (result, stamp) = Read(source);
        if (!result.Ok)
        {
            throw new AgentKeyFileException(result.Errors);
        }

        var ring = new AgentKeyRing(source, result.Keys, time, logger, alarms) { _read = stamp };
        Log.AgentKeysLoaded(logger, source.Origin, result.Keys.Count, ring._byNode.Count);
        return ring;
    }

    /// <summary>Whether messages are signed and checked.</summary>
    public bool Signs => !_source.IsUnsigned;

    public string Origin => _source.Origin;

    /// <summary>The nodes with at least one key.</summary>
    public IReadOnlyList<string> Nodes => [.. Current().Keys.Order(StringComparer.Ordinal)];

    /// <summary>A node's keys, the primary (the one to sign with) first; empty when it has none.</summary>
    public IReadOnlyList<AgentKey> KeysOf(string node) => Current().GetValueOrDefault(node) ?? [];

    /// <summary>The message as JSON for <paramref name="topic"/>, signed with <paramref name="node"/>'s primary key (plain when unsigned).</summary>
    public byte[] Sign<T>(T message, string topic, string node)
        where T : class
    {
        var json = AgentJson.Serialize(message);
        if (!Signs)
        {
            return json;
        }

        var keys = KeysOf(node);
        return keys.Count == 0 ? throw new InvalidOperationException($"no key for node {node} in {Origin}") : AgentSignature.Sign(json, topic, keys[0]);
    }

    /// <summary>The message signed once per node with a key (the controller's announcement).</summary>
    public byte[] SignForEveryNode<T>(T message, string topic)
        where T : class
    {
        var json = AgentJson.Serialize(message);
        return Signs ? AgentSignature.SignPerNode(json, topic, Current().Values.Select(k => k[0])) : json;
    }

    /// <summary>Checks a message received on <paramref name="topic"/> from (or for) <paramref name="node"/>; unsigned rings take it as it is.</summary>
    public SignatureCheck Verify(ReadOnlySpan<byte> payload, string topic, string node) =>
        Signs ? AgentSignature.Verify(payload, topic, KeysOf(node)) : new SignatureCheck(SignatureOutcome.Valid, payload.ToArray(), null, string.Empty);

    /// <summary>Checks <paramref name="node"/>'s entry of a message signed per node.</summary>
    public SignatureCheck VerifyFor(ReadOnlySpan<byte> payload, string topic, string node) =>
        Signs ? AgentSignature.VerifyFor(payload, topic, node, KeysOf(node)) : new SignatureCheck(SignatureOutcome.Valid, payload.ToArray(), null, string.Empty);

    private Dictionary<string, AgentKey[]> Current()
    {
        lock (_gate)
        {
            var now = _time.GetUtcNow();
            if (_source.File is { } path && now >= _nextPoll)
            {
                _nextPoll = now + PollPeriod;
                Poll(path);
            }

            return _byNode;
        }
    }

    private void Poll(string path)
    {
        var info = new FileInfo(path);
        (DateTime, long) stamp = info.Exists ? (info.LastWriteTimeUtc, info.Length) : (DateTime.MinValue, -1);
        if (stamp == _read)
        {
            return;
        }

        var (result, read) = Read(_source);
        if (read.Length == -2)
        {
            return;   // being written or briefly unreadable: tried again at the next poll
        }

        _read = read;
        if (!result.Ok)
        {
            var problem = string.Join("; ", result.Errors);
            Log.AgentKeysReloadFailed(_logger, _source.Origin, problem);
            _alarms?.Hold(AlarmKey, $"agent keys not reloaded, the keys read before stay in force: {problem}", AlarmSeverity.Critical);
            return;
        }

        _byNode = Index(result.Keys);
        Log.AgentKeysLoaded(_logger, _source.Origin, result.Keys.Count, _byNode.Count);
        _alarms?.Clear(AlarmKey);
    }

    private static (AgentKeyFileResult Result, (DateTime WrittenAt, long Length) Stamp) Read(AgentKeySource source)
    {
        if (source.Lines is { } lines)
        {
            return (AgentKeyFile.Parse(lines, source.Origin, source.Node), default);
        }

        var path = source.File!;
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                return (new AgentKeyFileResult([], [$"{source.Origin}: no such file"]), (DateTime.MinValue, -1));
            }

            var stamp = (info.LastWriteTimeUtc, info.Length);
            return (AgentKeyFile.Parse(File.ReadAllText(path), source.Origin, source.Node), stamp);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (new AgentKeyFileResult([], [$"{source.Origin}: {e.Message}"]), (DateTime.MinValue, -2));
        }
    }

    private static Dictionary<string, AgentKey[]> Index(IEnumerable<AgentKey> keys) =>
        keys.GroupBy(k => k.Node, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToArray(), StringComparer.Ordinal);
}

/// <summary>A key file or variable that cannot be used, with every error (<c>FILE:LINE: …</c>).</summary>
public sealed class AgentKeyFileException : Exception
{
    public AgentKeyFileException(IReadOnlyList<string> errors)
        : base(string.Join(Environment.NewLine, errors)) => Errors = errors;

    public AgentKeyFileException()
        : this([])
    {
    }

    public AgentKeyFileException(string message)
        : base(message) => Errors = [message];

    public AgentKeyFileException(string message, Exception innerException)
        : base(message, innerException) => Errors = [message];

    public IReadOnlyList<string> Errors { get; }
}
