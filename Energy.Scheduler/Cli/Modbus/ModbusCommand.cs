using System.CommandLine;

namespace Energy.Scheduler.Cli.Modbus;

/// <summary><c>heatgrid modbus …</c>: diagnostics for Modbus devices on site.</summary>
internal static class ModbusCommand
{
    public static Command Create()
    {
        var command = new Command("modbus", "Modbus TCP diagnostics.");
        command.Subcommands.Add(ModbusReadCommand.Create());
        return command;
    }
}
