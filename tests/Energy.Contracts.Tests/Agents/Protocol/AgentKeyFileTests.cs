using Energy.Contracts.Agents.Protocol;

namespace Energy.Contracts.Tests.Agents.Protocol;

public class AgentKeyFileTests
{
    private static readonly string Key32 = Convert.ToBase64String(new byte[32]);

    [Fact]
    public void Parse_LinesCommentsAndBlankLines_KeysInFileOrder()
    {
        var result = AgentKeyFile.Parse($"# keys\n\nn1 k2 {Key32}\nn1 k1 {Key32}\r\n  n2 a.b_c-1 {Key32}  \n", "keys");

        Assert.True(result.Ok, string.Join("; ", result.Errors));
        Assert.Equal(["n1/k2", "n1/k1", "n2/a.b_c-1"], result.Keys.Select(k => k.ToString()));
    }

    [Fact]
    public void Parse_ForANode_OnlyItsKeys()
    {
        var result = AgentKeyFile.Parse($"n1 k1 {Key32}\nn2 k1 {Key32}", "keys", node: "n2");

        Assert.Equal(["n2/k1"], result.Keys.Select(k => k.ToString()));
    }

    [Fact]
    public void Parse_SemicolonSeparated_ForAnEnvironmentVariable() =>
        Assert.Equal(2, AgentKeyFile.Parse($"n1 k1 {Key32};n1 k2 {Key32}", "HEATGRID_AGENT_KEY", "n1").Keys.Count);

    [Theory]
    [InlineData("n1 k1", "keys:2: expected 'NODE KID BASE64KEY' (3 fields), found 2")]
    [InlineData("n1 k1 AAAA", "keys:2: the key of n1/k1 has 3 bytes; at least 32 are needed")]
    [InlineData("n1 k1 !!!!", "keys:2: the key of n1/k1 is not base64")]
    [InlineData("n1 k/1 KEY", "keys:2: key id 'k/1' is not")]
    [InlineData("n#1 k1 KEY", "keys:2: node 'n#1' may not contain")]
    [InlineData("n0 k0 KEY", "keys:2: key id 'k0' of node n0 is listed twice")]
    public void Parse_BadLine_ErrorWithFileAndLine(string line, string error)
    {
        var result = AgentKeyFile.Parse($"n0 k0 {Key32}\n{line.Replace("KEY", Key32, StringComparison.Ordinal)}", "keys");

        Assert.False(result.Ok);
        Assert.Empty(result.Keys);
        Assert.StartsWith(error, Assert.Single(result.Errors), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NoKeyForTheNode_Error() =>
        Assert.Equal(["keys: no key for node n2 ('heatgrid agent-key --node n2' makes one)"], AgentKeyFile.Parse($"n1 k1 {Key32}", "keys", "n2").Errors);

    [Fact]
    public void ToLine_ParsesBack()
    {
        var key = AgentKey.Create("n1", "n1-20260115");

        var read = Assert.Single(AgentKeyFile.Parse(key.ToLine(), "keys").Keys);

        Assert.Equal(key.ToLine(), read.ToLine());
        Assert.DoesNotContain(key.ToLine().Split(' ')[2], key.ToString(), StringComparison.Ordinal);
    }
}
