namespace Energy.TestSupport.Stratum;

/// <summary>
/// mining.notify params that rebuild the genesis block: the pool's extranonce placeholder is cut out
/// of the genesis coinbase's scriptSig text "The Times 03/Jan/2009 …" (extranonce1 = "The ",
/// extranonce2 = "Time"), the previous block hash is zero.
/// </summary>
public static class GenesisNotify
{
    public const string Coinbase =
        "01000000010000000000000000000000000000000000000000000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000";

    public const string Extranonce1 = "54686520";
    public const string Extranonce2 = "54696d65";

    private static readonly int Split = Coinbase.IndexOf(Extranonce1 + Extranonce2, StringComparison.Ordinal);

    public static string Coinbase1 => Coinbase[..Split];

    public static string Coinbase2 => Coinbase[(Split + Extranonce1.Length + Extranonce2.Length)..];

    /// <summary>The JSON array [job_id, prevhash, coinb1, coinb2, [], version, nbits, ntime, clean_jobs].</summary>
    public static string Params(string jobId, bool cleanJobs = true) =>
        $$"""["{{jobId}}","{{new string('0', 64)}}","{{Coinbase1}}","{{Coinbase2}}",[],"00000001","1d00ffff","495fab29",{{(cleanJobs ? "true" : "false")}}]""";
}
