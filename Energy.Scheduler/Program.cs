using System.CommandLine;
using Energy.Scheduler.Cli;

// Termination signals are left to the host of long-running verbs (run), which stops its services cleanly.
return await HeatGridCli.Build().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
