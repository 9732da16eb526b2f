using System.CommandLine;
using System.Net;
using Energy.Contracts.Configuration;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Hosting;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Prices;
using Microsoft.Extensions.Logging;

namespace Energy.Scheduler.Cli;

/// <summary>
/// <c>heatgrid controller</c>: plans and dispatches to node agents over an MQTT broker; runs no GPUs
/// itself. With <c>--demo</c> the site's heat, meters and market come from the demo's simulated world.
/// </summary>
internal static class ControllerCommand
{
    public static Command Create()
    {
        var site = new Option<string>("--site") { Description = "Site file (YAML).", Required = true };
        var mqtt = new Option<string>("--mqtt") { Description = "The broker agents use, mqtt://USER:PASS@HOST:PORT or mqtts://…", Required = true };
        var http = new Option<string>("--http") { Description = "HTTP address to listen on, HOST:PORT.", DefaultValueFactory = _ => RunCommand.DefaultHttp };
        var data = new Option<string>("--data") { Description = "Data folder (store, epoch, demand-response evidence).", DefaultValueFactory = _ => RunCommand.DefaultData };
        var prices = new Option<string?>("--prices") { Description = "Day-ahead prices file (CSV or ENTSO-E A44 XML). Default with --demo: the synthetic market." };
        var demo = new Option<bool>("--demo") { Description = "Feed heat, meters and market from the demo's simulated world (never its MQTT inputs: the broker's topics are real)." };
        var passwordFile = new Option<string?>("--mqtt-password-file") { Description = $"File whose first line is the MQTT password (else ${CliInputs.PasswordVariable})." };
        var keys = new Option<string?>("--agent-keys") { Description = $"The agents' keys, lines 'NODE KID BASE64KEY' (a node's first key signs, all are accepted; re-read when it changes). Default: the file {AgentKeySource.ControllerFileVariable} names. Make a line with 'heatgrid agent-key --node NODE'." };
        var insecure = new Option<bool>(AgentCommand.InsecureFlag) { Description = "Talk to agents without keys: nothing is signed or checked, and anyone who can publish on the broker can command the GPUs (a lab only)." };
        var allowedHosts = RunCommand.AllowedHostsOption();
        var ha = new Option<string?>("--ha") { Description = $"Run as one of two (or more) controllers of the site sharing this PostgreSQL database, postgres://USER@HOST:PORT/DATABASE: one leads and dispatches, the others wait and take over. The password from ${Ha.HaOptions.PasswordVariable} or --ha-password-file." };
        var haPasswordFile = new Option<string?>("--ha-password-file") { Description = $"File whose first line is the HA database's password (else ${Ha.HaOptions.PasswordVariable})." };
        var haName = new Option<string?>("--ha-name") { Description = "This controller's name among its peers (default: host name and HTTP port)." };
        var haUrl = new Option<string?>("--ha-url") { Description = "Where peers and clients reach this controller's API, http://HOST:PORT (default: the --http address); a standby names it for writes." };
        var command = new Command("controller", "Plan and dispatch to node agents over MQTT (no GPUs in this process).") { site, mqtt, http, data, prices, demo, keys, insecure, allowedHosts, passwordFile, ha, haPasswordFile, haName, haUrl };
        var influx = new InfluxCliOptions();
        influx.AddTo(command);
        command.SetAction((r, ct) => influx.Read(r) is { Error: { } error } ? RunCommand.ErrorAsync(error)
            : RunAsync(r.GetRequiredValue(site), r.GetRequiredValue(mqtt), r.GetRequiredValue(http), r.GetRequiredValue(data),
            r.GetValue(prices), r.GetValue(demo), r.GetValue(keys), r.GetValue(insecure), r.GetValue(allowedHosts) ?? [], r.GetValue(passwordFile),
            influx.Read(r).Arguments, new HaArguments(r.GetValue(ha), r.GetValue(haPasswordFile), r.GetValue(haName), r.GetValue(haUrl))));
        return command;
    }

    /// <summary>The agents' keys: <c>--agent-keys</c>, else the file <c>HEATGRID_AGENT_KEYS_FILE</c> names, else none only with <c>--insecure-unsigned</c>; null with the errors printed.</summary>
    private static async Task<AgentKeySource?> KeysAsync(string? keyFile, bool insecure)
    {
        var variable = Environment.GetEnvironmentVariable(AgentKeySource.ControllerFileVariable);
        var path = keyFile ?? (string.IsNullOrWhiteSpace(variable) ? null : variable);
        if (path is not null && insecure)
        {
            await Console.Error.WriteLineAsync($"{AgentCommand.InsecureFlag}: agent keys are given ({path}); drop {AgentCommand.InsecureFlag} to sign with them");
            return null;
        }

        if (path is null)
        {
            if (!insecure)
            {
                await Console.Error.WriteLineAsync($"no agent keys: give --agent-keys FILE or {AgentKeySource.ControllerFileVariable} (one line 'NODE KID BASE64KEY' per agent key; 'heatgrid agent-key --node NODE' makes one), or {AgentCommand.InsecureFlag} for a lab without signing");
                return null;
            }

            return AgentKeySource.None;
        }

        var source = AgentKeySource.FromFile(path, node: null);
        try
        {
            // Read once here so that a broken file is a clear error before anything starts (the host reads it again, and on every change).
            if (AgentKeyRing.Load(source, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance).Nodes.Count == 0)
            {
                await Console.Error.WriteLineAsync($"{path}: no keys ('heatgrid agent-key --node NODE' makes one)");
                return null;
            }
        }
        catch (AgentKeyFileException e)
        {
            foreach (var error in e.Errors)
            {
                await Console.Error.WriteLineAsync(error);
            }

            return null;
        }

        return source;
    }

    private sealed record HaArguments(string? Uri, string? PasswordFile, string? Name, string? Url);

    /// <summary>The shared database of <c>--ha</c>, reached and migrated; null with the error printed.</summary>
    private static async Task<Ha.HaDatabase?> HaDatabaseAsync(HaArguments arguments, string site, string listenUrl)
    {
        if (CliInputs.HaOptionsOrError(arguments.Uri!, arguments.PasswordFile, out var problem) is not { } options)
        {
            await Console.Error.WriteLineAsync(problem);
            return null;
        }

        var listen = new Uri(listenUrl);
        var host = listen.Host is "0.0.0.0" or "[::]" or "::" ? Environment.MachineName : listen.Host;
        if (arguments.Url is { } given && !(Uri.TryCreate(given, UriKind.Absolute, out var advertised) && advertised.Scheme is "http" or "https"))
        {
            await Console.Error.WriteLineAsync($"--ha-url: expected http://HOST:PORT, got '{given}'");
            return null;
        }

        options = options with
        {
            Name = arguments.Name ?? $"{Environment.MachineName}:{listen.Port}",
            Url = arguments.Url ?? $"{listen.Scheme}://{host}:{listen.Port}",
        };
        using var loggers = Microsoft.Extensions.Logging.LoggerFactory.Create(b => b.AddSimpleConsole(o => (o.SingleLine, o.TimestampFormat) = (true, "HH:mm:ss ")));
        var (database, failed) = await CliInputs.MigratedHaDatabaseAsync(options, site, loggers.CreateLogger("Energy.Scheduler.Ha.HaDatabase"), CancellationToken.None);
        if (failed is not null)
        {
            await Console.Error.WriteLineAsync(failed);
        }

        return database;
    }

    private static async Task<int> RunAsync(string sitePath, string mqttUri, string http, string data, string? pricesFile, bool demo, string? keyFile, bool insecure,
        string[] allowedHosts, string? passwordFile, HistoryArguments? history, HaArguments haArguments)
    {
        if (await KeysAsync(keyFile, insecure) is not { } agentKeys)
        {
            return 2;
        }

        var site = await CliInputs.SiteOrErrorsAsync(SiteFile.Load(sitePath));
        if (site is null)
        {
            return 1;
        }

        if (!RunCommand.TryHttpUrl(http, out var url))
        {
            await Console.Error.WriteLineAsync($"--http: expected HOST:PORT such as 127.0.0.1:8080, got '{http}'");
            return 2;
        }

        // With --ha the users are the shared database's: checked once it is reached, below.
        if (haArguments.Uri is null && Security.ApiSecurity.StartRefusal(url, Path.GetFullPath(data)) is { } refusal)
        {
            await Console.Error.WriteLineAsync(refusal);
            return 2;
        }

        // With --ha the PoUW jobs are the shared database's too: checked once it is reached, below.
        if (haArguments.Uri is null && Energy.Scheduler.Pouw.PouwBooks.StartRefusal(Path.GetFullPath(data)) is { } pouwRefusal)
        {
            await Console.Error.WriteLineAsync(pouwRefusal);
            return 2;
        }

        if (await CliInputs.BrokerAsync(mqttUri, passwordFile) is not { } broker)
        {
            return 2;
        }

        var (usable, prices) = await CliInputs.PricesAsync(pricesFile, site);
        if (!usable)
        {
            return 1;
        }

        demo |= site.Demo == true;
        if (pricesFile is null && !demo)
        {
            await Console.Error.WriteLineAsync("--prices: a controller needs day-ahead prices (a file), or --demo for the synthetic market");
            return 2;
        }

        var folder = Path.GetFullPath(data);
        Directory.CreateDirectory(folder);
        await using var shared = haArguments.Uri is null ? null : await HaDatabaseAsync(haArguments, site.Name, url);
        if (haArguments.Uri is not null && shared is null)
        {
            return 2;
        }

        if (shared is not null && Security.ApiSecurity.StartRefusal(url, new Ha.PgUserRecords(shared),
            $"--ha {shared.Options.Shown} --site {(site.Name.Contains(' ', StringComparison.Ordinal) ? $"\"{site.Name}\"" : site.Name)}") is { } sharedRefusal)
        {
            await Console.Error.WriteLineAsync(sharedRefusal);
            return 2;
        }

        if (shared is not null && Energy.Scheduler.Pouw.PouwBooks.StartRefusal(new Ha.PgStateDocuments(shared)) is { } sharedPouwRefusal)
        {
            await Console.Error.WriteLineAsync(sharedPouwRefusal);
            return 2;
        }

        var options = new RunOptions(site, sitePath, url, folder,
            Mqtt: new MqttSetup(broker, new IPEndPoint(IPAddress.Loopback, 0)), Prices: prices, Role: HostRole.Controller, Demo: demo)
        { PricesPath = pricesFile is null ? null : Path.GetFullPath(pricesFile), AgentKeys = agentKeys,
            AllowedHosts = RunCommand.SplitHosts(allowedHosts),
            DemoWhy = site.Demo == true ? "the site file says demo: true" : "--demo", History = history, Ha = shared };
        await using var app = HeatGridHost.Build(options);
        return await HostRunner.RunAsync(app);
    }
}
