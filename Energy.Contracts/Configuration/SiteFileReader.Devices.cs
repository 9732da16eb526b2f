using Energy.Contracts.Devices;
using Energy.Contracts.Units;

namespace Energy.Contracts.Configuration;

internal sealed partial class SiteFileReader
{
    private static readonly Dictionary<string, ModbusTable> Tables = new(StringComparer.OrdinalIgnoreCase)
    {
        ["coil"] = ModbusTable.Coil,
        ["discrete"] = ModbusTable.DiscreteInput,
        ["holding"] = ModbusTable.HoldingRegister,
        ["input"] = ModbusTable.InputRegister,
    };

    private static readonly Dictionary<string, ModbusValueType> ValueTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["uint16"] = ModbusValueType.UInt16,
        ["int16"] = ModbusValueType.Int16,
        ["uint32"] = ModbusValueType.UInt32,
        ["int32"] = ModbusValueType.Int32,
        ["uint64"] = ModbusValueType.UInt64,
        ["int64"] = ModbusValueType.Int64,
        ["float32"] = ModbusValueType.Float32,
        ["float64"] = ModbusValueType.Float64,
    };

    private static readonly Dictionary<string, WordOrder> WordOrders = new(StringComparer.OrdinalIgnoreCase)
    {
        ["abcd"] = WordOrder.Abcd,
        ["cdab"] = WordOrder.Cdab,
        ["badc"] = WordOrder.Badc,
        ["dcba"] = WordOrder.Dcba,
    };

    private static readonly Dictionary<string, int> AddressBases = new(StringComparer.Ordinal) { ["0"] = 0, ["1"] = 1 };

    private static readonly string[] Simulators = ["heat-meter", "tank", "site-meter"];

    private static List<ModbusDevice> Devices(IReadOnlyList<YamlSection> sections)
    {
        var devices = new List<ModbusDevice>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in sections)
        {
            var name = d.String("name");
            var endpoint = d.String("endpoint");
            var unit = d.Integer("unitId", min: 0, max: 255);

            // The base is stated explicitly: documentation numbers registers from 1 as often as from 0.
            var addressBase = d.Choice("addressBase", AddressBases);
            var period = d.Duration("pollPeriod", required: false) ?? TimeSpan.FromSeconds(1);
            var timeout = d.Duration("timeout", required: false) ?? TimeSpan.FromSeconds(1);
            var simulate = d.String("simulate", required: false);
            if (endpoint is not null && !IsHostAndPort(endpoint))
            {
                d.ErrorAt("endpoint", $"expected HOST:PORT such as 192.168.10.20:502, got '{endpoint}'");
            }

            if (simulate is not null && !Simulators.Contains(simulate))
            {
                d.ErrorAt("simulate", $"expected one of {string.Join(", ", Simulators)}, got '{simulate}'");
            }

            if (period <= TimeSpan.Zero)
            {
                d.ErrorAt("pollPeriod", "expected a positive duration");
            }

            if (name is not null && !names.Add(name))
            {
                d.ErrorAt("name", $"a device named '{name}' is already defined");
            }

            // Without a valid base the addresses cannot be read; the base's own error says what to fix.
            var points = addressBase is { } b ? Points(d.Sections("points") ?? [], b) : [];
            d.Allow("points");
            d.Complete();
            if (name is not null && endpoint is not null && unit is not null && addressBase is not null)
            {
                devices.Add(new ModbusDevice(name, endpoint, (byte)unit.Value, period, timeout, addressBase.Value, simulate, points));
            }
        }

        return devices;
    }

    private static List<ModbusPoint> Points(IReadOnlyList<YamlSection> sections, int addressBase)
    {
        var points = new List<ModbusPoint>();
        foreach (var p in sections)
        {
            var name = p.String("name");
            var signal = p.String("signal");
            var table = p.Choice("table", Tables);
            var address = Address(p, "address", addressBase);
            var bitTable = table is ModbusTable.Coil or ModbusTable.DiscreteInput;
            var type = p.Choice("type", ValueTypes, required: !bitTable) ?? ModbusValueType.UInt16;
            var order = p.Choice("wordOrder", WordOrders, required: false) ?? WordOrder.Abcd;
            var scale = p.Number("scale", "factor", required: false) ?? 1;
            var offset = p.Number("offset", "engineering units", required: false) ?? 0;
            var unit = UnitOf(p, signal) ?? Unit.Dimensionless;
            var bit = p.Integer("bit", required: false, min: 0, max: 15);
            var scaleFactor = p.Has("scaleFactorAddress") ? Address(p, "scaleFactorAddress", addressBase) : null;

            // Limits are in the point's unit, as the device's manual states them; the reading is converted after the checks.
            var min = p.Number("min", unit.Symbol, required: false);
            var max = p.Number("max", unit.Symbol, required: false);
            var jump = p.Number("maxChangePerSecond", unit.Symbol + "/s", required: false, min: 0);
            var frozen = p.Duration("frozenAfter", required: false);
            if (min > max)
            {
                p.ErrorAt("min", $"the minimum ({min}) is above the maximum ({max})");
            }

            if (bit is not null && type is not (ModbusValueType.UInt16 or ModbusValueType.Int16))
            {
                p.ErrorAt("bit", "a bit field lives in one 16-bit register: use type uint16");
            }

            p.Allow("scaleFactorAddress");
            p.Complete();
            if (name is not null && signal is not null && table is not null && address is not null)
            {
                points.Add(new ModbusPoint(name, signal, table.Value, address.Value, type, order, scale, offset, unit, bit,
                    scaleFactor, min, max, jump, frozen));
            }
        }

        return points;
    }

    private static ushort? Address(YamlSection p, string key, int addressBase)
    {
        var written = p.Integer(key, min: addressBase, max: 65_535 + addressBase);
        return written is null ? null : (ushort)(written.Value - addressBase);
    }

    private static bool IsHostAndPort(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && colon < text.Length - 1
            && int.TryParse(text.AsSpan(colon + 1), out var port) && port is > 0 and <= 65_535;
    }
}
