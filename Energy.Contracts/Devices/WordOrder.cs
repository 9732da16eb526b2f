namespace Energy.Contracts.Devices;

/// <summary>
/// Byte order of multi-register values, named by where bytes A (most significant) to D land:
/// ABCD big-endian (the Modbus default), CDAB word-swapped, BADC byte-swapped, DCBA little-endian.
/// </summary>
public enum WordOrder
{
    Abcd,
    Cdab,
    Badc,
    Dcba,
}
