using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Energy.Gpu.Pouw;

/// <summary>
/// A winning tile (docs/pouw.md, "Ticket"): the header it was mined under, the activations' root, the
/// tile, the tile's noisy rows of A' and W' with the Merkle openings of the clean rows, the seeds the
/// miner used and the tile's hash. Everything a verifier needs to recompute the one tile.
/// </summary>
public sealed record PouwTicket(
    PouwHeader Header,
    byte[] ActivationsRoot,
    int TileRow,
    int TileCol,
    sbyte[] NoisyA,
    byte[][][] AOpenings,
    sbyte[] NoisyW,
    byte[][][] WOpenings,
    byte[] SeedE,
    byte[] SeedF,
    byte[] TileHash)
{
    public const string Format = "hgpouw-ticket/1";

    /// <summary>The ticket's own hash (its tile hash): what the next header's <c>previous</c> names.</summary>
    public string Id => Convert.ToHexStringLower(TileHash);

    /// <summary>The ticket as JSON (hex hashes, base64 rows).</summary>
    public string ToJson() => JsonSerializer.Serialize(PouwTicketDocument.From(this), PouwJsonContext.Default.PouwTicketDocument);

    /// <summary>Reads a ticket; false with the reason when the text is not a well-formed <see cref="Format"/> document.</summary>
    public static bool TryParse(string json, out PouwTicket? ticket, out string? error)
    {
        ticket = null;
        try
        {
            var document = JsonSerializer.Deserialize(json, PouwJsonContext.Default.PouwTicketDocument);
            if (document is null)
            {
                error = "the document is empty";
                return false;
            }

            return document.TryTo(out ticket, out error);
        }
        catch (JsonException e)
        {
            error = $"not JSON ({e.Message})";
            return false;
        }
    }
}

/// <summary>The JSON form of a header.</summary>
public sealed class PouwHeaderDocument
{
    public int Version { get; set; }
    public string? Tenant { get; set; }
    public string? Job { get; set; }
    public long Sequence { get; set; }
    public string? Previous { get; set; }
    public string? WeightsRoot { get; set; }
    public string? WeightsEpoch { get; set; }
    public string? Target { get; set; }
    public int M { get; set; }
    public int N { get; set; }
    public int K { get; set; }
    public int Rank { get; set; }
    public int TileH { get; set; }
    public int TileW { get; set; }
    public int Chunk { get; set; }
    public long IssuedAtUnixMs { get; set; }

    public static PouwHeaderDocument From(PouwHeader h) => new()
    {
        Version = h.Version,
        Tenant = h.Tenant,
        Job = h.Job,
        Sequence = h.Sequence,
        Previous = Convert.ToHexStringLower(h.Previous),
        WeightsRoot = Convert.ToHexStringLower(h.WeightsRoot),
        WeightsEpoch = Convert.ToHexStringLower(h.WeightsEpoch),
        Target = Convert.ToHexStringLower(h.Target),
        M = h.Parameters.M,
        N = h.Parameters.N,
        K = h.Parameters.K,
        Rank = h.Parameters.Rank,
        TileH = h.Parameters.TileH,
        TileW = h.Parameters.TileW,
        Chunk = h.Parameters.Chunk,
        IssuedAtUnixMs = h.IssuedAtUnixMs,
    };

    public bool TryTo(out PouwHeader? header, out string? error)
    {
        header = null;
        if (string.IsNullOrEmpty(Tenant) || string.IsNullOrEmpty(Job) || System.Text.Encoding.UTF8.GetByteCount(Tenant) > 64 || System.Text.Encoding.UTF8.GetByteCount(Job) > 64)
        {
            error = "header: tenant and job must be 1..64 UTF-8 bytes";
            return false;
        }

        if (!PouwJson.TryHash(Previous, "header.previous", out var previous, out error)
            || !PouwJson.TryHash(WeightsRoot, "header.weightsRoot", out var weightsRoot, out error)
            || !PouwJson.TryHash(WeightsEpoch, "header.weightsEpoch", out var weightsEpoch, out error)
            || !PouwJson.TryHash(Target, "header.target", out var target, out error))
        {
            return false;
        }

        header = new PouwHeader(Tenant, Job, Sequence, previous!, weightsRoot!, weightsEpoch!, target!,
            new PouwParameters(M, N, K, Rank, TileH, TileW, Chunk), IssuedAtUnixMs, Version);
        error = null;
        return true;
    }
}

/// <summary>The JSON form of a ticket.</summary>
public sealed class PouwTicketDocument
{
    public string? Format { get; set; }
    public PouwHeaderDocument? Header { get; set; }
    public string? ActivationsRoot { get; set; }
    public int TileRow { get; set; }
    public int TileCol { get; set; }
    public string? NoisyA { get; set; }
    public string[][]? AOpenings { get; set; }
    public string? NoisyW { get; set; }
    public string[][]? WOpenings { get; set; }
    public string? SeedE { get; set; }
    public string? SeedF { get; set; }
    public string? TileHash { get; set; }

    public static PouwTicketDocument From(PouwTicket t) => new()
    {
        Format = PouwTicket.Format,
        Header = PouwHeaderDocument.From(t.Header),
        ActivationsRoot = Convert.ToHexStringLower(t.ActivationsRoot),
        TileRow = t.TileRow,
        TileCol = t.TileCol,
        NoisyA = Convert.ToBase64String(MemoryMarshal.AsBytes(t.NoisyA.AsSpan())),
        AOpenings = [.. t.AOpenings.Select(o => o.Select(Convert.ToHexStringLower).ToArray())],
        NoisyW = Convert.ToBase64String(MemoryMarshal.AsBytes(t.NoisyW.AsSpan())),
        WOpenings = [.. t.WOpenings.Select(o => o.Select(Convert.ToHexStringLower).ToArray())],
        SeedE = Convert.ToHexStringLower(t.SeedE),
        SeedF = Convert.ToHexStringLower(t.SeedF),
        TileHash = Convert.ToHexStringLower(t.TileHash),
    };

    public bool TryTo(out PouwTicket? ticket, out string? error)
    {
        ticket = null;
        if (Format != PouwTicket.Format)
        {
            error = $"format is '{Format}', not '{PouwTicket.Format}'";
            return false;
        }

        if (Header is null)
        {
            error = "the header is missing";
            return false;
        }

        if (!Header.TryTo(out var header, out error)
            || !PouwJson.TryHash(ActivationsRoot, "activationsRoot", out var activationsRoot, out error)
            || !PouwJson.TryHash(SeedE, "seedE", out var seedE, out error)
            || !PouwJson.TryHash(SeedF, "seedF", out var seedF, out error)
            || !PouwJson.TryHash(TileHash, "tileHash", out var tileHash, out error)
            || !PouwJson.TryRows(NoisyA, "noisyA", out var noisyA, out error)
            || !PouwJson.TryRows(NoisyW, "noisyW", out var noisyW, out error)
            || !PouwJson.TryOpenings(AOpenings, "aOpenings", out var aOpenings, out error)
            || !PouwJson.TryOpenings(WOpenings, "wOpenings", out var wOpenings, out error))
        {
            return false;
        }

        ticket = new PouwTicket(header!, activationsRoot!, TileRow, TileCol, noisyA!, aOpenings!, noisyW!, wOpenings!, seedE!, seedF!, tileHash!);
        error = null;
        return true;
    }
}

internal static class PouwJson
{
    public static bool TryHash(string? hex, string name, out byte[]? hash, out string? error)
    {
        hash = null;
        if (hex is null || hex.Length != 64)
        {
            error = $"{name} must be 64 hex digits";
            return false;
        }

        try
        {
            hash = Convert.FromHexString(hex);
            error = null;
            return true;
        }
        catch (FormatException)
        {
            error = $"{name} is not hex";
            return false;
        }
    }

    public static bool TryRows(string? base64, string name, out sbyte[]? rows, out string? error)
    {
        rows = null;
        if (string.IsNullOrEmpty(base64))
        {
            error = $"{name} is missing";
            return false;
        }

        try
        {
            rows = MemoryMarshal.Cast<byte, sbyte>(Convert.FromBase64String(base64)).ToArray();
            error = null;
            return true;
        }
        catch (FormatException)
        {
            error = $"{name} is not base64";
            return false;
        }
    }

    public static bool TryOpenings(string[][]? openings, string name, out byte[][][]? result, out string? error)
    {
        result = null;
        if (openings is null)
        {
            error = $"{name} is missing";
            return false;
        }

        var list = new byte[openings.Length][][];
        for (var i = 0; i < openings.Length; i++)
        {
            var path = openings[i] ?? [];
            if (path.Length > 32)
            {
                error = $"{name}[{i}] has {path.Length} hashes (at most 32)";
                return false;
            }

            list[i] = new byte[path.Length][];
            for (var s = 0; s < path.Length; s++)
            {
                if (!TryHash(path[s], $"{name}[{i}][{s}]", out var hash, out error))
                {
                    return false;
                }

                list[i][s] = hash!;
            }
        }

        result = list;
        error = null;
        return true;
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(PouwTicketDocument))]
[JsonSerializable(typeof(PouwHeaderDocument))]
internal sealed partial class PouwJsonContext : JsonSerializerContext;
