using System.Buffers.Binary;
using Energy.TestSupport.Modbus;

namespace Energy.Telemetry.Tests.Modbus;

/// <summary>Answers for <see cref="ScriptedModbusDevice"/>, built from the request's bytes.</summary>
internal static class DeviceScripts
{
    /// <summary>The value a healthy device holds in register <paramref name="address"/>: distinct per address.</summary>
    public static ushort Register(int address) => unchecked((ushort)((address * 7) + 1));

    /// <summary>The state a healthy device holds in coil <paramref name="address"/>.</summary>
    public static bool Coil(int address) => address % 3 == 0;

    public static byte Function(byte[] request) => request[7];

    public static ushort Address(byte[] request) => BinaryPrimitives.ReadUInt16BigEndian(request.AsSpan(8));

    public static ushort Quantity(byte[] request) => BinaryPrimitives.ReadUInt16BigEndian(request.AsSpan(10));

    /// <summary>A device that has every address: reads answer <see cref="Register"/> / <see cref="Coil"/>, writes echo.</summary>
    public static IEnumerable<byte[]> Healthy(byte[] request) => [ScriptedModbusDevice.Reply(request, HealthyPdu(request))];

    /// <summary>Never answers.</summary>
    public static IEnumerable<byte[]> Silent(byte[] request) => [];

    /// <summary>Answers every request with exception <paramref name="code"/>.</summary>
    public static Func<byte[], IEnumerable<byte[]>> Refusing(byte code) =>
        request => [ScriptedModbusDevice.Reply(request, (byte)(Function(request) | 0x80), code)];

    public static byte[] HealthyPdu(byte[] request)
    {
        var function = Function(request);
        var address = Address(request);
        var quantity = Quantity(request);
        switch (function)
        {
            case 1 or 2:
                var bits = new byte[(quantity + 7) / 8];
                for (var i = 0; i < quantity; i++)
                {
                    bits[i / 8] |= Coil(address + i) ? (byte)(1 << (i % 8)) : (byte)0;
                }

                return [function, (byte)bits.Length, .. bits];
            case 3 or 4:
                var data = new byte[2 * quantity];
                for (var i = 0; i < quantity; i++)
                {
                    BinaryPrimitives.WriteUInt16BigEndian(data.AsSpan(2 * i), Register(address + i));
                }

                return [function, (byte)data.Length, .. data];
            default:
                return request[7..12];
        }
    }
}
