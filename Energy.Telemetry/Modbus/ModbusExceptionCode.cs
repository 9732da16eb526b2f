namespace Energy.Telemetry.Modbus;

/// <summary>
/// Exception codes a server answers with (Application Protocol Spec V1.1b3 §7). 0x07 and 0x09 are
/// unassigned in V1.1b3; a device that sends them is still reported, by number.
/// </summary>
public enum ModbusExceptionCode : byte
{
    /// <summary>The function code is not supported (or not in this state).</summary>
    IllegalFunction = 1,

    /// <summary>The address, or address + quantity, is not served.</summary>
    IllegalDataAddress = 2,

    /// <summary>A value in the request is not allowed (e.g. a quantity outside its limits).</summary>
    IllegalDataValue = 3,

    /// <summary>An unrecoverable error while the server performed the request.</summary>
    ServerDeviceFailure = 4,

    /// <summary>Accepted, but it will take long: poll later.</summary>
    Acknowledge = 5,

    /// <summary>Busy with a long-running command: retry later.</summary>
    ServerDeviceBusy = 6,

    /// <summary>Memory parity error reading a file record (function codes 20/21).</summary>
    MemoryParityError = 8,

    /// <summary>A gateway has no path to the target unit (misconfigured or overloaded).</summary>
    GatewayPathUnavailable = 0x0A,

    /// <summary>A gateway got no answer from the target unit.</summary>
    GatewayTargetFailedToRespond = 0x0B,
}
