namespace Energy.Contracts.Configuration;

/// <summary>Thrown when a configuration file is invalid; carries every error found, not only the first.</summary>
public sealed class ConfigException : Exception
{
    public ConfigException(IReadOnlyList<ConfigError> errors)
        : base(Describe(errors)) => Errors = errors;

    public ConfigException()
        : this([])
    {
    }

    public ConfigException(string message)
        : base(message) => Errors = [];

    public ConfigException(string message, Exception innerException)
        : base(message, innerException) => Errors = [];

    public IReadOnlyList<ConfigError> Errors { get; }

    private static string Describe(IReadOnlyList<ConfigError> errors) => errors.Count switch
    {
        0 => "The configuration is invalid.",
        1 => errors[0].ToString(),
        _ => $"{errors.Count} configuration errors:{Environment.NewLine}" + string.Join(Environment.NewLine, errors),
    };
}
