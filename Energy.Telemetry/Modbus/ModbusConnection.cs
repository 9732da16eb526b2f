using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace Energy.Telemetry.Modbus;

/// <summary>
/// One open stream to a device and the one request outstanding on it: writes the request, then
/// reads frames until the reply with the request's transaction id, within the request timeout.
/// Frames with another transaction id are late replies to requests that timed out earlier
/// (Implementation Guide V1.0b §3.1.3: the id exists to pair replies with requests) and are dropped.
/// The owner serialises calls.
/// </summary>
internal sealed class ModbusConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly FrameReader _reader;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _endpoint;
    private readonly byte[] _request = new byte[ModbusFrame.MaxAduLength];

    // Reused from request to request: TryReset stops its timer after a reply, so a request costs no
    // CancellationTokenSource of its own unless the previous one was cancelled.
    private CancellationTokenSource _deadline;

    public ModbusConnection(Stream stream, TimeProvider time, ILogger logger, string endpoint)
    {
        _stream = stream;
        _reader = new FrameReader(stream);
        _time = time;
        _logger = logger;
        _endpoint = endpoint;
        _deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, time);
    }

    /// <summary>Where the next request's PDU goes, after room for the MBAP header.</summary>
    public Span<byte> RequestPdu => _request.AsSpan(ModbusFrame.HeaderLength);

    /// <summary>Requests in a row that got no reply; a reply of any kind sets it back to zero.</summary>
    public int TimeoutsInRow { get; private set; }

    /// <summary>True when a request was cut off while being written: the device may see half a frame.</summary>
    public bool Desynchronised { get; private set; }

    /// <summary>
    /// Sends the PDU in <see cref="RequestPdu"/> and returns the reply frame (header and PDU), valid
    /// until the next call.
    /// </summary>
    /// <exception cref="TimeoutException">No reply within <paramref name="timeout"/>.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    /// <exception cref="IOException">The stream failed or ended.</exception>
    /// <exception cref="ModbusProtocolException">A frame header that cannot be Modbus.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadOnlyMemory<byte>> ExchangeAsync(ushort transactionId, byte unit, int pduLength, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ModbusFrame.WriteHeader(_request, transactionId, unit, pduLength);
        var deadline = Arm(timeout);
        using var link = cancellationToken.UnsafeRegister(static state => ((CancellationTokenSource)state!).Cancel(), deadline);
        try
        {
            Desynchronised = true;
            await _stream.WriteAsync(_request.AsMemory(0, ModbusFrame.HeaderLength + pduLength), deadline.Token);
            await _stream.FlushAsync(deadline.Token);
            Desynchronised = false;
            while (true)
            {
                var frame = await _reader.ReadFrameAsync(deadline.Token);
                if (frame.IsEmpty)
                {
                    throw new EndOfStreamException("the device closed the connection");
                }

                var id = BinaryPrimitives.ReadUInt16BigEndian(frame.Span);
                if (id == transactionId)
                {
                    TimeoutsInRow = 0;
                    deadline.TryReset();
                    return frame;
                }

                Log.ModbusStaleReplyDropped(_logger, _endpoint, id, transactionId);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // The caller's token cancels the deadline too; say which of the two it was.
            cancellationToken.ThrowIfCancellationRequested();
            TimeoutsInRow++;
            throw new TimeoutException();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _deadline.Dispose();
    }

    private CancellationTokenSource Arm(TimeSpan timeout)
    {
        if (!_deadline.TryReset())
        {
            _deadline.Dispose();
            _deadline = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _time);
        }

        _deadline.CancelAfter(timeout);
        return _deadline;
    }
}
