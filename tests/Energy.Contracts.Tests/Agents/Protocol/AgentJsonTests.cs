using System.Text;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Policy;

namespace Energy.Contracts.Tests.Agents.Protocol;

public class AgentJsonTests
{
    private static readonly DateTimeOffset At = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    private static readonly AssignmentBatch Batch = new(1, "node-1", 1700000000000, 7, At, At.AddSeconds(10), 1000.5,
        [new GpuCommand("p/0", "mining", 400, ShedStep.Mining), new GpuCommand("p/1", null, 80), new GpuCommand("p/2", "acme", 600, ShedStep.InferenceAboveSla)]);

    private const string ValidBatch =
        """{"v":1,"node":"n","epoch":1,"seq":2,"sentAt":"2026-01-15T12:00:00+00:00","validUntil":"2026-01-15T12:00:10+00:00","capShareW":500,"gpus":[{"gpu":"p/0","workload":null,"targetW":80}]}""";

    private static T RoundTrip<T>(T message)
        where T : class
    {
        var bytes = AgentJson.Serialize(message);

        Assert.True(AgentJson.TryRead<T>(bytes, out var read, out var reason), reason);
        Assert.Equal(string.Empty, reason);
        Assert.Equal(AgentJson.SerializeToString(message), AgentJson.SerializeToString(read));
        return read;
    }

    private static string Reason<T>(string json)
        where T : class
    {
        Assert.False(AgentJson.TryRead<T>(Encoding.UTF8.GetBytes(json), out var message, out var reason));
        Assert.Null(message);
        Assert.False(string.IsNullOrWhiteSpace(reason));
        return reason;
    }

    [Fact]
    public void TryRead_AssignmentBatch_RoundTrips()
    {
        var read = RoundTrip(Batch);

        Assert.Equal((Batch.Epoch, Batch.Seq, Batch.ValidUntil, Batch.CapShareW), (read.Epoch, read.Seq, read.ValidUntil, read.CapShareW));
        Assert.Equal(Batch.Gpus, read.Gpus);
    }

    [Fact]
    public void TryRead_AssignmentAck_RoundTrips()
    {
        var read = RoundTrip(new AssignmentAck(1, "node-1", 5, 7, At, 780, 620, null, [new RefusedCommand("p/9", "no such GPU")]));

        Assert.Null(read.Refusal);
        Assert.Equal(new RefusedCommand("p/9", "no such GPU"), Assert.Single(read.Refused));
    }

    [Fact]
    public void TryRead_AgentTelemetry_RoundTrips()
    {
        var read = RoundTrip(new AgentTelemetry(1, "node-1", At, 5, 7, "following", 1000, 780,
            [new GpuTelemetry("p/0", "p", "mining", 400, 500, 399.5, 398.2, 123456.789, 61.5, 0, "running")]));

        Assert.Equal((400.0, 500.0, 123456.789), (read.Gpus[0].TargetW, read.Gpus[0].WantedW, read.Gpus[0].EnergyJ));
    }

    [Fact]
    public void TryRead_AgentHeartbeat_RoundTrips()
    {
        var read = RoundTrip(new AgentHeartbeat(1, "node-1", true, At, "simulated", 10, 5, [new GpuInventoryItem("p/0", "p", "H100", 200, 80, 700)]));

        Assert.Equal(new GpuInventoryItem("p/0", "p", "H100", 200, 80, 700), Assert.Single(read.Gpus));
    }

    [Fact]
    public void TryRead_ControllerAnnouncement_RoundTrips()
    {
        var announcement = new ControllerAnnouncement(1, 1700000000000, At, true);

        Assert.Equal(announcement, RoundTrip(announcement));
    }

    [Fact]
    public void TryRead_FrequencySample_RoundTrips()
    {
        var sample = new FrequencySample(49.87, At);

        Assert.Equal(sample, RoundTrip(sample));
    }

    [Fact]
    public void TryRead_CurtailmentRequest_RoundTrips()
    {
        var request = new CurtailmentRequest(1, "tso-42", 350, 900, "TSO request");

        Assert.Equal(request, RoundTrip(request));
    }

    [Fact]
    public void TryRead_DemandResponseEvent_RoundTrips()
    {
        var e = new DemandResponseEvent(1, "node-1", "node-1-3", "frequency", 49.65, 49.7, 1.3, At, At.AddMilliseconds(40),
            At.AddMilliseconds(41), At.AddSeconds(1.2), 2150, 940, 3);

        Assert.Equal(e, RoundTrip(e));
    }

    [Fact]
    public void Serialize_AssignmentBatch_CamelCaseNamesVersionAndShedStepsAsInTheSiteFile()
    {
        var json = AgentJson.SerializeToString(Batch);

        Assert.StartsWith("""{"v":1,"node":"node-1","epoch":1700000000000,"seq":7,""", json, StringComparison.Ordinal);
        Assert.Contains("\"sentAt\":\"2026-01-15T12:00:00+00:00\"", json, StringComparison.Ordinal);
        Assert.Contains("\"capShareW\":1000.5", json, StringComparison.Ordinal);
        Assert.Contains("""{"gpu":"p/1","workload":null,"targetW":80,"shed":null}""", json, StringComparison.Ordinal);

        Assert.Contains("""{"gpu":"p/0","workload":"mining","targetW":400,"shed":"mining"}""", json, StringComparison.Ordinal);
        Assert.Contains("\"shed\":\"inferenceAboveSla\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_ValidBatchWithoutOptionalShed_Read()
    {
        Assert.True(AgentJson.TryRead<AssignmentBatch>(Encoding.UTF8.GetBytes(ValidBatch), out var batch, out var reason), reason);
        Assert.Null(Assert.Single(batch.Gpus).Shed);
    }

    [Fact]
    public void TryRead_Empty_EmptyPayload() =>
        Assert.Equal("empty payload", Reason<AssignmentBatch>(string.Empty));

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("42")]
    [InlineData("\"v\"")]
    [InlineData("null")]
    public void TryRead_NotAnObject_Refused(string json) =>
        Assert.Equal("not a JSON object", Reason<AssignmentBatch>(json));

    [Theory]
    [InlineData("{\"v\":1,")]
    [InlineData("{v:1}")]
    [InlineData("   ")]
    public void TryRead_BrokenJson_Refused(string json) =>
        Assert.StartsWith("malformed JSON", Reason<AssignmentBatch>(json), StringComparison.Ordinal);

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"node\":\"n\"}")]
    [InlineData("{\"v\":null}")]
    [InlineData("{\"v\":1.5}")]
    [InlineData("{\"v\":\"1\"}")]
    [InlineData("{\"v\":true}")]
    public void TryRead_NoNumericVersion_Refused(string json) =>
        Assert.Equal("no schema version (\"v\")", Reason<ControllerAnnouncement>(json));

    [Fact]
    public void TryRead_Version2_Refused() =>
        Assert.Equal("schema version 2 is not supported (this build speaks 1)", Reason<AssignmentBatch>(ValidBatch.Replace("\"v\":1", "\"v\":2", StringComparison.Ordinal)));

    [Theory]
    [InlineData("\"epoch\":1,", "")]
    [InlineData("\"capShareW\":500,", "")]
    [InlineData(",\"gpus\":[{\"gpu\":\"p/0\",\"workload\":null,\"targetW\":80}]", "")]
    [InlineData("\"targetW\":80", "\"targetW\":null")]
    [InlineData("\"node\":\"n\"", "\"node\":null")]
    public void TryRead_RequiredFieldMissingOrNull_Refused(string field, string replacement) =>
        Assert.StartsWith("malformed JSON", Reason<AssignmentBatch>(ValidBatch.Replace(field, replacement, StringComparison.Ordinal)), StringComparison.Ordinal);

    [Theory]
    [InlineData("\"capShareW\":\"NaN\"")]
    [InlineData("\"capShareW\":\"500\"")]
    [InlineData("\"capShareW\":NaN")]
    [InlineData("\"capShareW\":true")]
    public void TryRead_NumberAsStringOrNotANumber_Refused(string capShare) =>
        Assert.StartsWith("malformed JSON", Reason<AssignmentBatch>(ValidBatch.Replace("\"capShareW\":500", capShare, StringComparison.Ordinal)), StringComparison.Ordinal);

    [Theory]
    [InlineData("1e999")]
    [InlineData("-1e999")]
    public void TryRead_NumberBeyondDouble_RefusedNotInfinity(string number)
    {
        Assert.Equal($"number {number} is out of range",
            Reason<AssignmentBatch>(ValidBatch.Replace("\"capShareW\":500", $"\"capShareW\":{number}", StringComparison.Ordinal)));
        Assert.Equal($"number {number} is out of range",
            Reason<AssignmentBatch>(ValidBatch.Replace("\"targetW\":80", $"\"targetW\":{number}", StringComparison.Ordinal)));
        Assert.Equal($"number {number} is out of range", Reason<FrequencySample>($$"""{"hz":{{number}},"at":"2026-01-15T12:00:00Z"}"""));
    }

    [Theory]
    [InlineData("\"seq\":2.5")]
    [InlineData("\"seq\":99999999999999999999")]
    [InlineData("\"sentAt\":\"yesterday\"")]
    [InlineData("\"gpus\":{}")]
    public void TryRead_WrongTypeOrOutOfRange_Refused(string replacement)
    {
        var field = replacement[..(replacement.IndexOf(':', StringComparison.Ordinal) + 1)];
        var start = ValidBatch.IndexOf(field, StringComparison.Ordinal);
        var end = field == "\"gpus\":" ? ValidBatch.Length - 1 : ValidBatch.IndexOf(',', start);
        var json = string.Concat(ValidBatch.AsSpan(0, start), replacement, ValidBatch.AsSpan(end));

        Assert.StartsWith("malformed JSON", Reason<AssignmentBatch>(json), StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_UnknownShedStep_Refused() =>
        Assert.StartsWith("malformed JSON", Reason<AssignmentBatch>(ValidBatch.Replace("\"targetW\":80", "\"targetW\":80,\"shed\":\"crypto\"", StringComparison.Ordinal)),
            StringComparison.Ordinal);

    [Fact]
    public void TryRead_InvalidUtf8_RefusedWithoutException()
    {
        byte[] payload = [.. "{\"v\":1,\"node\":\""u8, 0xff, 0xfe, .. "\"}"u8];

        Assert.False(AgentJson.TryRead<AgentHeartbeat>(payload, out _, out var reason));
        Assert.StartsWith("malformed JSON", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void TryRead_FrequencySampleWithoutVersion_Read()
    {
        Assert.True(AgentJson.TryRead<FrequencySample>("""{"hz":49.87,"at":"2026-01-15T12:00:00Z"}"""u8, out var sample, out var reason), reason);
        Assert.Equal(new FrequencySample(49.87, At), sample);
    }

    [Fact]
    public void TryRead_FrequencySampleWithoutAt_AtLeftDefaultForTheReceiver()
    {
        Assert.True(AgentJson.TryRead<FrequencySample>("""{"hz":49.87}"""u8, out var sample, out var reason), reason);
        Assert.Equal(new FrequencySample(49.87, default), sample);
    }

    [Fact]
    public void TryRead_FrequencySampleOfAnotherVersion_Refused() =>
        Assert.StartsWith("schema version 2", Reason<FrequencySample>("""{"v":2,"hz":49.87,"at":"2026-01-15T12:00:00Z"}"""), StringComparison.Ordinal);
}
