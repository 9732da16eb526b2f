using System.CommandLine;

namespace Energy.Scheduler.Cli.Bench;

/// <summary><c>heatgrid bench …</c>: benchmarks that print figures and ratios against a baseline run in the same process.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Benchmarks (figures and ratios against a baseline measured in the same run).");
        command.Subcommands.Add(ModbusBench.Create());
        command.Subcommands.Add(ModbusBench.CreateServe());
        command.Subcommands.Add(MqttBench.Create());
        return command;
    }
}
