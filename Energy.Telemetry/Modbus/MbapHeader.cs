namespace Energy.Telemetry.Modbus;

/// <summary>
/// The 7-byte MBAP header in front of every Modbus TCP PDU (Implementation Guide V1.0b §3.1.3).
/// </summary>
/// <param name="TransactionId">Chosen by the client, echoed by the server: pairs replies with requests.</param>
/// <param name="ProtocolId">0 for Modbus; anything else is not a Modbus frame.</param>
/// <param name="Length">Bytes that follow the length field: the unit id plus the PDU.</param>
/// <param name="Unit">The unit id: the RTU slave address behind a gateway, 0xFF or ignored for a direct device.</param>
internal readonly record struct MbapHeader(ushort TransactionId, ushort ProtocolId, ushort Length, byte Unit)
{
    /// <summary>The whole frame's length: the six bytes up to and including the length field, then <see cref="Length"/>.</summary>
    public int FrameLength => 6 + Length;
}
