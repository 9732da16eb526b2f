using System.CommandLine;

namespace Energy.Scheduler.Cli;

/// <summary>The <c>heatgrid</c> command line: one executable, one verb per job.</summary>
public static class HeatGridCli
{
    public static RootCommand Build()
    {
        var root = new RootCommand("HeatGrid: datacenter energy and heat-reuse orchestration.");
        root.Subcommands.Add(RunCommand.Create());
        root.Subcommands.Add(ControllerCommand.Create());
        root.Subcommands.Add(AgentCommand.Create());
        root.Subcommands.Add(AgentKeyCommand.Create());
        root.Subcommands.Add(CheckConfigCommand.Create());
        root.Subcommands.Add(Modbus.ModbusCommand.Create());
        root.Subcommands.Add(Bench.BenchCommand.Create());
        root.Subcommands.Add(BacktestCommand.Create());
        root.Subcommands.Add(Gpu.GpuCommand.Create());
        root.Subcommands.Add(PricesCommand.Create());
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(UsersCommand.Create());
        root.Subcommands.Add(AuditCommand.Create());
        root.Subcommands.Add(Pouw.PouwCommand.Create());
        return root;
    }
}
