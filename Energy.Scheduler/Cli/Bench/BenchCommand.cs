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
        command.Subcommands.Add(HistoryBench.Create());
        command.Subcommands.Add(DemandResponseBench.Create());
        command.Subcommands.Add(DemandResponseAgentsCommand.Create());
        var optimizer = new Command("optimizer", "LP re-plan times: the bathhouse over 48 h, and 50 pools x 5 workloads x 192 slots.");
        optimizer.SetAction(_ => LpPlannerBench.Run(Console.Out));
        command.Subcommands.Add(optimizer);
        var rolling = new Command("backtest", "LP re-plans rolled as a backtest rolls them (bathhouse, 15-minute slots, 48 h): fresh model vs re-used model.");
        var hourly = new Option<bool>("--hourly") { Description = "Hourly slots instead of 15-minute ones." };
        var replans = new Option<int>("--replans") { Description = "Re-plans per run (default 672).", DefaultValueFactory = _ => 672 };
        var reusedOnly = new Option<bool>("--reused-only") { Description = "Only the re-used model (for a profiler)." };
        rolling.Options.Add(hourly);
        rolling.Options.Add(replans);
        var solver = new Option<string>("--solver") { Description = "Solver of the re-used model: CLP (default) or GLOP; the fresh baseline is GLOP.", DefaultValueFactory = _ => "CLP" };
        rolling.Options.Add(reusedOnly);
        rolling.Options.Add(solver);
        rolling.SetAction(r => RollingPlanBench.Run(Console.Out, r.GetValue(replans), r.GetValue(hourly) ? TimeSpan.FromHours(1) : TimeSpan.FromMinutes(15), r.GetValue(reusedOnly), r.GetValue(solver)!));
        command.Subcommands.Add(rolling);
        return command;
    }
}
