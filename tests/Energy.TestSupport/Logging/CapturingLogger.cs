using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Energy.TestSupport.Logging;

/// <summary>A logger that keeps every entry, so that tests can assert what was logged and at which level.</summary>
/// <typeparam name="T">The category, as <see cref="ILogger{TCategoryName}"/> has it.</typeparam>
public sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyList<LogEntry> Entries => _entries.ToArray();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        _entries.Enqueue(new LogEntry(logLevel, eventId, formatter(state, exception), exception));
    }

    /// <summary>The entries with a given event id.</summary>
    public IReadOnlyList<LogEntry> WithEventId(int id) => Entries.Where(e => e.EventId.Id == id).ToList();
}
