using System.Reflection;
using System.Text.RegularExpressions;
using Energy.TestSupport;

namespace Energy.Scheduler.Tests.Architecture;

/// <summary>
/// Energy.Scheduler's folders are its roles, and each may lean only on those below it:
/// <c>Planning</c> (the planners, pure, and the planning service) and <c>Backtesting</c> stand alone;
/// <c>Controller</c> (fleet, sequencer, dispatch, control loop) plans with <c>Planning</c>'s output;
/// <c>NodeAgent</c> runs GPUs for a controller; <c>Plant</c> (the demo's world) observes the GPUs through
/// the controller's agent link as a meter would; <c>Api</c> shows them; <c>Hosting</c> composes them;
/// <c>Cli</c> and its benchmarks use anything. Checked twice: over the types the compiled classes name in
/// their signatures, and over every source file's <c>using</c> directives and qualified names.
/// </summary>
public sealed partial class RoleDependencyTests
{
    private const string Root = "Energy.Scheduler";

    private static readonly Dictionary<string, string[]> Forbidden = new(StringComparer.Ordinal)
    {
        ["Planning"] = ["Controller", "NodeAgent", "Plant", "Backtesting", "Api", "Cli", "Hosting"],
        ["Backtesting"] = ["Controller", "NodeAgent", "Plant", "Api", "Cli", "Hosting"],
        ["Controller"] = ["NodeAgent", "Plant", "Backtesting", "Api", "Cli", "Hosting"],
        ["NodeAgent"] = ["Planning", "Plant", "Backtesting", "Api", "Cli", "Hosting"],
        ["Plant"] = ["Planning", "NodeAgent", "Backtesting", "Api", "Cli", "Hosting"],
        ["Api"] = ["NodeAgent", "Backtesting", "Cli", "Hosting"],
        ["Hosting"] = ["Cli"],
        ["Audit"] = ["Planning", "Controller", "NodeAgent", "Plant", "Backtesting", "Api", "Cli", "Hosting"],
        ["Dashboard"] = ["NodeAgent", "Plant", "Backtesting", "Cli", "Hosting"],
    };

    /// <summary>The optimizers are pure: the site, the input, numbers out. No I/O, no host, no clock.</summary>
    private static readonly string[] Optimizers = ["Planning.Lp", "Planning.MeritOrder"];

    private static readonly string[] ImpureForOptimizers = ["Energy.Telemetry", "Energy.Gpu", "Microsoft.Extensions", "Microsoft.AspNetCore", "System.IO", "System.Net"];

    [Fact]
    public void EveryRoleFolder_Exists()
    {
        foreach (var role in Forbidden.Keys.Concat(["Cli"]))
        {
            Assert.True(Directory.Exists(Path.Combine(RepoPaths.Root, Root, role)), $"{Root}/{role} is missing");
        }
    }

    [Fact]
    public void CompiledTypes_NameNoTypeOfARoleTheirRoleMayNotUse()
    {
        var violations = new List<string>();
        foreach (var type in typeof(Scheduler.Planning.IPlanner).Assembly.GetTypes())
        {
            if (RoleOf(type.Namespace) is not { } role || !Forbidden.TryGetValue(role, out var forbidden))
            {
                continue;
            }

            foreach (var used in SignatureTypes(type).Distinct())
            {
                if (RoleOf(used.Namespace) is { } usedRole && forbidden.Contains(usedRole))
                {
                    violations.Add($"{type.FullName} ({role}) uses {used.FullName} ({usedRole})");
                }
            }
        }

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public void SourceFiles_UseNoNamespaceTheirRoleMayNotUse()
    {
        var violations = new List<string>();
        foreach (var (file, role, text) in SourceFiles())
        {
            foreach (var ns in NamespacesNamed(text))
            {
                if (RoleOf(ns) is { } usedRole && Forbidden.TryGetValue(role, out var forbidden) && forbidden.Contains(usedRole))
                {
                    violations.Add($"{file} ({role}) uses {ns} ({usedRole})");
                }
            }
        }

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public void Optimizers_ArePure()
    {
        var violations = new List<string>();
        foreach (var (file, _, text) in SourceFiles())
        {
            var ns = FileNamespace().Match(text).Groups[1].Value;
            if (!Optimizers.Any(o => ns == $"{Root}.{o}"))
            {
                continue;
            }

            foreach (Match using_ in UsingDirective().Matches(text))
            {
                var used = using_.Groups[1].Value;
                if (ImpureForOptimizers.Any(p => used == p || used.StartsWith(p + ".", StringComparison.Ordinal))
                    || (RoleOf(used) is { } usedRole && usedRole != "Planning")
                    || used == $"{Root}.Planning.Forecasting")
                {
                    violations.Add($"{file} uses {used}");
                }
            }
        }

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public void Checker_FindsAForbiddenUse()
    {
        // The scan must see what it is meant to catch: a planner file that used the controller.
        var text = "using Energy.Scheduler.Controller.Agents;\nnamespace Energy.Scheduler.Planning.Lp;\nclass X { Energy.Scheduler.Plant.DemoWorld? W; }";

        var roles = NamespacesNamed(text).Select(RoleOf).ToList();

        Assert.Contains("Controller", roles);
        Assert.Contains("Plant", roles);
    }

    /// <summary>The role a namespace of Energy.Scheduler belongs to: its first part after the root; null outside it or at the root.</summary>
    private static string? RoleOf(string? ns)
    {
        if (ns is null || !ns.StartsWith(Root + ".", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = ns[(Root.Length + 1)..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? rest : rest[..dot];
    }

    private static IEnumerable<Type> SignatureTypes(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var named = new List<Type>();
        if (type.BaseType is { } b)
        {
            named.Add(b);
        }

        named.AddRange(type.GetInterfaces());
        named.AddRange(type.GetFields(All).Select(f => f.FieldType));
        named.AddRange(type.GetProperties(All).Select(p => p.PropertyType));
        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            named.AddRange(method.GetParameters().Select(p => p.ParameterType));
            if (method is MethodInfo m)
            {
                named.Add(m.ReturnType);
            }
        }

        return named.SelectMany(Unwrap);
    }

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (type.HasElementType)
        {
            foreach (var t in Unwrap(type.GetElementType()!))
            {
                yield return t;
            }

            yield break;
        }

        yield return type;
        if (type.IsGenericType)
        {
            foreach (var t in type.GetGenericArguments().SelectMany(Unwrap))
            {
                yield return t;
            }
        }
    }

    private static IEnumerable<(string File, string Role, string Text)> SourceFiles()
    {
        var root = Path.Combine(RepoPaths.Root, Root);
        foreach (var file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(root, file).Replace('\\', '/');
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal) || !relative.Contains('/', StringComparison.Ordinal))
            {
                continue;
            }

            yield return (relative, relative[..relative.IndexOf('/', StringComparison.Ordinal)], File.ReadAllText(file));
        }
    }

    /// <summary>Every Energy.Scheduler namespace a source file names: in using directives and in qualified names.</summary>
    private static IEnumerable<string> NamespacesNamed(string text)
    {
        foreach (Match m in UsingDirective().Matches(text))
        {
            yield return m.Groups[1].Value;
        }

        foreach (Match m in QualifiedName().Matches(text))
        {
            yield return m.Groups[1].Value;
        }
    }

    [GeneratedRegex(@"^using (?:static )?([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex UsingDirective();

    [GeneratedRegex(@"^namespace ([\w.]+);", RegexOptions.Multiline)]
    private static partial Regex FileNamespace();

    [GeneratedRegex(@"(?<![\w.])(Energy\.Scheduler\.[A-Z]\w*)\.")]
    private static partial Regex QualifiedName();
}
