using System.CommandLine;
using System.Globalization;
using Energy.Contracts.Agents.Protocol;

namespace Energy.Scheduler.Cli;

/// <summary>
/// <c>heatgrid agent-key --node NODE</c>: prints a fresh random key line, <c>NODE KID BASE64KEY</c>, for
/// both the controller's <c>--agent-keys</c> file and the agent's <c>--key-file</c>.
/// </summary>
internal static class AgentKeyCommand
{
    public static Command Create()
    {
        var node = new Option<string>("--node") { Description = "The agent's node name.", Required = true };
        var kid = new Option<string?>("--kid") { Description = "The key's id (default: NODE-yyyyMMdd-HHmmss, UTC)." };
        var command = new Command("agent-key", "Print a fresh random agent key line for the controller's --agent-keys file and the agent's --key-file.") { node, kid };
        command.SetAction((r, ct) => RunAsync(r.GetRequiredValue(node), r.GetValue(kid)));
        return command;
    }

    private static async Task<int> RunAsync(string node, string? kid)
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

        var id = kid ?? string.Create(CultureInfo.InvariantCulture, $"{node}-{TimeProvider.System.GetUtcNow():yyyyMMdd-HHmmss}");
        if (!AgentKey.IsValidKid(id))
        {
            await Console.Error.WriteLineAsync($"--kid: '{id}' is not 1 to 64 letters, digits, '.', '_' or '-'");
            return 2;
        }

        await Console.Out.WriteLineAsync(AgentKey.Create(node, id).ToLine());
        await Console.Error.WriteLineAsync($"Add this line to the controller's --agent-keys file and to agent {node}'s --key-file; to rotate, add it as {node}'s second line on both, then make it the first on both, then remove the old one.");
        return 0;
    }
}
