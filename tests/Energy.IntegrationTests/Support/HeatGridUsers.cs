using System.Text.RegularExpressions;

namespace Energy.IntegrationTests.Support;

/// <summary>Users made the way an operator makes them: the <c>heatgrid users add</c> verb on a data folder, its key read from stdout.</summary>
public static partial class HeatGridUsers
{
    /// <summary>Adds <paramref name="name"/> with <paramref name="role"/> (and <paramref name="tenant"/> for a tenant) to <paramref name="data"/>; returns its key.</summary>
    public static async Task<string> AddAsync(string data, string name, string role, string? tenant = null, TimeSpan? timeout = null)
    {
        string[] args = tenant is null
            ? ["users", "add", name, "--role", role, "--data", data]
            : ["users", "add", name, "--role", role, "--tenant", tenant, "--data", data];
        var (code, output) = await HeatGridProcess.RunToEndAsync(timeout ?? TimeSpan.FromSeconds(30), args);
        Assert.True(code == 0, output);
        return KeyIn(output);
    }

    /// <summary>The API key a <c>heatgrid users add|key</c> printed.</summary>
    public static string KeyIn(string output) => Key().Match(output) is { Success: true } m
        ? m.Value
        : throw new Xunit.Sdk.XunitException("no API key in: " + output);

    [GeneratedRegex("hg_[0-9a-f]{16}_[0-9a-f]{64}")]
    private static partial Regex Key();
}
