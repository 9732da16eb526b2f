namespace Energy.Telemetry.Modbus;

/// <summary>
/// The client cannot connect, lost the connection, or is waiting out its reconnect backoff.
/// </summary>
public sealed class ModbusConnectionException : ModbusException
{
    public ModbusConnectionException()
    {
    }

    public ModbusConnectionException(string message)
        : base(message)
    {
    }

    public ModbusConnectionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    public override bool IsRetryable => true;
}
