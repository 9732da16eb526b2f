namespace Energy.Telemetry.Mqtt;

/// <summary>
/// One message received. The payload is not copied out of the receive buffer: it is valid while the
/// handler runs; a handler that keeps it past its returned task copies it (<c>Payload.ToArray()</c>).
/// </summary>
/// <param name="Topic">The topic it was published on.</param>
/// <param name="Payload">The bytes as published.</param>
/// <param name="Retained">True for a retained message the broker replayed on subscribing, not one published live.</param>
/// <param name="ReceivedAt">When this process received it.</param>
public sealed record MqttInbound(string Topic, ReadOnlyMemory<byte> Payload, bool Retained, DateTimeOffset ReceivedAt);
