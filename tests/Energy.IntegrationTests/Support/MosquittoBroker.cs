using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Energy.IntegrationTests.Support;

/// <summary>
/// A real mosquitto 2.0 broker on 127.0.0.1: a free port, its own temp folder with config, password
/// file, persistence and log. Persistence is on, so a broker stopped with <see cref="StopAsync"/>
/// (SIGTERM: it saves its database) and started again keeps persistent sessions, their subscriptions
/// and the QoS 1 messages queued for them. Put <see cref="Log"/> into assertion messages.
/// </summary>
internal sealed class MosquittoBroker : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/mosquitto";

    public const string PasswordTool = "/usr/bin/mosquitto_passwd";

    private readonly StringBuilder _log = new();
    private readonly string? _extraConfig;
    private Process? _process;

    private MosquittoBroker(int port, IReadOnlyDictionary<string, string>? users, string? extraConfig)
    {
        Port = port;
        Users = users;
        _extraConfig = extraConfig;
        Folder = Directory.CreateTempSubdirectory("heatgrid-mosquitto-").FullName;
    }

    /// <summary>Why mosquitto cannot run here (Debian packages mosquitto and mosquitto-clients), or null.</summary>
    public static string? Missing { get; } = ExternalTool.Missing(Binary) ?? ExternalTool.Missing(PasswordTool);

    public int Port { get; }

    /// <summary>User name → password; null when anonymous clients are allowed.</summary>
    public IReadOnlyDictionary<string, string>? Users { get; }

    /// <summary>Config, password file, persistence database; deleted on dispose.</summary>
    public string Folder { get; }

    public string ConfigFile => Path.Combine(Folder, "mosquitto.conf");

    public string PasswordFile => Path.Combine(Folder, "passwords");

    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>Everything mosquitto logged, across restarts.</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>Starts a broker; with <paramref name="users"/>, only they may connect.</summary>
    /// <param name="users">User name → password for the password file; null allows anonymous clients.</param>
    /// <param name="extraConfig">Further mosquitto.conf lines, e.g. "max_queued_messages 10000".</param>
    public static async Task<MosquittoBroker> StartAsync(IReadOnlyDictionary<string, string>? users = null, string? extraConfig = null)
    {
        var broker = new MosquittoBroker(FreePort.Next(), users, extraConfig);
        try
        {
            await broker.WriteConfigAsync();
            await broker.RestartAsync();
            return broker;
        }
        catch
        {
            await broker.DisposeAsync();
            throw;
        }
    }

    /// <summary>mqtt://USER:PASS@127.0.0.1:PORT for a configured user, mqtt://127.0.0.1:PORT for null.</summary>
    public string Uri(string? user = null, string? password = null) => user is null
        ? $"mqtt://127.0.0.1:{Port}"
        : $"mqtt://{System.Uri.EscapeDataString(user)}:{System.Uri.EscapeDataString(password ?? Users![user])}@127.0.0.1:{Port}";

    /// <summary>Stops the broker if it runs, then starts it on the same port with the same folder.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        Append($"--- starting mosquitto on port {Port}");
        var info = new ProcessStartInfo(Binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(ConfigFile);
        var process = ExternalTool.StartCapturing(info, Append);
        _process = process;
        await TcpProbe.WaitForListenerAsync(Port, TimeSpan.FromSeconds(20), () => "mosquitto log:\n" + Log);
    }

    /// <summary>A clean stop by process id (SIGTERM): mosquitto writes its persistence database and exits.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        await ExternalTool.StopAsync(process, "mosquitto", TimeSpan.FromSeconds(10), Append);
        _process = null;
    }

    /// <summary>A crash (SIGKILL): nothing saved since the last autosave.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill();
        _process?.Dispose();
        _process = null;
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the temp cleaner rather than fail the test.
        }

        await Task.CompletedTask;
    }

    private async Task WriteConfigAsync()
    {
        var config = new StringBuilder()
            .AppendLine(CultureInfo.InvariantCulture, $"listener {Port} 127.0.0.1")
            // Without it pipelined QoS 1 crawls at ≈ 500 msg/s (DEPS.md).
            .AppendLine("set_tcp_nodelay true")
            .AppendLine("persistence true")
            .AppendLine(CultureInfo.InvariantCulture, $"persistence_location {Folder}/")
            .AppendLine("log_dest stderr")
            .AppendLine("log_type error")
            .AppendLine("log_type warning")
            .AppendLine("log_type notice")
            .AppendLine("log_type information")
            // Run as root, mosquitto drops to user mosquitto, who could not read our temp files.
            .AppendLine("user root")
            .AppendLine(CultureInfo.InvariantCulture, $"allow_anonymous {(Users is null ? "true" : "false")}");
        if (Users is not null)
        {
            config.AppendLine(CultureInfo.InvariantCulture, $"password_file {PasswordFile}");
            var create = true;
            foreach (var (user, password) in Users)
            {
                await RunPasswordToolAsync(create ? ["-b", "-c", PasswordFile, user, password] : ["-b", PasswordFile, user, password]);
                create = false;
            }
        }

        config.AppendLine(_extraConfig);
        await File.WriteAllTextAsync(ConfigFile, config.ToString());
    }

    private static async Task RunPasswordToolAsync(string[] args)
    {
        var info = new ProcessStartInfo(PasswordTool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"mosquitto_passwd failed ({process.ExitCode}): {error}");
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }
}
