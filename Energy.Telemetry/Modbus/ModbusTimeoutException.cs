namespace Energy.Telemetry.Modbus;

/// <summary>
/// No valid reply arrived within the request timeout. Usual causes: the unit id has no device
/// behind the gateway, the device is busy or powered off, or the network drops packets.
/// </summary>
public sealed class ModbusTimeoutException : ModbusException
{
    public ModbusTimeoutException()
    {
    }

    public ModbusTimeoutException(string message)
        : base(message)
    {
    }

    public ModbusTimeoutException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public ModbusTimeoutException(ModbusEndpoint endpoint, byte unit, TimeSpan timeout)
        : base($"no reply from {endpoint} unit {unit} within {(long)Math.Ceiling(timeout.TotalMilliseconds)} ms")
    {
        Endpoint = endpoint;
        Unit = unit;
        Timeout = timeout;
    }

    public ModbusEndpoint? Endpoint { get; }

    public byte Unit { get; }

    public TimeSpan Timeout { get; }

    public override bool IsRetryable => true;
}
