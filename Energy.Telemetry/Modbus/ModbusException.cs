namespace Energy.Telemetry.Modbus;

/// <summary>
/// The base of every error the Modbus client reports. Callers at the adapter edge catch this type
/// (and <see cref="OperationCanceledException"/>) and decide by <see cref="IsRetryable"/> whether the
/// next poll may succeed or whether the configuration is wrong.
/// </summary>
public class ModbusException : Exception
{
    public ModbusException()
    {
    }

    public ModbusException(string message)
        : base(message)
    {
    }

    public ModbusException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>
    /// True when the same request may well succeed later (device busy, link down, no reply); false
    /// when it will fail again until something is changed (wrong address, unsupported function).
    /// </summary>
    public virtual bool IsRetryable => false;
}
