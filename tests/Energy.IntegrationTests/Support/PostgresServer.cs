using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;

namespace Energy.IntegrationTests.Support;

/// <summary>
/// A real PostgreSQL (Debian's postgresql package) on 127.0.0.1: a free port and its own temp folder holding the
/// cluster (<c>data/</c>, made by initdb, password authentication for everyone), the Unix socket and the superuser's
/// password file. The <c>postgres</c> binary runs as a child process of the test (never as a service); when the tests
/// run as root it runs as the <c>postgres</c> system user, since PostgreSQL refuses root. Durability is off (fsync,
/// full-page writes, synchronous commit: tests only); a clean <see cref="StopAsync"/> or a <see cref="KillAsync"/>
/// followed by <see cref="RestartAsync"/> still keeps every committed row. Put <see cref="Log"/> into assertion messages.
/// </summary>
internal sealed partial class PostgresServer : IAsyncDisposable
{
    /// <summary>The superuser initdb makes; its password is <see cref="Password"/>.</summary>
    public const string Superuser = "postgres";

    /// <summary>The system user the server runs as when the tests run as root.</summary>
    private const string SystemUser = "postgres";

    private const string Setpriv = "/usr/bin/setpriv";

    private readonly StringBuilder _log = new();
    private Process? _process;

    private PostgresServer(int port)
    {
        Port = port;
        // As root, under /tmp: the postgres user must reach the folder, which a TMPDIR under /root would not let it.
        Folder = RunningAsRoot && !OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(Path.Combine("/tmp", "heatgrid-postgres-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(6))), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName
            : Directory.CreateTempSubdirectory("heatgrid-postgres-").FullName;
        Password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
    }

    // First of the static properties: Missing reads it while they are initialised, in this order.
    private static bool RunningAsRoot { get; } = EffectiveUserId() == 0;

    /// <summary>The folder of initdb and postgres: <c>pg_config --bindir</c>, else the newest <c>/usr/lib/postgresql/*/bin</c>, else PATH.</summary>
    public static string? BinDirectory { get; } = FindBinDirectory();

    /// <summary>Why PostgreSQL cannot run here (Debian package postgresql), or null.</summary>
    public static string? Missing { get; } = FindMissing();

    public int Port { get; }

    /// <summary>Cluster, socket, password file; deleted on dispose.</summary>
    public string Folder { get; }

    public string DataDirectory => Path.Combine(Folder, "data");

    /// <summary>The password of <see cref="Superuser"/> (random per server).</summary>
    public string Password { get; }

    /// <summary>The postmaster's process id while it runs.</summary>
    public int? ProcessId => _process is { HasExited: false } p ? p.Id : null;

    /// <summary>What initdb and postgres wrote, across restarts (the last 8,000 characters).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                var text = _log.ToString();
                return text.Length > 8000 ? "…" + text[^8000..] : text;
            }
        }
    }

    /// <summary>Makes a cluster in a fresh temp folder and starts it; returns once it answers a query.</summary>
    public static async Task<PostgresServer> StartAsync()
    {
        var server = new PostgresServer(FreePort.Next());
        try
        {
            await server.InitDbAsync();
            await server.RestartAsync();
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary><c>postgres://USER@127.0.0.1:PORT/DB</c>, the form <c>--ha</c> takes; the password is not in it.</summary>
    public string ConnectionUri(string database, string user = Superuser) =>
        $"postgres://{Uri.EscapeDataString(user)}@127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(database)}";

    /// <summary>
    /// An Npgsql connection string; without pooling by default, so that closing a connection ends its session (and
    /// releases its advisory locks) at once, and no pooled connection outlives a restart.
    /// </summary>
    public string ConnectionString(string database = "postgres", string user = Superuser, string? password = null, bool pooling = false) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Database = database,
            Username = user,
            Password = password ?? Password,
            Pooling = pooling,
            Timeout = 5,
            CommandTimeout = 10,
        }.ConnectionString;

    /// <summary>An open connection as the superuser.</summary>
    public async Task<NpgsqlConnection> OpenAsync(string database = "postgres")
    {
        var connection = new NpgsqlConnection(ConnectionString(database));
        try
        {
            await connection.OpenAsync();
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A login role with a password (names: lower-case letters, digits, underscores).</summary>
    public async Task CreateRoleAsync(string user, string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        await using var connection = await OpenAsync();
        // CREATE ROLE takes no parameters; the password is a quoted literal.
        await using var command = new NpgsqlCommand($"CREATE ROLE {Identifier(user)} LOGIN PASSWORD '{password.Replace("'", "''", StringComparison.Ordinal)}'", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A database, owned by <paramref name="owner"/> (a role) or by the superuser.</summary>
    public async Task CreateDatabaseAsync(string name, string? owner = null)
    {
        await using var connection = await OpenAsync();
        var sql = $"CREATE DATABASE {Identifier(name)}" + (owner is null ? "" : $" OWNER {Identifier(owner)}");
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The shared database of <paramref name="site"/>'s controllers in database <paramref name="name"/> (made if missing),
    /// migrated as a controller's start does, opened as the superuser (controller name <paramref name="controller"/>).
    /// </summary>
    public async Task<Energy.Scheduler.Ha.HaDatabase> MigratedDatabaseAsync(string name, string site, string? controller = null)
    {
        await using (var connection = await OpenAsync())
        await using (var exists = new NpgsqlCommand("SELECT count(*) FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", name);
            if ((long)(await exists.ExecuteScalarAsync())! == 0)
            {
                await CreateDatabaseAsync(name);
            }
        }

        var options = new Energy.Scheduler.Ha.HaOptions("127.0.0.1", Port, name, Superuser, Password);
        var database = new Energy.Scheduler.Ha.HaDatabase(controller is null ? options : options with { Name = controller }, site);
        await database.MigrateAsync(Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, CancellationToken.None);
        return database;
    }

    /// <summary>Stops the server if it runs, then starts it with the same folder and port; returns once it answers a query.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        Append($"--- starting postgres on port {Port}");
        var info = AsServerUser(Path.Combine(BinDirectory!, "postgres"));
        foreach (var arg in new[]
        {
            "-D", DataDirectory, "-k", Folder, "-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture),
            // Tests only: nothing waits for the disk.
            "-c", "fsync=off", "-c", "full_page_writes=off", "-c", "synchronous_commit=off",
            "-c", "shared_buffers=16MB", "-c", "max_connections=40",
        })
        {
            info.ArgumentList.Add(arg);
        }

        _process = ExternalTool.StartCapturing(info, Append);
        await TcpProbe.WaitForListenerAsync(Port, TimeSpan.FromSeconds(30), () => "postgres log:\n" + Log);
        await WaitForQueryAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>A clean stop by process id: SIGINT, PostgreSQL's fast shutdown (sessions ended, a checkpoint written); killed after 20 s.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            await SignalAsync(process.Id, "INT");
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Append("--- postgres did not stop within 20 s of SIGINT; killed");
                process.Kill();
            }
        }

        await process.WaitForExitAsync();
        Append($"--- postgres exited with code {process.ExitCode}");
        process.Dispose();
    }

    /// <summary>
    /// A crash of the database host: SIGKILL to the postmaster and to every server process it had started, so that no
    /// shutdown checkpoint is written and no session ends cleanly. <see cref="RestartAsync"/> then runs crash recovery.
    /// </summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
        {
            return;
        }

        _process = null;
        if (!process.HasExited)
        {
            // Stopped first, the postmaster starts no further process while its children are listed.
            await SignalAsync(process.Id, "STOP");
            var children = ChildProcessIds(process.Id);
            await SignalAsync(process.Id, "KILL");
            foreach (var child in children)
            {
                await SignalAsync(child, "KILL");
            }

            await process.WaitForExitAsync();
            // A restart finds the old shared memory still attached while one of them lives.
            var clock = Stopwatch.StartNew();
            while (children.Any(IsAlive))
            {
                Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "server processes outlived SIGKILL by 10 s:\n" + Log);
                await Task.Delay(20);
            }
        }

        Append($"--- postgres killed (SIGKILL) with its server processes");
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open is left to the temp cleaner rather than fail the test.
            }
        }
    }

    private async Task InitDbAsync()
    {
        var passwordFile = Path.Combine(Folder, "pwfile");
        await File.WriteAllTextAsync(passwordFile, Password + "\n");
        if (RunningAsRoot)
        {
            await RunAsync("chown", ["-R", $"{SystemUser}:{SystemUser}", Folder]);
        }

        var info = AsServerUser(Path.Combine(BinDirectory!, "initdb"));
        foreach (var arg in new[]
        {
            "-D", DataDirectory, "-U", Superuser, "-A", "scram-sha-256", $"--pwfile={passwordFile}",
            "--no-sync", "--no-instructions", "--locale=C", "--encoding=UTF8",
        })
        {
            info.ArgumentList.Add(arg);
        }

        Append("--- initdb");
        using var initdb = ExternalTool.StartCapturing(info, Append);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await initdb.WaitForExitAsync(timeout.Token);
        Assert.True(initdb.ExitCode == 0, $"initdb failed ({initdb.ExitCode}):\n{Log}");
    }

    private async Task WaitForQueryAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Assert.False(_process!.HasExited, "postgres exited at start:\n" + Log);
            try
            {
                await using var connection = await OpenAsync();
                await using var command = new NpgsqlCommand("SELECT 1", connection);
                if (await command.ExecuteScalarAsync() is 1)
                {
                    return;
                }
            }
            catch (NpgsqlException) when (clock.Elapsed < timeout)
            {
                // Listening, not yet accepting: "the database system is starting up" (crash recovery included).
            }

            Assert.True(clock.Elapsed < timeout, $"postgres did not answer SELECT 1 within {timeout.TotalSeconds} s:\n{Log}");
            await Task.Delay(50);
        }
    }

    /// <summary>The binary, run directly, or through setpriv as the postgres system user when we are root (setpriv execs: the process is postgres itself).</summary>
    private static ProcessStartInfo AsServerUser(string binary)
    {
        var info = new ProcessStartInfo(RunningAsRoot ? Setpriv : binary) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (RunningAsRoot)
        {
            foreach (var arg in new[] { $"--reuid={SystemUser}", $"--regid={SystemUser}", "--init-groups", "--", binary })
            {
                info.ArgumentList.Add(arg);
            }
        }

        // Messages in English whatever the machine's locale.
        info.Environment["LC_ALL"] = "C";
        return info;
    }

    private static string Identifier(string name) =>
        IdentifierPattern().IsMatch(name) ? name : throw new ArgumentException($"'{name}' is not a plain lower-case identifier", nameof(name));

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex IdentifierPattern();

    private static string? FindBinDirectory()
    {
        static bool Holds(string? folder) => folder is not null && File.Exists(Path.Combine(folder, "initdb")) && File.Exists(Path.Combine(folder, "postgres"));

        // Debian's pg_config (postgresql-common or libpq-dev) names the newest installed server's folder.
        try
        {
            var info = new ProcessStartInfo("pg_config", "--bindir") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            using var process = Process.Start(info)!;
            var folder = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit(10_000);
            if (process.ExitCode == 0 && Holds(folder))
            {
                return folder;
            }
        }
        catch (Win32Exception)
        {
            // No pg_config on PATH.
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            var newest = Directory.GetDirectories("/usr/lib/postgresql")
                .Select(version => (Version: int.TryParse(Path.GetFileName(version), NumberStyles.None, CultureInfo.InvariantCulture, out var major) ? major : -1, Bin: Path.Combine(version, "bin")))
                .Where(v => v.Version >= 0 && Holds(v.Bin))
                .OrderByDescending(v => v.Version)
                .Select(v => v.Bin)
                .FirstOrDefault();
            if (newest is not null)
            {
                return newest;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(Holds);
    }

    private static string? FindMissing()
    {
        if (BinDirectory is null)
        {
            return "PostgreSQL's initdb and postgres are not installed (Debian package postgresql; ops/test.sh installs it)";
        }

        if (!RunningAsRoot)
        {
            return null;
        }

        if (!File.Exists(Setpriv))
        {
            return $"{Setpriv} is missing (util-linux): as root, PostgreSQL must run as the {SystemUser} user";
        }

        return File.ReadLines("/etc/passwd").Any(line => line.StartsWith(SystemUser + ":", StringComparison.Ordinal))
            ? null
            : $"no {SystemUser} system user (the postgresql package makes it): as root, PostgreSQL must run as that user";
    }

    private static int EffectiveUserId()
    {
        // "Uid:\treal\teffective\tsaved\tfs"
        var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        return int.Parse(line.Split('\t', StringSplitOptions.RemoveEmptyEntries)[2], CultureInfo.InvariantCulture);
    }

    private static List<int> ChildProcessIds(int parent)
    {
        var children = new List<int>();
        foreach (var folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // "pid (comm) state ppid …": comm may hold spaces and parentheses, so read after the last ')'.
                var stat = File.ReadAllText(Path.Combine(folder, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
        }

        return children;
    }

    /// <summary>Alive and not a zombie (a zombie holds no memory; an init that does not reap may leave it).</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[stat.LastIndexOf(')') + 2] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static async Task SignalAsync(int pid, string signal) =>
        await RunAsync("kill", [$"-{signal}", pid.ToString(CultureInfo.InvariantCulture)], mustSucceed: false);

    private static async Task RunAsync(string file, string[] args, bool mustSucceed = true)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (mustSucceed && process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }
    }
}
