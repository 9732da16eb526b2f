using System.Text;
using MQTTnet;

namespace Energy.Telemetry.Mqtt;

/// <summary>
/// Turns MQTTnet's result codes, disconnect reasons and exceptions into the short phrases that
/// <see cref="MqttLink.LastError"/> and the log show an operator ("bad user name or password").
/// </summary>
internal static class MqttFailureText
{
    /// <summary>
    /// Whether a CONNACK code means the broker said no for a reason that retrying soon will not fix:
    /// credentials, authorization, client id, protocol or a redirect. Busy and unavailable brokers are
    /// transient and get the normal backoff.
    /// </summary>
    public static bool IsRefusal(MqttClientConnectResultCode code) => code is not (
        MqttClientConnectResultCode.Success or
        MqttClientConnectResultCode.UnspecifiedError or
        MqttClientConnectResultCode.ImplementationSpecificError or
        MqttClientConnectResultCode.ServerUnavailable or
        MqttClientConnectResultCode.ServerBusy or
        MqttClientConnectResultCode.QuotaExceeded or
        MqttClientConnectResultCode.ConnectionRateExceeded);

    public static string Rejected(MqttClientConnectResult result)
    {
        var what = IsRefusal(result.ResultCode) ? "broker refused the connection: " : "broker turned the connection down: ";
        return what + Words(result.ResultCode.ToString()) + WithReason(result.ReasonString);
    }

    public static string Lost(MqttClientDisconnectedEventArgs e)
    {
        if (e.Reason != MqttClientDisconnectReason.NormalDisconnection)
        {
            return "broker disconnected us: " + Words(e.Reason.ToString()) + WithReason(e.ReasonString);
        }

        return e.Exception is { } exception ? Of(exception) : "connection closed by the broker";
    }

    /// <summary>The innermost message: "Connection refused" rather than MQTTnet's wrapping of it.</summary>
    public static string Of(Exception exception) => exception.GetBaseException().Message;

    /// <summary>"BadUserNameOrPassword" → "bad user name or password".</summary>
    public static string Words(string pascalCase)
    {
        var name = pascalCase.Replace("QoS", "Qos", StringComparison.Ordinal);
        var text = new StringBuilder(name.Length + 8);
        foreach (var c in name)
        {
            if (char.IsUpper(c) && text.Length > 0)
            {
                text.Append(' ');
            }

            text.Append(char.ToLowerInvariant(c));
        }

        return text.ToString();
    }

    private static string WithReason(string? reasonString) =>
        string.IsNullOrWhiteSpace(reasonString) ? "" : " (" + reasonString + ")";
}
