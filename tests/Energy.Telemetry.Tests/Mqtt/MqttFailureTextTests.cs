using Energy.Telemetry.Mqtt;
using MQTTnet;

namespace Energy.Telemetry.Tests.Mqtt;

public sealed class MqttFailureTextTests
{
    [Theory]
    [InlineData("BadUserNameOrPassword", "bad user name or password")]
    [InlineData("NotAuthorized", "not authorized")]
    [InlineData("QoSNotSupported", "qos not supported")]
    [InlineData("ServerShuttingDown", "server shutting down")]
    public void Words_PascalCase_LowerCaseWords(string name, string expected)
    {
        Assert.Equal(expected, MqttFailureText.Words(name));
    }

    [Theory]
    [InlineData(MqttClientConnectResultCode.BadUserNameOrPassword, true)]
    [InlineData(MqttClientConnectResultCode.NotAuthorized, true)]
    [InlineData(MqttClientConnectResultCode.Banned, true)]
    [InlineData(MqttClientConnectResultCode.ClientIdentifierNotValid, true)]
    [InlineData(MqttClientConnectResultCode.UnsupportedProtocolVersion, true)]
    [InlineData(MqttClientConnectResultCode.ServerBusy, false)]
    [InlineData(MqttClientConnectResultCode.ServerUnavailable, false)]
    [InlineData(MqttClientConnectResultCode.ConnectionRateExceeded, false)]
    public void IsRefusal_CredentialsYes_BusyNo(MqttClientConnectResultCode code, bool expected)
    {
        Assert.Equal(expected, MqttFailureText.IsRefusal(code));
    }

    [Fact]
    public void Rejected_BadCredentials_ClearText()
    {
        var result = new MqttClientConnectResult { ResultCode = MqttClientConnectResultCode.BadUserNameOrPassword };

        Assert.Equal("broker refused the connection: bad user name or password", MqttFailureText.Rejected(result));
    }

    [Fact]
    public void Rejected_BusyWithReasonString_ReasonAppended()
    {
        var result = new MqttClientConnectResult { ResultCode = MqttClientConnectResultCode.ServerBusy, ReasonString = "too many clients" };

        Assert.Equal("broker turned the connection down: server busy (too many clients)", MqttFailureText.Rejected(result));
    }

    [Fact]
    public void Lost_ServerDisconnectWithReason_SaysSo()
    {
        var e = new MqttClientDisconnectedEventArgs(true, null, MqttClientDisconnectReason.SessionTakenOver, "another client", null, null);

        Assert.Equal("broker disconnected us: session taken over (another client)", MqttFailureText.Lost(e));
    }

    [Fact]
    public void Lost_SocketClosed_InnermostMessage()
    {
        var inner = new IOException("Connection reset by peer");
        var e = new MqttClientDisconnectedEventArgs(true, null, MqttClientDisconnectReason.NormalDisconnection, null, null, new InvalidOperationException("wrapped", inner));

        Assert.Equal("Connection reset by peer", MqttFailureText.Lost(e));
        Assert.Equal("connection closed by the broker", MqttFailureText.Lost(new MqttClientDisconnectedEventArgs(true, null, MqttClientDisconnectReason.NormalDisconnection, null, null, null)));
    }
}
