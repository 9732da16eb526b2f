using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Energy.IntegrationTests.Support;

namespace Energy.IntegrationTests.Modbus;

/// <summary>A real pymodbus 3.0 server on 127.0.0.1 serving the values pymodbus_server.py lists in its manifest.</summary>
internal sealed class PymodbusServer : IAsyncDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private readonly string _folder = Directory.CreateTempSubdirectory("heatgrid-pymodbus-").FullName;
    private readonly StringBuilder _output = new();
    private Process? _process;

    private PymodbusServer(int port) => Port = port;

    public int Port { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public Manifest Values { get; private set; } = null!;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<PymodbusServer> StartAsync(int? port = null)
    {
        var server = new PymodbusServer(port ?? FreePort.Next());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts (again) on the same port: a device coming back after a power cut.</summary>
    public async Task RestartAsync()
    {
        Stop();
        var manifest = Path.Combine(_folder, "manifest.json");
        var info = new ProcessStartInfo(Peers.Python) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Modbus", "pymodbus_server.py"));
        info.ArgumentList.Add("--port");
        info.ArgumentList.Add(Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        info.ArgumentList.Add("--manifest");
        info.ArgumentList.Add(manifest);
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await TcpProbe.WaitForListenerAsync(Port, TimeSpan.FromSeconds(20), () => Output);
        Values = JsonSerializer.Deserialize<Manifest>(await File.ReadAllTextAsync(manifest), Web)!;
    }

    public void Stop()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process?.Dispose();
        _process = null;
    }

    public ValueTask DisposeAsync()
    {
        Stop();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    internal sealed record Manifest(IReadOnlyList<Entry> Holding, int HoldingCount, IReadOnlyList<int> Input, IReadOnlyList<bool> Coils, IReadOnlyList<bool> Discrete);

    /// <summary>A value pymodbus encoded: its address, type, word order, the value and the registers it became.</summary>
    internal sealed record Entry(int Address, string Type, string Order, JsonElement Value, IReadOnlyList<int> Registers);
}
