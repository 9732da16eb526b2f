using System.CommandLine;
using System.Globalization;
using Energy.Contracts.Agents.Protocol;
using Energy.Contracts.Configuration;
using Energy.Contracts.Sites;
using Energy.Scheduler.Controller.Agents;
using Energy.Scheduler.Hosting;
using Energy.Scheduler.NodeAgent;
using Energy.Telemetry.Mqtt;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Energy.Scheduler.Cli;

/// <summary>
/// <c>heatgrid agent --node NAME</c>: runs this host's GPUs for the controller over MQTT, watches the
/// grid frequency itself and falls to the site's safe state when it hears nothing.
/// </summary>
internal static class AgentCommand
{
    public static Command Create()
    {
        var node = new Option<string>("--node") { Description = "This host's name (unique on the site; no '/', '+', '#', spaces).", Required = true };
        var site = new Option<string>("--site") { Description = "Site file (YAML): pools, safe state, demand-response policy.", Required = true };
        var mqtt = new Option<string>("--mqtt") { Description = "The controller's broker, mqtt://USER:PASS@HOST:PORT or mqtts://…", Required = true };
        var gpus = new Option<string?>("--simulate") { Description = "Simulated GPUs instead of this host's: POOL:COUNT[,POOL:COUNT…], pools from the site file. Without it: this host's NVIDIA GPUs, or no start." };
        var meter = new Option<bool>("--poll-meter") { Description = "Poll the site meter that measures grid frequency over Modbus (needed where the site file takes the frequency from the meter's signal; then the MQTT frequency topic is not listened to)." };
        var keyFile = new Option<string?>("--key-file") { Description = $"This agent's key file, lines 'NODE KID BASE64KEY' (the first of its node signs, all are accepted; re-read when it changes). Default: the {AgentKeySource.AgentKeyVariable} variable. Make one with 'heatgrid agent-key --node NODE'." };
        var insecure = new Option<bool>(InsecureFlag) { Description = "Run without keys: nothing is signed or checked, and anyone who can publish on the broker can command these GPUs (a lab only)." };
        var passwordFile = new Option<string?>("--mqtt-password-file") { Description = $"File whose first line is the MQTT password (else ${CliInputs.PasswordVariable})." };
        var command = new Command("agent", "Run this host's GPUs for the controller over MQTT.") { node, site, mqtt, gpus, meter, keyFile, insecure, passwordFile };
        var pouw = new AgentPouwInputs();
        foreach (var option in pouw.All)
        {
            command.Options.Add(option);
        }

        command.SetAction((r, ct) =>
        {
            var pouwOptions = pouw.Read(r, Console.Error, out var pouwOk);
            return pouwOk
                ? RunAsync(r.GetRequiredValue(node), r.GetRequiredValue(site), r.GetRequiredValue(mqtt), r.GetValue(gpus), r.GetValue(meter),
                    r.GetValue(keyFile), r.GetValue(insecure), r.GetValue(passwordFile), pouwOptions)
                : Task.FromResult(2);
        });
        return command;
    }

    public const string InsecureFlag = "--insecure-unsigned";

    /// <summary>The agent's keys: <c>--key-file</c>, else <c>HEATGRID_AGENT_KEY</c>, else none only with <c>--insecure-unsigned</c>; null with the error printed.</summary>
    internal static async Task<AgentKeySource?> KeysAsync(string node, string? keyFile, bool insecure)
    {
        var variable = Environment.GetEnvironmentVariable(AgentKeySource.AgentKeyVariable);
        var source = keyFile is not null ? AgentKeySource.FromFile(keyFile, node)
            : !string.IsNullOrWhiteSpace(variable) ? AgentKeySource.FromLines(variable, AgentKeySource.AgentKeyVariable, node)
            : null;
        if (source is not null && insecure)
        {
            await Console.Error.WriteLineAsync($"{InsecureFlag}: this agent has a key ({source.Origin}); drop {InsecureFlag} to sign with it");
            return null;
        }

        if (source is null && !insecure)
        {
            await Console.Error.WriteLineAsync($"no agent key: give --key-file FILE or {AgentKeySource.AgentKeyVariable} ('heatgrid agent-key --node {node}' makes a key line for both the agent's file and the controller's --agent-keys file), or {InsecureFlag} for a lab without signing");
            return null;
        }

        return source ?? AgentKeySource.None;
    }

    private static async Task<int> RunAsync(string node, string sitePath, string mqttUri, string? simulate, bool pollMeter, string? keyFile, bool insecure,
        string? passwordFile, Energy.Scheduler.NodeAgent.Pouw.PouwNodeOptions? pouw = null)
    {
        try
        {
            AgentTopics.ValidateNode(node);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync("--node: " + e.Message.Split(" (Parameter", StringSplitOptions.None)[0]);
            return 2;
        }

        if (await KeysAsync(node, keyFile, insecure) is not { } keys)
        {
            return 2;
        }

        var site = await CliInputs.SiteOrErrorsAsync(SiteFile.Load(sitePath));
        if (site is null)
        {
            return 1;
        }

        // Only the configured frequency source counts; an agent that cannot hear it would never answer the grid.
        var dr = site.Policy.DemandResponse;
        if (dr.SourceFor(site.Maps(dr.FrequencySignal)) == Energy.Contracts.Policy.FrequencySource.Signal
            && !(pollMeter && site.Devices.Any(d => d.Points.Any(p => p.Signal == dr.FrequencySignal))))
        {
            await Console.Error.WriteLineAsync($"the site file takes the grid frequency from {dr.FrequencySignal} (policy.demandResponse.frequencySource: {dr.Source}): "
                + $"poll the site meter with --poll-meter, or set frequencySource: topic to take it from {new AgentTopics(site.Name).Frequency}");
            return 2;
        }

        if (await CliInputs.BrokerAsync(mqttUri, passwordFile) is not { } broker)
        {
            return 2;
        }

        var pools = new List<(GpuPool Pool, int Count)>();
        foreach (var part in (simulate ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var colon = part.LastIndexOf(':');
            var pool = colon > 0 ? site.Pools.FirstOrDefault(p => p.Name == part[..colon]) : null;
            if (pool is null || !int.TryParse(part[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count < 1)
            {
                await Console.Error.WriteLineAsync($"--simulate: '{part}' is not POOL:COUNT with a pool of the site ({string.Join(", ", site.Pools.Select(p => p.Name))}) and a count of 1 or more");
                return 2;
            }

            pools.Add((pool, count));
        }

        IHost host;
        try
        {
            host = AgentHost.Build(new AgentRunOptions(site, node, broker, pools, pollMeter, keys, pouw));
            _ = host.Services.GetRequiredService<MqttAgent>();
        }
        catch (AgentKeyFileException e)
        {
            foreach (var error in e.Errors)
            {
                await Console.Error.WriteLineAsync(error);
            }

            return 1;
        }
        catch (Energy.Gpu.Devices.GpuBackendUnavailableException e)
        {
            await Console.Error.WriteLineAsync($"{e.Message}; or run simulated GPUs with --simulate POOL:COUNT");
            return 1;
        }

        using (host)
        {
            return await HostRunner.RunAsync(host);
        }
    }
}
