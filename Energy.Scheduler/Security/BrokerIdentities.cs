using System.Security.Cryptography;
using System.Text;
using Energy.Telemetry.Mqtt;

namespace Energy.Scheduler.Security;

/// <summary>
/// Who a client of the embedded MQTT broker is. A person or machine authenticates as a user of <c>DATA/users.json</c>:
/// the user's name as the MQTT user name and one of its API keys as the password, so <c>heatgrid users add|key|revoke</c>
/// manage the broker's access too (a revoked key is refused at the next connect). Roles map to what <see cref="MqttAcl"/>
/// allows: operator and admin → <see cref="MqttClientRole.Operator"/>, integrator → <see cref="MqttClientRole.Integrator"/>,
/// viewer → <see cref="MqttClientRole.Reader"/>, controller and agent (the user's name is the agent's node) → their own;
/// a tenant's key is for the HTTP API only. This process's own clients use <see cref="InternalUser"/> with a secret made
/// at start and never written down. Without users, a client without credentials may connect as anonymous (sensor inputs,
/// never a control topic); once a user exists, every client needs credentials.
/// </summary>
public sealed class BrokerIdentities : IMqttClientAuthenticator
{
    /// <summary>The user name of this process's own clients.</summary>
    public const string InternalUser = "heatgrid-internal";

    private readonly UserDirectory? _users;
    private readonly byte[] _internalPassword;

    /// <param name="users">The users and keys; null where the host has none (only this process and anonymous clients then).</param>
    public BrokerIdentities(UserDirectory? users)
    {
        _users = users;
        InternalPassword = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        _internalPassword = Encoding.UTF8.GetBytes(InternalPassword);
    }

    /// <summary>The password of <see cref="InternalUser"/>, for this process's links to its broker only.</summary>
    public string InternalPassword { get; }

    /// <summary>
    /// Why the embedded broker must not listen on <paramref name="listen"/>, or null: without users it takes anonymous clients
    /// (sensor inputs), which is for loopback only, as the HTTP API is. A users file that cannot be read is the HTTP API's refusal.
    /// </summary>
    public static string? StartRefusal(System.Net.IPEndPoint listen, string dataFolder)
    {
        ArgumentNullException.ThrowIfNull(listen);
        var path = UsersFile.PathIn(dataFolder);
        var (users, _) = UsersFile.Read(path);
        if (users is null || users.Count > 0 || System.Net.IPAddress.IsLoopback(listen.Address))
        {
            return null;
        }

        return $"--mqtt-listen {listen}: the embedded MQTT broker would take anonymous clients from the network, and no users are in {path}. "
            + $"Add them first (heatgrid users add NAME --role ROLE --data {dataFolder}; clients connect with the user's name and key), "
            + "or listen on 127.0.0.1. Nothing was started.";
    }

    public MqttClientIdentity? Authenticate(string? userName, byte[]? password, out string refusal)
    {
        refusal = string.Empty;
        if (string.Equals(userName, InternalUser, StringComparison.Ordinal))
        {
            if (CryptographicOperations.FixedTimeEquals(_internalPassword, password ?? []))
            {
                return new MqttClientIdentity(InternalUser, MqttClientRole.Internal);
            }

            refusal = $"'{InternalUser}' is this process's own identity, and the password does not match";
            return null;
        }

        var users = _users?.Users ?? [];
        if (userName is null)
        {
            if (users.Count == 0)
            {
                return MqttClientIdentity.Anonymous;
            }

            refusal = "no credentials: give a user name and one of its API keys as the password (heatgrid users add NAME --role ROLE)";
            return null;
        }

        if (users.Count == 0 || _users is null)
        {
            refusal = $"user '{userName}' is unknown: there are no users (heatgrid users add {userName} --role ROLE)";
            return null;
        }

        var (user, why) = _users.Authenticate(Encoding.UTF8.GetString(password ?? []));
        if (user is null)
        {
            refusal = $"user '{userName}': {why}";
            return null;
        }

        if (!string.Equals(user.Name, userName, StringComparison.OrdinalIgnoreCase))
        {
            refusal = $"the key given for '{userName}' is a key of another user";
            return null;
        }

        MqttClientRole? role = user.Role switch
        {
            ApiRole.Admin or ApiRole.Operator => MqttClientRole.Operator,
            ApiRole.Integrator => MqttClientRole.Integrator,
            ApiRole.Viewer => MqttClientRole.Reader,
            ApiRole.Controller => MqttClientRole.Controller,
            ApiRole.Agent => MqttClientRole.Agent,
            _ => null,
        };
        if (role is not { } r)
        {
            refusal = $"user '{user.Name}' is a {user.Role.Name()}: its key is for the HTTP API only";
            return null;
        }

        return new MqttClientIdentity(user.Name, r);
    }
}
