using System.CommandLine;
using Energy.Scheduler.Audit;
using Energy.Scheduler.Security;
using Microsoft.Extensions.Logging.Abstractions;

namespace Energy.Scheduler.Cli;

/// <summary>
/// <c>heatgrid users add|key|list|remove|revoke [--data FOLDER]</c>: the HTTP API's users and their keys in
/// <c>DATA/users.json</c>; with <c>--ha postgres://USER@HOST:PORT/DB --site NAME</c>, in the database the site's
/// controllers share (<see cref="Ha.PgUserRecords"/>). A key is printed once, on stdout, and kept only as a hash; a
/// running service reads the file again when it changes, a controller with <c>--ha</c> the database every 2 s.
/// </summary>
internal static class UsersCommand
{
    public static Command Create()
    {
        var command = new Command("users", "The HTTP API's users, roles and API keys (DATA/users.json).");

        var name = new Argument<string>("NAME") { Description = "The user's name (letters, digits, '.', '_', '-', '@')." };
        var role = new Option<string>("--role") { Description = $"One of {string.Join(", ", ApiRoles.Names)}.", Required = true };
        var tenant = new Option<string?>("--tenant") { Description = "For --role tenant: the tenant it may see, as the site file's tenant: of its inference workload." };
        command.Subcommands.Add(Verb(new Command("add", "Add a user and print its first API key (shown once).") { name, role, tenant },
            (r, data, o, e, shared) => Add(data, r.GetRequiredValue(name), r.GetRequiredValue(role), r.GetValue(tenant), o, e, shared)));

        var keyName = new Argument<string>("NAME") { Description = "The user to give another key." };
        command.Subcommands.Add(Verb(new Command("key", "Print a new API key for a user (shown once); its other keys stay valid.") { keyName },
            (r, data, o, e, shared) => Key(data, r.GetRequiredValue(keyName), o, e, shared)));

        command.Subcommands.Add(Verb(new Command("list", "List the users, their roles and their keys' ids (never a key)."), (_, data, o, e, shared) => List(data, o, e, shared)));

        var removeName = new Argument<string>("NAME") { Description = "The user to remove, with all its keys." };
        command.Subcommands.Add(Verb(new Command("remove", "Remove a user and all its keys.") { removeName },
            (r, data, o, e, shared) => Remove(data, r.GetRequiredValue(removeName), o, e, shared)));

        var keyId = new Argument<string>("KEYID") { Description = "The key's id (the part after hg_, as 'users list' shows it)." };
        command.Subcommands.Add(Verb(new Command("revoke", "Revoke one key.") { keyId }, (r, data, o, e, shared) => Revoke(data, r.GetRequiredValue(keyId), o, e, shared)));
        return command;
    }

    public static int Add(string data, string name, string role, string? tenant, TextWriter stdout, TextWriter stderr, Ha.HaDatabase? shared = null) => Change(data, shared, stderr, store =>
    {
        var key = store.Add(name, role, tenant);
        stdout.WriteLine(key.Text);
        stderr.WriteLine($"user '{name}' added to {store.Where}; this is its key, shown only now: give it as 'Authorization: Bearer KEY' or 'X-Api-Key: KEY'");
        var user = store.Users.Single(u => u.Name == name);
        return new("users.add", null, Shown(user), "a user added with 'heatgrid users add'");
    });

    public static int Key(string data, string name, TextWriter stdout, TextWriter stderr, Ha.HaDatabase? shared = null) => Change(data, shared, stderr, store =>
    {
        var before = Shown(store.Users.FirstOrDefault(u => string.Equals(u.Name, name, StringComparison.OrdinalIgnoreCase)));
        var key = store.NewKey(name);
        stdout.WriteLine(key.Text);
        stderr.WriteLine($"new key {key.Id} for '{name}', shown only now; revoke an old one with 'heatgrid users revoke KEYID'");
        return new("users.key", before, Shown(store.Users.Single(u => u.Keys.Any(k => k.Id == key.Id))), $"key {key.Id} made with 'heatgrid users key'");
    });

    public static int List(string data, TextWriter stdout, TextWriter stderr, Ha.HaDatabase? shared = null) => Change(data, shared, stderr, store =>
    {
        if (store.Users.Count == 0)
        {
            stdout.WriteLine($"{store.Where}: no users (the HTTP API is open on loopback only; heatgrid users add NAME --role admin)");
        }

        foreach (var user in store.Users)
        {
            var keys = user.Keys.Count == 0 ? "no keys" : string.Join(", ", user.Keys.Select(k => $"{k.Id} ({k.Created:yyyy-MM-dd HH:mm}Z)"));
            stdout.WriteLine($"{user.Name}\t{user.Role.Name()}{(user.Tenant is { } t ? $" of '{t}'" : string.Empty)}\t{keys}");
        }

        return null;
    });

    public static int Remove(string data, string name, TextWriter stdout, TextWriter stderr, Ha.HaDatabase? shared = null) => Change(data, shared, stderr, store =>
    {
        var user = store.Remove(name);
        stdout.WriteLine($"removed user '{user.Name}' and its {user.Keys.Count} keys");
        return new("users.remove", Shown(user), null, "a user removed with 'heatgrid users remove'");
    });

    public static int Revoke(string data, string keyId, TextWriter stdout, TextWriter stderr, Ha.HaDatabase? shared = null) => Change(data, shared, stderr, store =>
    {
        var before = store.Users.ToList();
        var user = store.Revoke(keyId);
        stdout.WriteLine($"revoked a key of '{user.Name}'; {user.Keys.Count} keys left");
        return new("users.revoke", Shown(before.First(u => u.Name == user.Name)), Shown(user), "a key revoked with 'heatgrid users revoke'");
    });

    private static Command Verb(Command command, Func<ParseResult, string, TextWriter, TextWriter, Ha.HaDatabase?, int> run)
    {
        var data = new Option<string>("--data") { Description = "Data folder of the service (its users file and audit trail; with --ha both are in the database).", DefaultValueFactory = _ => RunCommand.DefaultData };
        var ha = new Option<string?>("--ha") { Description = $"The users of 'heatgrid controller --ha' instead: the shared PostgreSQL database, postgres://USER@HOST:PORT/DATABASE; the password from ${Ha.HaOptions.PasswordVariable}." };
        var site = new Option<string?>("--site") { Description = "With --ha: the site whose users these are (its name, or its site file)." };
        command.Options.Add(data);
        command.Options.Add(ha);
        command.Options.Add(site);
        command.SetAction(async (r, cancellationToken) =>
        {
            if (r.GetValue(ha) is not { } uri)
            {
                return r.GetValue(site) is null
                    ? run(r, r.GetRequiredValue(data), Console.Out, Console.Error, null)
                    : Refuse("--site: only with --ha (without it the users are in the data folder's users.json)");
            }

            await using var shared = await SharedAsync(uri, r.GetValue(site), cancellationToken);
            return shared is null ? 2 : run(r, r.GetRequiredValue(data), Console.Out, Console.Error, shared);
        });
        return command;
    }

    private static int Refuse(string problem)
    {
        Console.Error.WriteLine(problem);
        return 2;
    }

    /// <summary>The shared database of <c>--ha</c> for <paramref name="site"/>, reached and migrated (as a controller starting would); null with the error printed.</summary>
    private static async Task<Ha.HaDatabase?> SharedAsync(string uri, string? site, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(site))
        {
            Refuse("--ha: give --site NAME too (the site's name, as its site file's name:, or the site file): one database may hold several sites");
            return null;
        }

        if (File.Exists(site))
        {
            if (await CliInputs.SiteOrErrorsAsync(Energy.Contracts.Configuration.SiteFile.Load(site)) is not { } loaded)
            {
                return null;
            }

            site = loaded.Name;
        }

        if (CliInputs.HaOptionsOrError(uri, passwordFile: null, out var problem) is not { } options)
        {
            Refuse(problem!);
            return null;
        }

        var (database, failed) = await CliInputs.MigratedHaDatabaseAsync(options with { Name = $"heatgrid users on {Environment.MachineName}" }, site.Trim(),
            NullLogger.Instance, cancellationToken);
        if (failed is not null)
        {
            Refuse(failed);
        }

        return database;
    }

    /// <summary>
    /// Runs one verb on the users file (or, given <paramref name="shared"/>, the shared database's users); a change is an
    /// audit entry in the data folder (beside a running service's: <see cref="AuditLog"/> continues its chain across processes), or with
    /// <paramref name="shared"/> in the site's trail in the shared database (<see cref="Ha.PgAuditTrail"/>). Who: the operating-system user that
    /// ran the verb, from this host; what: the user's name, role, tenant and key ids, never a key or its hash.
    /// </summary>
    private static int Change(string data, Ha.HaDatabase? shared, TextWriter stderr, Func<UserStore, UsersChange?> change)
    {
        var folder = Path.GetFullPath(data);
        UsersChange? made;
        try
        {
            made = change(shared is null ? UserStore.Open(folder, TimeProvider.System) : UserStore.Open(new Ha.PgUserRecords(shared), TimeProvider.System));
        }
        catch (UserStoreException e)
        {
            stderr.WriteLine(e.Message);
            return 2;
        }

        if (made is null)
        {
            return 0;
        }

        var actor = new AuditActor(Environment.UserName, "local", $"heatgrid users on {Environment.MachineName}");
        if (shared is not null)
        {
            // The site's one trail, in the database beside the users: what the controllers' /api/audit shows.
            using var trail = new Ha.PgAuditTrail(shared, TimeProvider.System, NullLogger<Ha.PgAuditTrail>.Instance);
            if (trail.Record(actor, made.What, made.Before, made.After, made.Why) is null)
            {
                stderr.WriteLine($"the change is made, but its audit entry could not be written to {trail.Where}: check the database");
                return 1;
            }

            return 0;
        }

        var audit = new AuditLog(folder, TimeProvider.System, NullLogger<AuditLog>.Instance);
        if (audit.Record(actor, made.What, made.Before, made.After, made.Why) is null)
        {
            stderr.WriteLine($"the change is made, but its audit entry could not be written to {audit.FilePath}: check that the data folder is writable");
            return 1;
        }

        return 0;
    }

    /// <summary>A user as the audit trail shows it: no key or hash, only the keys' ids.</summary>
    private static object? Shown(ApiUser? user) => user is null ? null : new
    {
        user.Name,
        role = user.Role.Name(),
        user.Tenant,
        keys = user.Keys.Select(k => k.Id).ToArray(),
    };

    private sealed record UsersChange(string What, object? Before, object? After, string Why);
}
