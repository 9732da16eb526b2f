using System.Buffers.Binary;
using Energy.Telemetry.Modbus;
using Energy.TestSupport.Modbus;

namespace Energy.Telemetry.Tests.Modbus;

/// <summary>
/// Property test: thousands of seeded random replies (valid, stale, mutated, truncated, garbage,
/// split anywhere, with or without the device closing) against a reference model of the framing
/// rules. The client must end every request within its timeout, throw nothing but the Modbus
/// exception the model expects, and return values only from the frame the model picks.
/// </summary>
public sealed class ModbusTcpClientFuzzTests
{
    private const int Cases = 3000;
    private const ushort TransactionId = 1;
    private static readonly TimeSpan Hang = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RandomReplies_OnlyTheModelsOutcome()
    {
        var random = new Random(20240701);
        var seen = new Dictionary<string, int>();
        for (var i = 0; i < Cases; i++)
        {
            var function = random.Next(2) == 0 ? ModbusFunction.ReadHoldingRegisters : ModbusFunction.ReadCoils;
            var count = function == ModbusFunction.ReadCoils ? random.Next(1, 21) : random.Next(1, 11);
            var unit = (byte)random.Next(256);
            var wire = Wire(random, function, count, unit);
            var closes = random.Next(4) == 0;
            var chunks = Split(random, wire);
            await using var h = new ClientHarness(_ => chunks);

            var call = function == ModbusFunction.ReadCoils
                ? Bytes(h.Client.ReadCoilsAsync(unit, 0, count, CancellationToken.None).AsTask())
                : Bytes(h.Client.ReadHoldingRegistersAsync(unit, 0, count, CancellationToken.None).AsTask());
            if (!call.IsCompleted)
            {
                if (closes)
                {
                    h.Device.DropConnections();
                }
                else
                {
                    h.Time.Advance(h.Options.RequestTimeout);
                }
            }

            var (error, data, code) = Model(wire, function, count, unit, closes);
            seen[error?.Name ?? "values"] = seen.GetValueOrDefault(error?.Name ?? "values") + 1;
            var context = $"case {i}: {Convert.ToHexString(wire)}";
            try
            {
                var values = await call.WaitAsync(Hang);
                Assert.True(error is null, $"{context}: returned values, expected {error?.Name}");
                Assert.True(data.SequenceEqual(values), $"{context}: values {Convert.ToHexString(values)}, expected {Convert.ToHexString(data)}");
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException and not TimeoutException)
            {
                Assert.True(e.GetType() == error, $"{context}: {e.GetType().Name} ({e.Message}), expected {error?.Name ?? "values"}");
                if (e is ModbusDeviceException device)
                {
                    Assert.Equal(code, (byte)device.Code);
                }
            }
        }

        // The generator must keep producing every outcome, or the property proves less than it says.
        string[] outcomes = ["values", nameof(ModbusDeviceException), nameof(ModbusProtocolException), nameof(ModbusTimeoutException), nameof(ModbusConnectionException)];
        Assert.All(outcomes, outcome => Assert.True(seen.GetValueOrDefault(outcome) >= 100, $"{outcome}: {seen.GetValueOrDefault(outcome)} cases"));
    }

    // The reply's data section as bytes, so bits and registers compare alike with the model's.
    private static async Task<byte[]> Bytes(Task<ushort[]> registers)
    {
        var values = await registers;
        var bytes = new byte[2 * values.Length];
        ModbusFrame.WriteRegisters(values, bytes);
        return bytes;
    }

    private static async Task<byte[]> Bytes(Task<bool[]> bits)
    {
        var values = await bits;
        var bytes = new byte[(values.Length + 7) / 8];
        ModbusFrame.PackBits(values, bytes);
        return bytes;
    }

    /// <summary>
    /// The rules, written as plainly as possible: frames are cut by their length field; a bad
    /// protocol id or length ends everything; other transaction ids are skipped; the first frame
    /// with ours must have our unit, our function (or the exception form) and the exact byte count.
    /// </summary>
    private static (Type? Error, byte[] Data, byte Code) Model(byte[] wire, byte function, int count, byte unit, bool closes)
    {
        var starved = closes ? typeof(ModbusConnectionException) : typeof(ModbusTimeoutException);
        var byteCount = function == ModbusFunction.ReadCoils ? (count + 7) / 8 : 2 * count;
        var position = 0;
        while (true)
        {
            var left = wire.AsSpan(position);
            if (left.Length < 7)
            {
                return (starved, [], 0);
            }

            int length = BinaryPrimitives.ReadUInt16BigEndian(left[4..]);
            if (BinaryPrimitives.ReadUInt16BigEndian(left[2..]) != 0 || length is < 2 or > 254)
            {
                return (typeof(ModbusProtocolException), [], 0);
            }

            if (left.Length < 6 + length)
            {
                return (starved, [], 0);
            }

            var frame = left[..(6 + length)];
            position += frame.Length;
            if (BinaryPrimitives.ReadUInt16BigEndian(frame) != TransactionId)
            {
                continue;
            }

            var pdu = frame[7..];
            if (frame[6] != unit)
            {
                return (typeof(ModbusProtocolException), [], 0);
            }

            if (pdu[0] == (function | 0x80))
            {
                return pdu.Length == 2 ? (typeof(ModbusDeviceException), [], pdu[1]) : (typeof(ModbusProtocolException), [], 0);
            }

            if (pdu[0] != function || pdu.Length != 2 + byteCount || pdu[1] != byteCount)
            {
                return (typeof(ModbusProtocolException), [], 0);
            }

            // The padding bits after the last coil (spec §6.1: zero-filled) carry nothing: ignored.
            var data = pdu[2..].ToArray();
            if (function == ModbusFunction.ReadCoils && count % 8 != 0)
            {
                data[^1] &= (byte)((1 << (count % 8)) - 1);
            }

            return (null, data, 0);
        }
    }

    private static byte[] Wire(Random random, byte function, int count, byte unit)
    {
        var wire = new List<byte>();
        for (var segments = random.Next(1, 4); segments > 0; segments--)
        {
            wire.AddRange(random.Next(10) switch
            {
                0 or 1 => Valid(random, function, count, unit),
                2 or 3 => Stale(random, function, count, unit),
                4 => ScriptedModbusDevice.Frame(TransactionId, unit, (byte)(function | 0x80), (byte)random.Next(1, 12)),
                5 => Garbage(random),
                _ => Mutated(random, Valid(random, function, count, unit)),
            });
        }

        return [.. wire];
    }

    private static byte[] Valid(Random random, byte function, int count, byte unit)
    {
        var data = new byte[function == ModbusFunction.ReadCoils ? (count + 7) / 8 : 2 * count];
        random.NextBytes(data);
        return ScriptedModbusDevice.Frame(TransactionId, unit, [function, (byte)data.Length, .. data]);
    }

    private static byte[] Stale(Random random, byte function, int count, byte unit)
    {
        var frame = Valid(random, function, count, unit);
        BinaryPrimitives.WriteUInt16BigEndian(frame, (ushort)random.Next(2, 65536));
        return frame;
    }

    private static byte[] Garbage(Random random)
    {
        var bytes = new byte[random.Next(1, 20)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Mutated(Random random, byte[] frame)
    {
        switch (random.Next(8))
        {
            case 0:
                frame[random.Next(frame.Length)] = (byte)random.Next(256);
                return frame;
            case 1:
                return frame[..random.Next(frame.Length)];
            case 2:
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(4), (ushort)random.Next(0, 300));
                return frame;
            case 3:
                frame[6] ^= (byte)random.Next(1, 256);
                return frame;
            case 4:
                frame[7] = (byte)random.Next(256);
                return frame;
            case 5:
                frame[8] = (byte)random.Next(256);
                return frame;
            case 6:
                // One data byte more or less, with a length field that agrees: only the byte count is wrong.
                var resized = random.Next(2) == 0 ? frame[..^1] : [.. frame, (byte)random.Next(256)];
                BinaryPrimitives.WriteUInt16BigEndian(resized.AsSpan(4), (ushort)(resized.Length - 6));
                return resized;
            default:
                BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(2), (ushort)random.Next(1, 65536));
                return frame;
        }
    }

    private static List<byte[]> Split(Random random, byte[] wire)
    {
        var chunks = new List<byte[]>();
        var start = 0;
        while (start < wire.Length)
        {
            var length = Math.Min(wire.Length - start, random.Next(1, 2 * wire.Length));
            chunks.Add(wire[start..(start + length)]);
            start += length;
        }

        return chunks;
    }
}
