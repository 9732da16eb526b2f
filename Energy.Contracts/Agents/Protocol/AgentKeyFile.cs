namespace Energy.Contracts.Agents.Protocol;

/// <summary>
/// The agent key file: one key a line, <c>NODE KID BASE64KEY</c> (blank lines and lines starting with
/// <c>#</c> are skipped). The controller's file lists every agent's keys; an agent's file needs only its
/// own lines (lines of other nodes are checked, then ignored). A node's first line is its primary key —
/// the one it signs with — and every listed key is accepted, which is how keys are rotated.
/// </summary>
public static class AgentKeyFile
{
    /// <summary>Reads key lines; <paramref name="origin"/> names the file (or variable) in errors, <c>ORIGIN:LINE: …</c>.</summary>
    /// <param name="text">The file's text; key lines may also be separated by ';' (for an environment variable).</param>
    /// <param name="node">The agent's node: then at least one key for it is required, and only its keys are kept.</param>
    public static AgentKeyFileResult Parse(string text, string origin, string? node = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        var keys = new List<AgentKey>();
        var errors = new List<string>();
        var seen = new HashSet<(string, string)>();
        var lines = text.Split('\n', ';');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var where = $"{origin}:{i + 1}";
            var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length != 3)
            {
                errors.Add($"{where}: expected 'NODE KID BASE64KEY' (3 fields), found {fields.Length}");
                continue;
            }

            var (n, kid, b64) = (fields[0], fields[1], fields[2]);
            var secret = new byte[b64.Length];
            if (n.AsSpan().IndexOfAny("+#/") >= 0)
            {
                errors.Add($"{where}: node '{n}' may not contain '+', '#' or '/'");
            }
            else if (!AgentKey.IsValidKid(kid))
            {
                errors.Add($"{where}: key id '{kid}' is not 1 to 64 letters, digits, '.', '_' or '-'");
            }
            else if (!Convert.TryFromBase64String(b64, secret, out var length))
            {
                errors.Add($"{where}: the key of {n}/{kid} is not base64");
            }
            else if (length < AgentKey.MinBytes)
            {
                errors.Add($"{where}: the key of {n}/{kid} has {length} bytes; at least {AgentKey.MinBytes} are needed ('heatgrid agent-key --node {n}' makes one)");
            }
            else if (!seen.Add((n, kid)))
            {
                errors.Add($"{where}: key id '{kid}' of node {n} is listed twice");
            }
            else if (node is null || n == node)
            {
                keys.Add(new AgentKey(n, kid, secret.AsSpan(0, length)));
            }
        }

        if (errors.Count == 0 && node is not null && keys.Count == 0)
        {
            errors.Add($"{origin}: no key for node {node} ('heatgrid agent-key --node {node}' makes one)");
        }

        return new AgentKeyFileResult(errors.Count == 0 ? keys : [], errors);
    }
}

/// <summary>The keys read, in file order, or the errors (then no keys).</summary>
public sealed record AgentKeyFileResult(IReadOnlyList<AgentKey> Keys, IReadOnlyList<string> Errors)
{
    public bool Ok => Errors.Count == 0;
}
