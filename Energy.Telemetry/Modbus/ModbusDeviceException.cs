using System.Globalization;

namespace Energy.Telemetry.Modbus;

/// <summary>
/// The device answered with an exception response: function code | 0x80 and an exception code
/// (Application Protocol Spec V1.1b3 §7). The connection is fine; the request was refused.
/// </summary>
public sealed class ModbusDeviceException : ModbusException
{
    public ModbusDeviceException()
        : this(0, ModbusExceptionCode.ServerDeviceFailure)
    {
    }

    public ModbusDeviceException(string message)
        : base(message)
    {
    }

    public ModbusDeviceException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>An exception response to <paramref name="functionCode"/>, described in words.</summary>
    public ModbusDeviceException(byte functionCode, ModbusExceptionCode code)
        : base(Describe(functionCode, code))
    {
        FunctionCode = functionCode;
        Code = code;
    }

    /// <summary>As above, with the device that answered named first, e.g. <c>10.0.0.5:502 unit 3</c>.</summary>
    public ModbusDeviceException(byte functionCode, ModbusExceptionCode code, string source)
        : base($"{source} answered {Describe(functionCode, code)}")
    {
        FunctionCode = functionCode;
        Code = code;
    }

    /// <summary>The function code of the refused request (without the 0x80 flag).</summary>
    public byte FunctionCode { get; }

    public ModbusExceptionCode Code { get; }

    /// <summary>
    /// 04, 05, 06 (the device is failing or busy) and 0A, 0B (the gateway cannot reach the unit right
    /// now) may pass; 01, 02, 03 say the request does not fit the device and will not.
    /// </summary>
    public override bool IsRetryable => Code is ModbusExceptionCode.ServerDeviceFailure
        or ModbusExceptionCode.Acknowledge
        or ModbusExceptionCode.ServerDeviceBusy
        or ModbusExceptionCode.GatewayPathUnavailable
        or ModbusExceptionCode.GatewayTargetFailedToRespond;

    /// <summary>The code in words, as spec §7 names it.</summary>
    public static string Words(ModbusExceptionCode code) => code switch
    {
        ModbusExceptionCode.IllegalFunction => "illegal function",
        ModbusExceptionCode.IllegalDataAddress => "illegal data address",
        ModbusExceptionCode.IllegalDataValue => "illegal data value",
        ModbusExceptionCode.ServerDeviceFailure => "server device failure",
        ModbusExceptionCode.Acknowledge => "acknowledge (request accepted, still running)",
        ModbusExceptionCode.ServerDeviceBusy => "server device busy",
        ModbusExceptionCode.MemoryParityError => "memory parity error",
        ModbusExceptionCode.GatewayPathUnavailable => "gateway path unavailable",
        ModbusExceptionCode.GatewayTargetFailedToRespond => "gateway target device failed to respond",
        _ => "unknown exception",
    };

    // Exception codes are written in hex as the spec lists them (0A, 0B); function codes in decimal
    // as device manuals do (function 16, not 10).
    private static string Describe(byte functionCode, ModbusExceptionCode code) => string.Create(
        CultureInfo.InvariantCulture,
        $"{Words(code)} (exception {(byte)code:X2}) for function {functionCode:D2}");
}
