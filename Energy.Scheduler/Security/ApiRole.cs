namespace Energy.Scheduler.Security;

/// <summary>
/// What an API key may do (<see cref="ApiAccess"/> holds the rules): <see cref="Viewer"/> reads the site's live data,
/// <see cref="Tenant"/> only its own tenant's statements, <see cref="Integrator"/> reads like a viewer plus heat statements,
/// <see cref="Operator"/> also writes (curtailments, DR, the demo), <see cref="Admin"/> also reads users and keys.
/// <see cref="Controller"/> and <see cref="Agent"/> are machine identities for the MQTT broker (<see cref="BrokerIdentities"/>):
/// on the HTTP API they read as a viewer does.
/// </summary>
public enum ApiRole
{
    Viewer,
    Tenant,
    Integrator,
    Operator,
    Admin,
    Controller,
    Agent,
}

/// <summary>Role names as the verbs, the users file and the <c>role</c> claim spell them: lower case.</summary>
public static class ApiRoles
{
    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetValues<ApiRole>().Select(Name)];

    public static string Name(this ApiRole role) => role.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out ApiRole role)
    {
        role = default;
        var match = Enum.GetValues<ApiRole>().Where(r => string.Equals(r.Name(), text?.Trim(), StringComparison.OrdinalIgnoreCase)).ToList();
        if (match.Count != 1)
        {
            return false;
        }

        role = match[0];
        return true;
    }
}
