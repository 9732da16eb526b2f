namespace Energy.Contracts.Devices;

/// <summary>The four Modbus data tables.</summary>
public enum ModbusTable
{
    Coil,
    DiscreteInput,
    HoldingRegister,
    InputRegister,
}
