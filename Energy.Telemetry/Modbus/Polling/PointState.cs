namespace Energy.Telemetry.Modbus.Polling;

/// <summary>What a poller remembers of one point between polls, to spot frozen values and impossible jumps.</summary>
internal sealed class PointState
{
    public ulong? LastRaw { get; set; }

    public DateTimeOffset LastRawChange { get; set; }

    public double? LastValue { get; set; }

    public DateTimeOffset LastValueAt { get; set; }
}
