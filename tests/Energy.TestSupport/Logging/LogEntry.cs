using Microsoft.Extensions.Logging;

namespace Energy.TestSupport.Logging;

/// <summary>One entry a <see cref="CapturingLogger{T}"/> kept.</summary>
public sealed record LogEntry(LogLevel Level, EventId EventId, string Message, Exception? Exception);
