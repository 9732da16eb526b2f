namespace Energy.Telemetry.Modbus;

/// <summary>
/// A malformed frame: wrong protocol id, length, unit id, function code, byte count or echo. The
/// client drops the connection (its framing can no longer be trusted) and takes no value from it.
/// </summary>
public sealed class ModbusProtocolException : ModbusException
{
    public ModbusProtocolException()
    {
    }

    public ModbusProtocolException(string message)
        : base(message)
    {
    }

    public ModbusProtocolException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// Retryable: the next request goes over a fresh connection, which clears a framing slip (a
    /// gateway that lost a byte). A device that always answers wrongly keeps failing, with backoff.
    /// </summary>
    public override bool IsRetryable => true;
}
