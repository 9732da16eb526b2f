using System.CommandLine;
using System.Net;
using Energy.Contracts.Configuration;
using Energy.Scheduler.Hosting;
using Energy.Telemetry.Mqtt;
using Energy.Telemetry.Prices;

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
        var command = new Command("controller", "Plan and dispatch to node agents over MQTT (no GPUs in this process).") { site, mqtt, http, data, prices, demo, passwordFile };
        command.SetAction((r, ct) => RunAsync(r.GetRequiredValue(site), r.GetRequiredValue(mqtt), r.GetRequiredValue(http), r.GetRequiredValue(data),
            r.GetValue(prices), r.GetValue(demo), r.GetValue(passwordFile)));
        return command;
    }

    private static async Task<int> RunAsync(string sitePath, string mqttUri, string http, string data, string? pricesFile, bool demo, string? passwordFile)
    {
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
        var options = new RunOptions(site, sitePath, url, folder,
            Mqtt: new MqttSetup(broker, new IPEndPoint(IPAddress.Loopback, 0)), Prices: prices, Role: HostRole.Controller, Demo: demo)
        { PricesPath = pricesFile is null ? null : Path.GetFullPath(pricesFile), DemoWhy = site.Demo == true ? "the site file says demo: true" : "--demo" };
        await using var app = HeatGridHost.Build(options);
        return await HostRunner.RunAsync(app);
    }
}
