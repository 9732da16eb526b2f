using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Energy.TestSupport.Stratum;

/// <summary>
/// The pool's end of one Stratum v1 connection (in-memory or TCP), answering requests as the test
/// scripts it. Reads wait at most <see cref="Patience"/>, so a client that never sends fails the test
/// instead of hanging it; a request other than the one expected throws with the line received.
/// </summary>
public sealed class FakeStratumPool(Stream stream) : IDisposable
{
    public const string Extranonce1 = "08000002";
    public const int Extranonce2Size = 4;
    public const string WorkerName = "rig1.gpu0";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly StreamReader _reader = new(stream, Encoding.UTF8, false, 1024, leaveOpen: true);
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public Stream Stream => stream;

    /// <summary>The next request; throws when the client closed the connection or sent another method.</summary>
    public async Task<JsonElement> ReadRequestAsync(string expectedMethod)
    {
        var line = await _reader.ReadLineAsync().WaitAsync(Patience)
            ?? throw new InvalidOperationException($"The client closed the connection instead of sending {expectedMethod}.");
        var request = JsonDocument.Parse(line).RootElement;
        var method = request.GetProperty("method").GetString();
        return method == expectedMethod ? request : throw new InvalidOperationException($"Expected {expectedMethod}, got: {line}");
    }

    /// <summary>True when the client closed the connection, reading (and dropping) whatever it sent before.</summary>
    public async Task<bool> ClientClosedAsync()
    {
        while (await _reader.ReadLineAsync().WaitAsync(Patience) is not null)
        {
        }

        return true;
    }

    public async Task SendAsync(string line)
    {
        await _writeLock.WaitAsync();
        try
        {
            await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
            await stream.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Sends bytes as they are: no line feed added.</summary>
    public async Task SendRawAsync(byte[] bytes)
    {
        await stream.WriteAsync(bytes);
        await stream.FlushAsync();
    }

    public Task ReplyAsync(JsonElement request, string result, string error = "null") =>
        SendAsync($$"""{"id":{{request.GetProperty("id").GetInt64()}},"result":{{result}},"error":{{error}}}""");

    public async Task HandshakeAsync(bool authorize = true)
    {
        var subscribe = await ReadRequestAsync("mining.subscribe");
        await ReplyAsync(subscribe, $$"""[[["mining.set_difficulty","b4b6693b72a50c7116db18d6497cac52"],["mining.notify","ae6812eb4cd7735a302a8a9dd95cf71f"]],"{{Extranonce1}}",{{Extranonce2Size}}]""");
        var authorizeRequest = await ReadRequestAsync("mining.authorize");
        var worker = authorizeRequest.GetProperty("params")[0].GetString();
        if (worker != WorkerName)
        {
            throw new InvalidOperationException($"Expected worker {WorkerName}, got {worker}.");
        }

        await ReplyAsync(authorizeRequest, authorize ? "true" : "false", authorize ? "null" : """[24,"unauthorized worker",null]""");
    }

    public Task SetDifficultyAsync(double difficulty) =>
        SendAsync($$"""{"id":null,"method":"mining.set_difficulty","params":[{{difficulty.ToString("R", CultureInfo.InvariantCulture)}}]}""");

    /// <summary>Sends a mining.notify whose coinbase is the genesis block's (see <see cref="GenesisNotify"/>).</summary>
    public Task NotifyAsync(string jobId, bool cleanJobs = true) =>
        SendAsync($$"""{"id":null,"method":"mining.notify","params":{{GenesisNotify.Params(jobId, cleanJobs)}}}""");

    public Task SetExtranonceAsync(string extranonce1, int extranonce2Size) =>
        SendAsync($$"""{"id":null,"method":"mining.set_extranonce","params":["{{extranonce1}}",{{extranonce2Size}}]}""");

    /// <summary>Reads the next mining.submit and answers it; returns its params.</summary>
    public async Task<string[]> AnswerSubmitAsync(bool accept, string error = """[23,"low difficulty share",null]""")
    {
        var request = await ReadRequestAsync("mining.submit");
        await ReplyAsync(request, accept ? "true" : "false", accept ? "null" : error);
        return request.GetProperty("params").EnumerateArray().Select(p => p.GetString() ?? "").ToArray();
    }

    public void Dispose()
    {
        _reader.Dispose();
        stream.Dispose();
        _writeLock.Dispose();
    }
}
