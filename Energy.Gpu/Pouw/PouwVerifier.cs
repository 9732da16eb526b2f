using System.Buffers;
using System.Globalization;

namespace Energy.Gpu.Pouw;

/// <summary>Why a ticket was refused (docs/pouw.md, "Ticket"); <see cref="None"/> when it was accepted.</summary>
public enum PouwRejection
{
    None,
    Malformed,
    UnsupportedVersion,
    ParameterOutOfBounds,
    UnknownJob,
    WrongWeightsRoot,
    UnknownActivations,
    HeaderNotIssued,
    StaleJob,
    NoiseFromAnotherHeader,
    OperandOutOfRange,
    WrongOpening,
    TranscriptMismatch,
    TargetNotMet,
    Duplicate,
}

/// <summary>The verdict on one ticket: accepted, or the first check it failed and why.</summary>
public sealed record PouwVerification(PouwRejection Rejection, string Detail, long WorkUnits, bool RegistryConsulted)
{
    public bool Accepted => Rejection == PouwRejection.None;

    /// <summary>The rejection as the API and the ledger name it, e.g. "wrong-opening"; "accepted" when accepted.</summary>
    public string Reason => ReasonName(Rejection);

    /// <summary>kebab-case name of a rejection.</summary>
    public static string ReasonName(PouwRejection rejection) => rejection switch
    {
        PouwRejection.None => "accepted",
        _ => string.Concat(rejection.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString())),
    };
}

/// <summary>How long a header stays good.</summary>
public sealed record PouwVerifierOptions
{
    /// <summary>Headers accepted per job: the current one and this many − 1 before it.</summary>
    public int AcceptedSequences { get; init; } = 2;

    /// <summary>A ticket whose header is older than this is stale.</summary>
    public TimeSpan MaxHeaderAge { get; init; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Verifies a ticket by recomputing its one tile: the header against the job registry, the seeds, the
/// noise of the tile's rows, the Merkle openings of the clean rows, the transcript and the target.
/// Stateless and thread-safe; duplicates are the ledger's to refuse.
/// </summary>
public sealed class PouwVerifier(IPouwJobRegistry? registry, TimeProvider time, PouwVerifierOptions? options = null)
{
    private readonly PouwVerifierOptions _options = options ?? new PouwVerifierOptions();

    /// <summary>
    /// A verifier without a registry: every check that needs only the ticket (seeds, openings against the
    /// roots the ticket names, transcript, target), none of the job's (for <c>heatgrid pouw verify</c> offline).
    /// </summary>
    public static PouwVerifier Offline(TimeProvider time) => new(null, time);

    public PouwVerification Verify(PouwTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var h = ticket.Header;
        var p = h.Parameters;
        if (h.Version != PouwHashing.Version)
        {
            return Refuse(PouwRejection.UnsupportedVersion, Invariant($"format version {h.Version}; this verifier knows {PouwHashing.Version}"));
        }

        if (p.Check() is { } bounds)
        {
            return Refuse(PouwRejection.ParameterOutOfBounds, bounds);
        }

        if (ticket.TileRow < 0 || ticket.TileRow >= p.TileRows || ticket.TileCol < 0 || ticket.TileCol >= p.TileCols)
        {
            return Refuse(PouwRejection.Malformed, Invariant($"tile ({ticket.TileRow}, {ticket.TileCol}) is outside the {p.TileRows}×{p.TileCols} tiles"));
        }

        if (ticket.NoisyA.Length != p.TileH * p.K || ticket.NoisyW.Length != p.TileW * p.K
            || ticket.AOpenings.Length != p.TileH || ticket.WOpenings.Length != p.TileW)
        {
            return Refuse(PouwRejection.Malformed, Invariant($"a {p.TileH}×{p.TileW} tile with k = {p.K} needs {p.TileH} rows of A' and {p.TileW} of W' ({p.K} values each) and an opening per row"));
        }

        if (registry is not null && CheckJob(ticket) is { } jobRefusal)
        {
            return jobRefusal;
        }

        var seedF = h.SeedF();
        var seedE = h.SeedE(ticket.ActivationsRoot);
        if (!seedE.AsSpan().SequenceEqual(ticket.SeedE) || !seedF.AsSpan().SequenceEqual(ticket.SeedF))
        {
            return Refuse(PouwRejection.NoiseFromAnotherHeader, "the seeds the miner used are not this header's and roots'");
        }

        var clean = ArrayPool<sbyte>.Shared.Rent(Math.Max(p.TileH, p.TileW) * p.K);
        try
        {
            if (CheckRows(ticket.NoisyA, ticket.AOpenings, seedE, ticket.TileRow * p.TileH, p.TileH, p.M, ticket.ActivationsRoot, p, clean, "A", keepFactor: false) is { } a)
            {
                return a;
            }

            if (CheckRows(ticket.NoisyW, ticket.WOpenings, seedF, ticket.TileCol * p.TileW, p.TileW, p.N, h.WeightsRoot, p, clean, "W", keepFactor: true) is { } w)
            {
                return w;
            }
        }
        finally
        {
            ArrayPool<sbyte>.Shared.Return(clean);
        }

        var ticketKey = PouwHashing.TicketKey(seedE, seedF);
        Span<uint> digests = stackalloc uint[p.Points];
        PouwTranscript.PointDigests(ticket.NoisyA, ticket.NoisyW, p, ticketKey, ticket.TileRow, ticket.TileCol, digests);
        Span<byte> hash = stackalloc byte[PouwHashing.HashBytes];
        PouwTranscript.TileHash(ticketKey, ticket.TileRow, ticket.TileCol, digests, hash);
        if (!hash.SequenceEqual(ticket.TileHash))
        {
            return Refuse(PouwRejection.TranscriptMismatch, $"the tile's transcript hashes to {Convert.ToHexStringLower(hash)}, not {Convert.ToHexStringLower(ticket.TileHash)}");
        }

        if (!PouwTranscript.MeetsTarget(hash, h.Target))
        {
            return Refuse(PouwRejection.TargetNotMet, $"tile hash {Convert.ToHexStringLower(hash)} is above the target {Convert.ToHexStringLower(h.Target)}");
        }

        return new PouwVerification(PouwRejection.None, Invariant($"tile ({ticket.TileRow}, {ticket.TileCol}) of {h.Tenant}/{h.Job} header {h.Sequence} meets the target"), p.MultiplyAdds, registry is not null);
    }

    private PouwVerification? CheckJob(PouwTicket ticket)
    {
        var h = ticket.Header;
        var job = registry!.FindJob(h.Tenant, h.Job);
        if (job is null)
        {
            return Refuse(PouwRejection.UnknownJob, $"no job {h.Tenant}/{h.Job} is registered");
        }

        if (!job.WeightsRoot.AsSpan().SequenceEqual(h.WeightsRoot))
        {
            return Refuse(PouwRejection.WrongWeightsRoot, $"the weights root {Convert.ToHexStringLower(h.WeightsRoot)} is not the model {h.Tenant} registered for {h.Job}");
        }

        if (!registry.IsActivationsLogged(h.Tenant, h.Job, ticket.ActivationsRoot))
        {
            return Refuse(PouwRejection.UnknownActivations, $"no request batch of {h.Tenant}/{h.Job} was logged with activations root {Convert.ToHexStringLower(ticket.ActivationsRoot)}");
        }

        var issued = registry.IssuedHeader(h.Tenant, h.Job, h.Sequence);
        if (issued is null && h.Sequence < job.CurrentSequence)
        {
            return Refuse(PouwRejection.StaleJob, Invariant($"header {h.Sequence} is no longer kept (the job is at {job.CurrentSequence})"));
        }

        if (issued is null || !issued.Hash().AsSpan().SequenceEqual(h.Hash()))
        {
            return Refuse(PouwRejection.HeaderNotIssued, Invariant($"header {h.Sequence} is not the one the registry issued for {h.Tenant}/{h.Job} (target, epoch, parameters or previous changed)"));
        }

        if (h.Sequence <= job.CurrentSequence - _options.AcceptedSequences)
        {
            return Refuse(PouwRejection.StaleJob, Invariant($"header {h.Sequence} is stale: the job is at header {job.CurrentSequence}"));
        }

        var age = time.GetUtcNow() - DateTimeOffset.FromUnixTimeMilliseconds(h.IssuedAtUnixMs);
        return age > _options.MaxHeaderAge
            ? Refuse(PouwRejection.StaleJob, Invariant($"header {h.Sequence} was issued {age.TotalMinutes:F0} min ago (at most {_options.MaxHeaderAge.TotalMinutes:F0})"))
            : null;
    }

    private PouwVerification? CheckRows(sbyte[] noisy, byte[][][] openings, byte[] seed, int firstRow, int count, int leaves, byte[] root, in PouwParameters p, sbyte[] clean, string name, bool keepFactor)
    {
        if (!PouwNoise.TryApply(seed, firstRow, count, p.K, p.Rank, noisy, clean, subtract: true, out var bad, keepFactor))
        {
            return Refuse(PouwRejection.OperandOutOfRange, Invariant($"row {bad} of {name}, without its noise, leaves the operand range {p.OperandMin}..{p.OperandMax}"));
        }

        var failed = PouwMerkle.VerifyRows(clean.AsSpan(0, count * p.K), firstRow, count, p.K, leaves, openings, root);
        if (failed >= 0)
        {
            return Refuse(PouwRejection.WrongOpening, Invariant($"row {failed} of {name} does not open to the root {Convert.ToHexStringLower(root)}"));
        }

        return null;
    }

    private PouwVerification Refuse(PouwRejection rejection, string detail) => new(rejection, detail, 0, registry is not null);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
