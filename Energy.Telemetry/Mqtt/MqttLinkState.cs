namespace Energy.Telemetry.Mqtt;

/// <summary>Where an <see cref="MqttLink"/> stands; it changes once per change, not once per attempt.</summary>
public enum MqttLinkState
{
    /// <summary>The first attempt is under way.</summary>
    Connecting,

    /// <summary>Connected, subscribed and, with a status topic, announced "online".</summary>
    Connected,

    /// <summary>Not connected (broker unreachable, or the link was lost): retrying with growing backoff.</summary>
    Disconnected,

    /// <summary>
    /// The broker said no (bad credentials, not authorized, banned): an operator has to act, so the link
    /// retries only at the longest backoff and <see cref="MqttLink.LastError"/> says why.
    /// </summary>
    Refused,
}
