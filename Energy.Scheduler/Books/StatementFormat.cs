namespace Energy.Scheduler.Books;

/// <summary>How a statement is written: JSON, CSV (one file, a <c>level</c> column) or a Markdown statement to read.</summary>
public enum StatementFormat
{
    Json,
    Csv,
    Md,
}
