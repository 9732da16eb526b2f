using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Energy.Gpu.Pouw;

/// <summary>What a verifier asks of the jobs a tenant registered.</summary>
public interface IPouwJobRegistry
{
    /// <summary>The tenant's job, or null when no such job was registered.</summary>
    PouwJob? FindJob(string tenant, string job);

    /// <summary>The header the registry issued for the job at a sequence number, or null.</summary>
    PouwHeader? IssuedHeader(string tenant, string job, long sequence);

    /// <summary>True when the inference server logged a batch of activations with this root for the job.</summary>
    bool IsActivationsLogged(string tenant, string job, ReadOnlySpan<byte> activationsRoot);
}

/// <summary>A registered job: the tenant's model weights (by root), its shape and target, and its newest header.</summary>
public sealed record PouwJob(string Tenant, string Job, byte[] WeightsRoot, byte[] WeightsEpoch, PouwParameters Parameters, byte[] Target, long CurrentSequence, DateTimeOffset RegisteredAt);

/// <summary>
/// The job registry kept in memory (thread-safe) with a JSON snapshot: jobs, their issued headers and
/// the activations roots logged per request batch.
/// </summary>
public sealed class PouwJobRegistry : IPouwJobRegistry
{
    /// <summary>Headers kept per job (older ones are stale anyway).</summary>
    public const int HeadersKept = 16;

    /// <summary>Activations roots kept per job.</summary>
    public const int ActivationsKept = 4_096;

    private readonly Lock _gate = new();
    private readonly Dictionary<(string Tenant, string Job), Entry> _jobs = [];

    /// <summary>Registers a tenant's job (its weights root, shape and target) and issues header 0. Refuses a second registration of the same job.</summary>
    public PouwHeader Register(string tenant, string job, byte[] weightsRoot, PouwParameters parameters, byte[] target, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(weightsRoot);
        ArgumentNullException.ThrowIfNull(target);
        parameters.Validate();
        PouwHashing.Hash(weightsRoot, nameof(weightsRoot));
        PouwHashing.Hash(target, nameof(target));
        if (target.All(b => b == 0))
        {
            throw new ArgumentException("The target must not be zero.", nameof(target));
        }

        var jobKey = PouwHashing.JobKey(tenant, job);
        var registration = new byte[32 + 32 + 8];
        jobKey.CopyTo(registration, 0);
        weightsRoot.CopyTo(registration, 32);
        BinaryPrimitives.WriteInt64LittleEndian(registration.AsSpan(64), now.ToUnixTimeMilliseconds());
        var epoch = SHA256.HashData(registration);
        var header = new PouwHeader(tenant, job, 0, new byte[32], weightsRoot, epoch, target, parameters, now.ToUnixTimeMilliseconds());
        lock (_gate)
        {
            if (_jobs.ContainsKey((tenant, job)))
            {
                throw new InvalidOperationException($"Job {tenant}/{job} is registered already.");
            }

            _jobs[(tenant, job)] = new Entry(new PouwJob(tenant, job, weightsRoot, epoch, parameters, target, 0, now), [header], []);
        }

        return header;
    }

    /// <summary>Issues the job's next header after a winning ticket (or a new block header), whose hash it names as previous.</summary>
    public PouwHeader Advance(string tenant, string job, byte[] previous, DateTimeOffset now)
    {
        PouwHashing.Hash(previous, nameof(previous));
        lock (_gate)
        {
            var entry = _jobs.GetValueOrDefault((tenant, job)) ?? throw new KeyNotFoundException($"No job {tenant}/{job}.");
            var current = entry.Headers[^1];
            var next = current with { Sequence = current.Sequence + 1, Previous = previous, IssuedAtUnixMs = now.ToUnixTimeMilliseconds() };
            entry.Headers.Add(next);
            if (entry.Headers.Count > HeadersKept)
            {
                entry.Headers.RemoveAt(0);
            }

            entry.Job = entry.Job with { CurrentSequence = next.Sequence };
            return next;
        }
    }

    /// <summary>Logs the Merkle root of one request batch's activations for the job.</summary>
    public void LogActivations(string tenant, string job, byte[] activationsRoot)
    {
        PouwHashing.Hash(activationsRoot, nameof(activationsRoot));
        lock (_gate)
        {
            var entry = _jobs.GetValueOrDefault((tenant, job)) ?? throw new KeyNotFoundException($"No job {tenant}/{job}.");
            var hex = Convert.ToHexStringLower(activationsRoot);
            if (entry.Activations.Add(hex))
            {
                entry.ActivationsOrder.Enqueue(hex);
                while (entry.ActivationsOrder.Count > ActivationsKept)
                {
                    entry.Activations.Remove(entry.ActivationsOrder.Dequeue());
                }
            }
        }
    }

    /// <summary>
    /// Logs batches kept elsewhere (the energy ledger's <c>pouw_batches</c>: tenant, job, root as hex) again, skipping
    /// those of jobs not registered here.
    /// </summary>
    public void RestoreActivations(IEnumerable<(string Tenant, string Job, string Root)> batches)
    {
        ArgumentNullException.ThrowIfNull(batches);
        foreach (var (tenant, job, root) in batches)
        {
            if (FindJob(tenant, job) is not null)
            {
                LogActivations(tenant, job, Convert.FromHexString(root));
            }
        }
    }

    /// <summary>
    /// Replaces every job, header and activations root with <paramref name="other"/>'s, in place (whoever holds this
    /// registry, such as a verifier, sees the new contents), in one step: a reader sees the old registry or the new one.
    /// <paramref name="other"/> is not used afterwards by the caller (its entries are taken over, not copied).
    /// </summary>
    public void ReplaceWith(PouwJobRegistry other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (ReferenceEquals(other, this))
        {
            return;
        }

        List<KeyValuePair<(string Tenant, string Job), Entry>> entries;
        lock (other._gate)
        {
            entries = [.. other._jobs];
        }

        lock (_gate)
        {
            _jobs.Clear();
            foreach (var (key, entry) in entries)
            {
                _jobs[key] = entry;
            }
        }
    }

    /// <summary>Every registered job.</summary>
    public IReadOnlyList<PouwJob> Jobs()
    {
        lock (_gate)
        {
            return [.. _jobs.Values.Select(e => e.Job).OrderBy(j => j.Tenant, StringComparer.Ordinal).ThenBy(j => j.Job, StringComparer.Ordinal)];
        }
    }

    /// <summary>The job's newest header.</summary>
    public PouwHeader? CurrentHeader(string tenant, string job)
    {
        lock (_gate)
        {
            return _jobs.GetValueOrDefault((tenant, job))?.Headers[^1];
        }
    }

    public PouwJob? FindJob(string tenant, string job)
    {
        lock (_gate)
        {
            return _jobs.GetValueOrDefault((tenant, job))?.Job;
        }
    }

    public PouwHeader? IssuedHeader(string tenant, string job, long sequence)
    {
        lock (_gate)
        {
            return _jobs.GetValueOrDefault((tenant, job))?.Headers.FirstOrDefault(h => h.Sequence == sequence);
        }
    }

    public bool IsActivationsLogged(string tenant, string job, ReadOnlySpan<byte> activationsRoot)
    {
        var hex = Convert.ToHexStringLower(activationsRoot);
        lock (_gate)
        {
            return _jobs.GetValueOrDefault((tenant, job))?.Activations.Contains(hex) ?? false;
        }
    }

    /// <summary>The registry as JSON (jobs, kept headers, logged activations roots).</summary>
    public string ToJson()
    {
        lock (_gate)
        {
            var document = new PouwRegistryDocument
            {
                Format = "hgpouw-jobs/1",
                Jobs = [.. _jobs.Values.Select(e => new PouwRegistryJobDocument
                {
                    RegisteredAt = e.Job.RegisteredAt,
                    Headers = [.. e.Headers.Select(PouwHeaderDocument.From)],
                    Activations = [.. e.ActivationsOrder],
                })],
            };
            return JsonSerializer.Serialize(document, PouwRegistryJsonContext.Default.PouwRegistryDocument);
        }
    }

    /// <summary>Reads a registry written by <see cref="ToJson"/>; throws <see cref="FormatException"/> naming what is wrong.</summary>
    public static PouwJobRegistry FromJson(string json)
    {
        PouwRegistryDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, PouwRegistryJsonContext.Default.PouwRegistryDocument);
        }
        catch (JsonException e)
        {
            throw new FormatException($"The job registry is not JSON: {e.Message}", e);
        }

        if (document?.Format != "hgpouw-jobs/1")
        {
            throw new FormatException($"The job registry's format is '{document?.Format}', not 'hgpouw-jobs/1'.");
        }

        var registry = new PouwJobRegistry();
        foreach (var job in document.Jobs ?? [])
        {
            var headers = new List<PouwHeader>();
            foreach (var h in job.Headers ?? [])
            {
                if (!h.TryTo(out var header, out var error))
                {
                    throw new FormatException("A header in the job registry is malformed: " + error + ".");
                }

                headers.Add(header!);
            }

            if (headers.Count == 0)
            {
                throw new FormatException("A job in the job registry has no header.");
            }

            var last = headers[^1];
            var entry = new Entry(new PouwJob(last.Tenant, last.Job, last.WeightsRoot, last.WeightsEpoch, last.Parameters, last.Target, last.Sequence, job.RegisteredAt), headers, []);
            foreach (var a in job.Activations ?? [])
            {
                if (entry.Activations.Add(a))
                {
                    entry.ActivationsOrder.Enqueue(a);
                }
            }

            registry._jobs[(last.Tenant, last.Job)] = entry;
        }

        return registry;
    }

    private sealed class Entry(PouwJob job, List<PouwHeader> headers, HashSet<string> activations)
    {
        public PouwJob Job { get; set; } = job;

        public List<PouwHeader> Headers { get; } = headers;

        public HashSet<string> Activations { get; } = activations;

        public Queue<string> ActivationsOrder { get; } = new();
    }
}

/// <summary>The JSON form of the registry.</summary>
public sealed class PouwRegistryDocument
{
    public string? Format { get; set; }
    public List<PouwRegistryJobDocument>? Jobs { get; set; }
}

/// <summary>One job in the registry's JSON.</summary>
public sealed class PouwRegistryJobDocument
{
    public DateTimeOffset RegisteredAt { get; set; }
    public List<PouwHeaderDocument>? Headers { get; set; }
    public List<string>? Activations { get; set; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(PouwRegistryDocument))]
internal sealed partial class PouwRegistryJsonContext : JsonSerializerContext;
