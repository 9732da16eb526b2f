namespace Energy.Contracts.Devices;

/// <summary>
/// A device on Modbus TCP (a heat meter, a tank controller, a site meter, or an RTU gateway's unit)
/// as the integrator maps it in the site file.
/// </summary>
/// <param name="Endpoint">HOST:PORT.</param>
/// <param name="AddressBase">0 when addresses are as sent on the wire; 1 when they follow documentation numbering (register 1 = wire address 0).</param>
/// <param name="Simulate">For the demo: which built-in simulator serves this device (heat-meter, tank, site-meter); null for a real device.</param>
public sealed record ModbusDevice(
    string Name,
    string Endpoint,
    byte UnitId,
    TimeSpan PollPeriod,
    TimeSpan Timeout,
    int AddressBase,
    string? Simulate,
    IReadOnlyList<ModbusPoint> Points);
