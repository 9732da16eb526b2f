using Microsoft.Extensions.Logging;

namespace Energy.Gpu.Workloads;

/// <summary>
/// Passes on only entries at or above a level. A mining load searches every 25 ms; the search's
/// per-search and per-share Information lines would flood the log, its warnings must not be lost.
/// </summary>
internal sealed class MinimumLevelLogger<T>(ILogger inner, LogLevel minimum) : ILogger<T>
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (IsEnabled(logLevel))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
        }
    }
}
