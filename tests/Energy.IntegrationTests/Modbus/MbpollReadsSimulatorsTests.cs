using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Energy.Contracts.Configuration;
using Energy.Contracts.Sites;
using Energy.IntegrationTests.Support;
using Energy.Telemetry.Modbus.Simulation;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.IntegrationTests.Modbus;

/// <summary>mbpoll, a real Modbus client, reads HeatGrid's device simulators and sees what the maps say.</summary>
public sealed partial class MbpollReadsSimulatorsTests
{
    [RequiresMbpollFact]
    public async Task Mbpoll_ReadsTheBathhouseSimulators_InEveryMappedEncoding()
    {
        var site = BathhouseOnFreePorts();
        await using var host = new SimulatedDeviceHost();
        await host.StartAsync(site, NullLoggerFactory.Instance, CancellationToken.None);
        host.Update(new Dictionary<string, double>
        {
            ["bath.heatDeliveredKw"] = 412.37,
            ["bath.supplyTemperatureC"] = 71.25,
            ["bath.flowM3PerHour"] = 15.125,
            ["bath.heatEnergyKwh"] = 1234.5,
            ["bath.tankStoredKwh"] = 812.25,
            ["bath.tankTopTemperatureC"] = 84.3,
            ["grid.frequencyHz"] = 49.98,
        });
        var meter = Port(site, "heat-meter");
        var tank = Port(site, "tank-controller");
        var grid = Port(site, "site-meter");

        // -0: addresses from 0; -B: big-endian word order (ABCD); without -B mbpoll reads 32-bit values as CDAB.
        Assert.Equal(new double[] { 41237 }, await MbpollAsync(meter, "-t", "4:int", "-B", "-r", "0"));
        Assert.Equal(new double[] { 7125 }, await MbpollAsync(meter, "-t", "4", "-r", "2"));
        Assert.Equal(new double[] { 15125 }, await MbpollAsync(meter, "-t", "4:int", "-r", "4"));
        Assert.Equal(new double[] { 1234.5 }, await MbpollAsync(meter, "-t", "4:float", "-B", "-r", "6"));
        Assert.Equal(new double[] { 812.25 }, await MbpollAsync(tank, "-t", "3:float", "-r", "0"));
        Assert.Equal(new double[] { 843 }, await MbpollAsync(tank, "-t", "3", "-r", "2"));
        Assert.Equal(new double[] { 4998 }, await MbpollAsync(grid, "-t", "4", "-r", "2"));
    }

    private static Site BathhouseOnFreePorts()
    {
        var text = File.ReadAllText(RepoPaths.Example("bathhouse.yaml"));
        foreach (var port in new[] { "15020", "15021", "15022" })
        {
            text = text.Replace("127.0.0.1:" + port, "127.0.0.1:" + FreePort.Next().ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }

        return SiteFile.Parse(text, "bathhouse.yaml").GetSiteOrThrow();
    }

    private static int Port(Site site, string device) =>
        int.Parse(site.Devices.Single(d => d.Name == device).Endpoint.Split(':')[1], CultureInfo.InvariantCulture);

    private static async Task<double[]> MbpollAsync(int port, params string[] args)
    {
        var info = new ProcessStartInfo(Peers.Mbpoll) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-m", "tcp", "-a", "1", "-0", "-1", "-c", "1", "-p", port.ToString(CultureInfo.InvariantCulture) }.Concat(args).Append("127.0.0.1"))
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"mbpoll {string.Join(' ', args)} failed: {output}{error}");
        return ValueLine().Matches(output).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray();
    }

    [GeneratedRegex(@"^\[\d+\]:\s+(-?[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex ValueLine();
}
