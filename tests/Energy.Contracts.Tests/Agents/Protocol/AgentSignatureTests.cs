using System.Text;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;

namespace Energy.Contracts.Tests.Agents.Protocol;

public class AgentSignatureTests
{
    private const string Topic = "heatgrid/site/agents/n1/assign";
    private static readonly DateTimeOffset At = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);
    private static readonly AgentKey Key = new("n1", "k1", Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly AgentKey NextKey = new("n1", "k2", Enumerable.Range(100, 32).Select(i => (byte)i).ToArray());

    private static readonly AssignmentBatch Batch = new(1, "n1", 1700000000000, 7, At, At.AddSeconds(10), 1000.5,
        [new GpuCommand("n1/p/0", "mining", 400, ShedStep.Mining)]);

    private static byte[] Signed(AgentKey? key = null, string topic = Topic) => AgentSignature.Sign(AgentJson.Serialize(Batch), topic, key ?? Key);

    private static byte[] Replace(byte[] payload, string from, string to)
    {
        var text = Encoding.UTF8.GetString(payload);
        Assert.Contains(from, text, StringComparison.Ordinal);
        return Encoding.UTF8.GetBytes(text.Replace(from, to, StringComparison.Ordinal));
    }

    [Fact]
    public void Sign_AppendsSigAsTheLastMember_JsonStaysReadable()
    {
        var text = Encoding.UTF8.GetString(Signed());

        Assert.StartsWith(Encoding.UTF8.GetString(AgentJson.Serialize(Batch))[..^1] + ",\"sig\":{\"kid\":\"k1\",\"mac\":\"", text, StringComparison.Ordinal);
        Assert.EndsWith("\"}}", text, StringComparison.Ordinal);
        Assert.True(AgentJson.TryRead<AssignmentBatch>(Encoding.UTF8.GetBytes(text), out var read, out _));
        Assert.Equal(Batch.Seq, read.Seq);
    }

    [Fact]
    public void Verify_AsSigned_ValidWithTheMessageWithoutItsSignature()
    {
        var check = AgentSignature.Verify(Signed(), Topic, [Key]);

        Assert.True(check.Valid, check.Reason);
        Assert.Equal("k1", check.Kid);
        Assert.Equal(AgentJson.Serialize(Batch), check.Content);
    }

    [Theory]
    [InlineData("\"epoch\":1700000000000", "\"epoch\":1700000000001")]
    [InlineData("\"seq\":7", "\"seq\":70000000")]
    [InlineData("\"capShareW\":1000.5", "\"capShareW\":1000000000")]
    [InlineData("\"targetW\":400", "\"targetW\":700")]
    [InlineData("\"node\":\"n1\"", "\"node\":\"n2\"")]
    [InlineData("\"validUntil\":\"2026-01-15T12:00:10+00:00\"", "\"validUntil\":\"2026-01-16T12:00:10+00:00\"")]
    [InlineData("\"mining\"", "\"acme\"")]
    public void Verify_AnyFieldAltered_WrongMac(string from, string to)
    {
        var check = AgentSignature.Verify(Replace(Signed(), from, to), Topic, [Key]);

        Assert.Equal(SignatureOutcome.WrongMac, check.Outcome);
        Assert.Null(check.Content);
    }

    [Fact]
    public void Verify_MemberAddedBeforeTheSignature_WrongMac() =>
        Assert.Equal(SignatureOutcome.WrongMac, AgentSignature.Verify(Replace(Signed(), ",\"sig\":", ",\"extra\":1,\"sig\":"), Topic, [Key]).Outcome);

    [Fact]
    public void Verify_ReplayedOnAnotherNodesTopic_WrongMac()
    {
        var other = new AgentKey("n2", "k1", Key.ToLine().Split(' ')[2] is var b64 ? Convert.FromBase64String(b64) : []);

        Assert.Equal(SignatureOutcome.WrongMac, AgentSignature.Verify(Signed(), "heatgrid/site/agents/n2/assign", [other]).Outcome);
        Assert.Equal(SignatureOutcome.WrongMac, AgentSignature.Verify(Signed(), "heatgrid/site/agents/n1/ack", [Key]).Outcome);
    }

    [Fact]
    public void Verify_KidAltered_UnknownKeyOrWrongMac()
    {
        Assert.Equal(SignatureOutcome.UnknownKey, AgentSignature.Verify(Replace(Signed(), "\"kid\":\"k1\"", "\"kid\":\"k9\""), Topic, [Key, NextKey]).Outcome);
        Assert.Equal(SignatureOutcome.WrongMac, AgentSignature.Verify(Replace(Signed(), "\"kid\":\"k1\"", "\"kid\":\"k2\""), Topic, [Key, NextKey]).Outcome);
    }

    [Fact]
    public void Verify_WrongKeyUnderTheRightKid_WrongMac()
    {
        var impostor = AgentKey.Create("n1", "k1");

        Assert.Equal(SignatureOutcome.WrongMac, AgentSignature.Verify(Signed(impostor), Topic, [Key]).Outcome);
    }

    [Fact]
    public void Verify_TwoKeysInForce_EitherVerifies()
    {
        Assert.True(AgentSignature.Verify(Signed(Key), Topic, [Key, NextKey]).Valid);
        Assert.True(AgentSignature.Verify(Signed(NextKey), Topic, [NextKey, Key]).Valid);
        Assert.Equal(SignatureOutcome.UnknownKey, AgentSignature.Verify(Signed(NextKey), Topic, [Key]).Outcome);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[1]")]
    [InlineData("{\"v\":1,\"sig\":{\"kid\":\"k1\",\"mac\":\"AAAA\"},\"seq\":9}")]
    [InlineData("{\"v\":1,\"sig\":{\"kid\":\"k1\",\"mac\":\"not base64!\"}}")]
    [InlineData("{\"v\":1,\"sig\":\"k1\"}")]
    [InlineData("{\"v\":1,\"sig\":{\"kid\":\"k1\"}}")]
    [InlineData("{\"v\":1,\"sig\":{\"kid\":\"k1\",\"mac\":\"AAAA\"}} trailing")]
    public void Verify_BrokenOrMisplacedSignature_MalformedNeverValid(string payload)
    {
        var check = AgentSignature.Verify(Encoding.UTF8.GetBytes(payload), Topic, [Key]);

        Assert.False(check.Valid);
        Assert.NotEqual(SignatureOutcome.WrongMac, check.Outcome);
        Assert.NotEmpty(check.Reason);
    }

    [Fact]
    public void Verify_NoSignature_NotSigned()
    {
        var check = AgentSignature.Verify(AgentJson.Serialize(Batch), Topic, [Key]);

        Assert.Equal(SignatureOutcome.NotSigned, check.Outcome);
        Assert.Contains("not signed", check.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_PrettyPrintedBySomeoneElse_SignedBytesAreThePayloadWithoutTheSig()
    {
        // A third-party signer may use white space: the mac covers the payload up to the comma before "sig", then '}'.
        var json = "{\n  \"v\": 1,\n  \"epoch\": 5\n}";
        var signed = AgentSignature.Sign(Encoding.UTF8.GetBytes(json), Topic, Key);
        var pretty = Encoding.UTF8.GetString(signed).Replace(",\"sig\":", " ,\n  \"sig\": ", StringComparison.Ordinal)[..^1] + "\n}\n";

        var check = AgentSignature.Verify(Encoding.UTF8.GetBytes(pretty), Topic, [Key]);

        Assert.Equal(SignatureOutcome.WrongMac, check.Outcome);   // the white space before the comma is signed content
        var exact = Encoding.UTF8.GetString(signed)[..^1] + "\n}\n";
        Assert.True(AgentSignature.Verify(Encoding.UTF8.GetBytes(exact), Topic, [Key]).Valid);
    }

    [Fact]
    public void VerifyFor_PerNodeSignatures_EachNodeChecksOnlyItsOwn()
    {
        var n2 = AgentKey.Create("n2", "k1");
        var announcement = AgentJson.Serialize(new ControllerAnnouncement(1, 42, At, true));
        const string topic = "heatgrid/site/controller";
        var signed = AgentSignature.SignPerNode(announcement, topic, [Key, n2]);

        Assert.True(AgentSignature.VerifyFor(signed, topic, "n1", [Key]).Valid);
        Assert.True(AgentSignature.VerifyFor(signed, topic, "n2", [n2]).Valid);
        Assert.Equal(SignatureOutcome.WrongMac, AgentSignature.VerifyFor(signed, topic, "n2", [AgentKey.Create("n2", "k1")]).Outcome);
        Assert.Equal(SignatureOutcome.NotSigned, AgentSignature.VerifyFor(signed, topic, "n3", [AgentKey.Create("n3", "k1")]).Outcome);
        Assert.Equal(SignatureOutcome.WrongMac, AgentSignature.VerifyFor(Replace(signed, "\"epoch\":42", "\"epoch\":9000000000000000"), topic, "n1", [Key]).Outcome);
        Assert.Equal(["n1", "n2"], AgentSignature.SignedNodes(signed));
    }

    [Fact]
    public void VerifyFor_OneNodesKeyHolder_CannotSignForAnother()
    {
        // A host with n1's key forges the announcement: its entry for n2 is made with n1's key.
        const string topic = "heatgrid/site/controller";
        var stolen = Convert.FromBase64String(Key.ToLine().Split(' ')[2]);
        var forged = AgentSignature.SignPerNode(AgentJson.Serialize(new ControllerAnnouncement(1, 9_000_000_000_000_000, At, true)), topic,
            [Key, new AgentKey("n2", "k1", stolen)]);

        Assert.True(AgentSignature.VerifyFor(forged, topic, "n1", [Key]).Valid);
        Assert.Equal(SignatureOutcome.WrongMac, AgentSignature.VerifyFor(forged, topic, "n2", [AgentKey.Create("n2", "k1")]).Outcome);
    }
}
