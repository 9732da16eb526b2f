namespace Energy.Telemetry.Modbus;

/// <summary>How a <see cref="ModbusTcpClient"/> reaches one device or gateway and how patient it is.</summary>
public sealed record ModbusClientOptions
{
    public required ModbusEndpoint Endpoint { get; init; }

    /// <summary>
    /// From sending a request to its reply. An RTU gateway needs the serial round trip plus the
    /// device's turnaround: at 9600 baud a 125-register reply alone takes about 270 ms.
    /// </summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>For one TCP connect attempt.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The wait after the first failure; it doubles with each further failure.</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between reconnect attempts.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first option out of range, before any I/O.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Endpoint);
        CheckPositive(RequestTimeout, nameof(RequestTimeout));
        CheckPositive(ConnectTimeout, nameof(ConnectTimeout));
        CheckPositive(InitialBackoff, nameof(InitialBackoff));
        CheckPositive(MaxBackoff, nameof(MaxBackoff));
        if (MaxBackoff < InitialBackoff)
        {
            throw new ArgumentException($"{nameof(MaxBackoff)} ({MaxBackoff}) is shorter than {nameof(InitialBackoff)} ({InitialBackoff}).", nameof(MaxBackoff));
        }
    }

    // CancelAfter and timers take at most 2^32 − 2 ms; a day is far beyond any sensible Modbus wait.
    private static void CheckPositive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero || value > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be more than zero and at most a day.");
        }
    }
}
