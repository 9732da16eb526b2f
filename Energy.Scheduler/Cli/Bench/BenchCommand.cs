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
        command.Subcommands.Add(DemandResponseBench.Create());
        command.Subcommands.Add(DemandResponseAgentsCommand.Create());
        var optimizer = new Command("optimizer", "LP re-plan times: the bathhouse over 48 h, and 50 pools x 5 workloads x 192 slots.");
        optimizer.SetAction(_ => LpPlannerBench.Run(Console.Out));
        command.Subcommands.Add(optimizer);
        return command;
    }
}
