using System.Buffers.Binary;
using System.Collections.Concurrent;

namespace Energy.TestSupport.Modbus;

/// <summary>
/// A fake Modbus TCP device that answers from bytes, for client tests without sockets. Pass
/// <see cref="ConnectAsync"/> as the client's connect seam. Each request ADU is recorded and handed
/// to the script, which returns the raw chunks to send back (none: no answer). The script sees only
/// bytes, so it can answer correctly, wrongly or with garbage. Answers are synchronous, inside the
/// client's write (see <see cref="ScriptedDeviceStream"/>).
/// </summary>
public sealed class ScriptedModbusDevice
{
    private readonly Func<byte[], IEnumerable<byte[]>> _script;
    private readonly ConcurrentQueue<byte[]> _requests = new();
    private readonly ConcurrentQueue<ScriptedDeviceStream> _connections = new();
    private int _connectAttempts;

    /// <param name="script">Request ADU in, chunks to write back out.</param>
    public ScriptedModbusDevice(Func<byte[], IEnumerable<byte[]>> script) => _script = script;

    /// <summary>When set, connect attempts fail with it (a device that is down).</summary>
    public Exception? RefuseWith { get; set; }

    public int ConnectAttempts => Volatile.Read(ref _connectAttempts);

    public int Connections => _connections.Count;

    /// <summary>Every connection so far, oldest first.</summary>
    public IReadOnlyList<ScriptedDeviceStream> ConnectionList => _connections.ToArray();

    public IReadOnlyList<byte[]> Requests => _requests.ToArray();

    /// <summary>The connect seam: a fresh connection served by the script. Completes synchronously.</summary>
    public ValueTask<Stream> ConnectAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _connectAttempts);
        cancellationToken.ThrowIfCancellationRequested();
        if (RefuseWith is { } refusal)
        {
            return ValueTask.FromException<Stream>(refusal);
        }

        var connection = new ScriptedDeviceStream(_script, _requests.Enqueue);
        _connections.Enqueue(connection);
        return ValueTask.FromResult<Stream>(connection);
    }

    /// <summary>Hangs up every connection from the device's side, as a device reboot would.</summary>
    public void DropConnections()
    {
        foreach (var connection in _connections)
        {
            connection.Drop();
        }
    }

    /// <summary>A reply ADU to <paramref name="request"/>: its transaction and unit id, the given PDU.</summary>
    public static byte[] Reply(byte[] request, params byte[] pdu)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(pdu);
        return Frame(BinaryPrimitives.ReadUInt16BigEndian(request), request[6], pdu);
    }

    /// <summary>An ADU with the given transaction id, unit id and PDU, protocol 0 and a correct length.</summary>
    public static byte[] Frame(ushort transactionId, byte unit, params byte[] pdu)
    {
        ArgumentNullException.ThrowIfNull(pdu);
        var frame = new byte[7 + pdu.Length];
        BinaryPrimitives.WriteUInt16BigEndian(frame, transactionId);
        BinaryPrimitives.WriteUInt16BigEndian(frame.AsSpan(4), (ushort)(pdu.Length + 1));
        frame[6] = unit;
        pdu.CopyTo(frame, 7);
        return frame;
    }

    /// <summary>Reads one ADU (header, then length − 1 bytes) from any stream; null at end of stream.</summary>
    public static async Task<byte[]?> ReadAduAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var header = new byte[7];
        if (await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < header.Length)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt16BigEndian(header.AsSpan(4));
        var adu = new byte[Math.Max(header.Length, 6 + length)];
        header.CopyTo(adu, 0);
        await stream.ReadExactlyAsync(adu.AsMemory(7), cancellationToken).ConfigureAwait(false);
        return adu;
    }
}
