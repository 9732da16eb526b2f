using System.Text;
using System.Text.Json;
using Energy.TestSupport.Streams;

namespace Energy.Gpu.Tests.Mining.Stratum;

/// <summary>The pool's end of one in-memory connection, answering Stratum v1 requests as the test scripts it.</summary>
internal sealed class FakeStratumPool(DuplexPipeStream stream) : IDisposable
{
    public const string Extranonce1 = "08000002";
    public const int Extranonce2Size = 4;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    private readonly StreamReader _reader = new(stream, Encoding.UTF8, false, 1024, leaveOpen: true);

    public DuplexPipeStream Stream => stream;

    public async Task<JsonElement> ReadRequestAsync(string expectedMethod)
    {
        var line = await _reader.ReadLineAsync().WaitAsync(Patience);
        Assert.NotNull(line);
        var request = JsonDocument.Parse(line).RootElement;
        Assert.Equal(expectedMethod, request.GetProperty("method").GetString());
        return request;
    }

    public Task SendAsync(string json) => stream.WriteAsync(Encoding.UTF8.GetBytes(json + "\n")).AsTask();

    public Task ReplyAsync(JsonElement request, string result, string error = "null") =>
        SendAsync($$"""{"id":{{request.GetProperty("id").GetInt64()}},"result":{{result}},"error":{{error}}}""");

    public async Task HandshakeAsync(bool authorize = true)
    {
        var subscribe = await ReadRequestAsync("mining.subscribe");
        await ReplyAsync(subscribe, $$"""[[["mining.set_difficulty","b4b6693b72a50c7116db18d6497cac52"],["mining.notify","ae6812eb4cd7735a302a8a9dd95cf71f"]],"{{Extranonce1}}",{{Extranonce2Size}}]""");
        var authorizeRequest = await ReadRequestAsync("mining.authorize");
        Assert.Equal("rig1.gpu0", authorizeRequest.GetProperty("params")[0].GetString());
        await ReplyAsync(authorizeRequest, authorize ? "true" : "false", authorize ? "null" : """[24,"unauthorized worker",null]""");
    }

    public Task SetDifficultyAsync(double difficulty) =>
        SendAsync($$"""{"id":null,"method":"mining.set_difficulty","params":[{{difficulty.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}}]}""");

    public void Dispose()
    {
        _reader.Dispose();
        stream.Dispose();
    }
}
