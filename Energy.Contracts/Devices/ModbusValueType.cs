using System.Diagnostics.CodeAnalysis;

namespace Energy.Contracts.Devices;

/// <summary>How a value is laid out in one, two or four registers.</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "These are the register types as device manuals name them.")]
public enum ModbusValueType
{
    UInt16,
    Int16,
    UInt32,
    Int32,
    UInt64,
    Int64,
    Float32,
    Float64,
}
