using Energy.Contracts.Devices;

namespace Energy.Telemetry.Modbus.Polling;

/// <summary>One request of a poll: a run of neighbouring addresses in one table, and the points it serves.</summary>
public sealed record ReadBlock(ModbusTable Table, ushort Address, int Count, IReadOnlyList<ModbusPoint> Points);
