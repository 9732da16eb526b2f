using System.Globalization;
using System.CommandLine;
using Energy.Contracts.Configuration;

namespace Energy.Scheduler.Cli;

/// <summary><c>heatgrid check-config FILE</c>: validates a site file; exit 0 when valid, 1 with every error otherwise.</summary>
internal static class CheckConfigCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "The site file (YAML) to validate." };
        var command = new Command("check-config", "Validate a site file and print every error as FILE:LINE:COLUMN.") { file };
        command.SetAction(result => Run(result.GetRequiredValue(file), Console.Out, Console.Error));
        return command;
    }

    public static int Run(string path, TextWriter stdout, TextWriter stderr)
    {
        var loaded = SiteFile.Load(path);
        if (!loaded.IsValid)
        {
            foreach (var error in loaded.Errors)
            {
                stderr.WriteLine(error);
            }

            stderr.WriteLine($"{path}: {loaded.Errors.Count} error{(loaded.Errors.Count == 1 ? string.Empty : "s")}; nothing was started.");
            return 1;
        }

        var site = loaded.Site!;
        stdout.WriteLine($"{path}: OK: site '{site.Name}' ({site.TimeZone.Id}, {site.Currency}): grid cap {site.Grid.ImportCap}, "
            + $"{site.Pools.Count} GPU pools ({site.TotalGpus} GPUs), {site.HeatLoops.Count} heat loops, {site.Workloads.Count} workloads");
        stdout.WriteLine(site.Grid.Meter is { } meter
            ? string.Create(CultureInfo.InvariantCulture,
                $"{path}: the cap is held against the site meter {meter.Signal} ({meter.CapMargin:P0} margin; stale after {meter.StaleAfter.TotalSeconds:0.###} s)")
            : $"{path}: no site meter: the cap is held against the model with a base load of {site.Grid.BaseLoad}");
        var demo = DemoScope.For(site, site.Demo == true, "the site file says demo: true", DemoBroker.Embedded, realPrices: false);
        stdout.WriteLine($"{path}: demo under heatgrid run --site (embedded broker, no --prices): {demo.Describe()}"
            + (demo.Level == DemoLevel.Full ? "; with --mqtt (an external broker) it publishes and writes none of the site's MQTT inputs" : string.Empty));
        foreach (var line in Energy.Scheduler.Planning.MiningValueCheck.Describe(site))
        {
            stdout.WriteLine($"{path}: {line}");
        }

        return 0;
    }
}
