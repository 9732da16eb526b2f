using YamlDotNet.Core;

namespace Energy.Contracts.Configuration;

/// <summary>Collects errors of one file so that a user sees all of them in one go.</summary>
internal sealed class ConfigErrorList(string file)
{
    private readonly List<ConfigError> _errors = [];

    public string File { get; } = file;

    public IReadOnlyList<ConfigError> Errors => _errors;

    public int Count => _errors.Count;

    public void Add(Mark at, string field, string message) =>
        _errors.Add(new ConfigError(File, (int)Math.Max(1, at.Line), (int)Math.Max(1, at.Column), field, message));
}
