using System.CommandLine;
using System.Reflection;
using System.Net;
using Energy.Contracts.Configuration;
using Energy.Gpu.Devices;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Prices;
using Energy.Scheduler.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Energy.Scheduler.Cli;

/// <summary><c>heatgrid run</c>: everything in one process on embedded defaults.</summary>
internal static class RunCommand
{
    public const string DefaultHttp = "127.0.0.1:8080";
    public const string DefaultData = ".heatgrid";
    public const string DefaultMqttListen = "127.0.0.1:1883";
    private const string DemoSiteResource = "bathhouse.yaml";

    public static Command Create()
    {
        var site = new Option<string?>("--site") { Description = "Site file (YAML). Default: the built-in bathhouse demo. With a site file nothing is simulated unless the file (demo: true, devices marked simulate) or --demo says so." };
        var http = new Option<string>("--http") { Description = "HTTP address to listen on, HOST:PORT.", DefaultValueFactory = _ => DefaultHttp };
        var data = new Option<string>("--data") { Description = "Data folder for the embedded store.", DefaultValueFactory = _ => DefaultData };
        var mqtt = new Option<string?>("--mqtt") { Description = "External MQTT broker, mqtt://USER@HOST:PORT or mqtts://… Default: the embedded broker." };
        var passwordFile = new Option<string?>("--mqtt-password-file") { Description = $"File whose first line is the MQTT password (else ${CliInputs.PasswordVariable}); keeps it out of ps." };
        var mqttListen = new Option<string>("--mqtt-listen") { Description = "Where the embedded broker listens, HOST:PORT; 0.0.0.0 or [::] for every address (this process connects to loopback).", DefaultValueFactory = _ => DefaultMqttListen };
        var demo = new Option<bool>("--demo") { Description = "Run the whole demo world on the site file: simulated plant, BMS (embedded broker only) and, without --prices, the synthetic market." };
        var prices = new Option<string?>("--prices") { Description = "Day-ahead prices: a CSV (timestamp_utc, price_<currency>_per_mwh) or ENTSO-E A44 XML file. Default: the demo's synthetic market." };
        var allowedHosts = AllowedHostsOption();
        var gpus = new Option<GpuBackendMode>("--gpu")
        {
            Description = "GPUs: auto (this host's NVIDIA GPUs when present, else simulated), simulated, or cuda (real ones or no start).",
            DefaultValueFactory = _ => GpuBackendMode.Auto,
        };
        var command = new Command("run", "Run controller, GPUs (real when present, else simulated) and the demo inputs in one process.")
        {
            site, http, data, mqtt, mqttListen, prices, gpus, allowedHosts, passwordFile, demo,
        };
        var influx = new InfluxCliOptions();
        influx.AddTo(command);
        command.SetAction((result, ct) => influx.Read(result) is { Error: { } error } ? ErrorAsync(error)
            : RunAsync(result.GetValue(site), result.GetRequiredValue(http), result.GetRequiredValue(data),
            result.GetValue(mqtt), result.GetRequiredValue(mqttListen), result.GetValue(prices), result.GetValue(gpus), result.GetValue(allowedHosts) ?? [],
            result.GetValue(passwordFile), result.GetValue(demo), influx.Read(result).Arguments));
        return command;
    }

    private static async Task<int> RunAsync(string? sitePath, string http, string data, string? mqttUri, string mqttListen, string? pricesFile,
        GpuBackendMode gpus, string[] allowedHosts, string? passwordFile, bool demo, HistoryArguments? history)
    {
        var site = await CliInputs.SiteOrErrorsAsync(sitePath is null ? SiteFile.Parse(DemoSite(), "built-in:" + DemoSiteResource) : SiteFile.Load(sitePath));
        if (site is null)
        {
            return 1;
        }

        if (!TryHttpUrl(http, out var url))
        {
            await Console.Error.WriteLineAsync($"--http: expected HOST:PORT such as 127.0.0.1:8080, got '{http}'");
            return 2;
        }

        if (Security.ApiSecurity.StartRefusal(url, Path.GetFullPath(data)) is { } refusal)
        {
            await Console.Error.WriteLineAsync(refusal);
            return 2;
        }

        if (Energy.Scheduler.Pouw.PouwBooks.StartRefusal(Path.GetFullPath(data)) is { } pouwRefusal)
        {
            await Console.Error.WriteLineAsync(pouwRefusal);
            return 2;
        }

        MqttBrokerOptions? broker = null;
        if (mqttUri is not null && (broker = await CliInputs.BrokerAsync(mqttUri, passwordFile)) is null)
        {
            return 2;
        }

        if (mqttUri is null && passwordFile is not null)
        {
            await Console.Error.WriteLineAsync("--mqtt-password-file: only with --mqtt (the embedded broker takes no password)");
            return 2;
        }

        if (!IPEndPoint.TryParse(mqttListen, out var listen) || listen.Port == 0)
        {
            await Console.Error.WriteLineAsync($"--mqtt-listen: expected an IP address and port such as 127.0.0.1:1883, got '{mqttListen}'");
            return 2;
        }

        if (mqttUri is null && Security.BrokerIdentities.StartRefusal(listen, Path.GetFullPath(data)) is { } brokerRefusal)
        {
            await Console.Error.WriteLineAsync(brokerRefusal);
            return 2;
        }

        var (usable, prices) = await CliInputs.PricesAsync(pricesFile, site);
        if (!usable)
        {
            return 1;
        }

        var folder = Path.GetFullPath(data);
        Directory.CreateDirectory(folder);
        var options = new RunOptions(site, sitePath ?? "built-in bathhouse demo", url, folder, Mqtt: new MqttSetup(broker, listen), Prices: prices,
            Demo: sitePath is null || demo || site.Demo == true, Gpus: gpus)
        {
            PricesPath = pricesFile is null ? null : Path.GetFullPath(pricesFile),
            AllowedHosts = SplitHosts(allowedHosts),
            DemoWhy = sitePath is null ? "the built-in bathhouse demo" : demo ? "--demo" : "the site file says demo: true",
            History = history,
        };
        await using var app = HeatGridHost.Build(options);
        try
        {
            // Chosen before anything starts, so that --gpu cuda on a host without usable GPUs stops with one line.
            _ = app.Services.GetRequiredService<GpuBackend>();
        }
        catch (GpuBackendUnavailableException ex)
        {
            await Console.Error.WriteLineAsync($"--gpu cuda: {ex.Message}; nothing was started.");
            return 1;
        }

        // The host handles SIGINT/SIGTERM and stops every service within its shutdown timeout.
        return await HostRunner.RunAsync(app);
    }

    internal static async Task<int> ErrorAsync(string error)
    {
        await Console.Error.WriteLineAsync(error);
        return 2;
    }

    /// <summary><c>--allowed-hosts</c>: host names the HTTP API answers to besides its own address and localhost (DNS-rebinding guard).</summary>
    internal static Option<string[]> AllowedHostsOption() => new("--allowed-hosts")
    {
        Description = "Host names the HTTP API answers to besides the address it listens on and localhost, comma-separated (e.g. heatgrid.site.example,*.ops.example).",
        AllowMultipleArgumentsPerToken = true,
    };

    internal static string[] SplitHosts(string[] given) =>
        [.. given.SelectMany(h => h.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))];

    internal static bool TryHttpUrl(string text, out string url)
    {
        var candidate = text.Contains("://", StringComparison.Ordinal) ? text : "http://" + text;
        var ok = Uri.TryCreate(candidate, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttp && !uri.IsDefaultPort
            && uri.AbsolutePath == "/";
        url = ok ? $"http://{uri!.Authority}" : string.Empty;
        return ok;
    }

    internal static string DemoSite()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(DemoSiteResource)
            ?? throw new InvalidOperationException("The built-in demo site is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
