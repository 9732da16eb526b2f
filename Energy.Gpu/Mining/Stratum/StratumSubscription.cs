using System.Text.Json;

namespace Energy.Gpu.Mining.Stratum;

/// <summary>What <c>mining.subscribe</c> returned: the pool's extranonce1 and how many extranonce2 bytes the miner fills in.</summary>
public sealed class StratumSubscription
{
    private readonly byte[] _extranonce1;

    public StratumSubscription(ReadOnlySpan<byte> extranonce1, int extranonce2Size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(extranonce2Size);
        _extranonce1 = extranonce1.ToArray();
        Extranonce2Size = extranonce2Size;
    }

    public ReadOnlySpan<byte> Extranonce1 => _extranonce1;

    public int Extranonce2Size { get; }

    /// <summary>Parses the result <c>[[subscriptions…], extranonce1_hex, extranonce2_size]</c>.</summary>
    public static StratumSubscription FromSubscribeResult(JsonElement result)
    {
        if (result.ValueKind != JsonValueKind.Array || result.GetArrayLength() < 3
            || result[1].ValueKind != JsonValueKind.String || result[2].ValueKind != JsonValueKind.Number)
        {
            throw new StratumProtocolException($"mining.subscribe result is not [subscriptions, extranonce1, extranonce2_size]: {result.GetRawText()}.");
        }

        return new StratumSubscription(Convert.FromHexString(result[1].GetString()!), result[2].GetInt32());
    }

    /// <summary>Parses the params <c>[extranonce1_hex, extranonce2_size]</c> of <c>mining.set_extranonce</c>.</summary>
    public static StratumSubscription FromSetExtranonceParams(JsonElement parameters)
    {
        if (parameters.ValueKind != JsonValueKind.Array || parameters.GetArrayLength() < 2
            || parameters[0].ValueKind != JsonValueKind.String || parameters[1].ValueKind != JsonValueKind.Number)
        {
            throw new StratumProtocolException($"mining.set_extranonce params are not [extranonce1, extranonce2_size]: {parameters.GetRawText()}.");
        }

        return new StratumSubscription(Convert.FromHexString(parameters[0].GetString()!), parameters[1].GetInt32());
    }
}
