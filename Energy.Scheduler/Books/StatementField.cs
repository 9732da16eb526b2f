namespace Energy.Scheduler.Books;

/// <summary>
/// One figure of a statement line, as every format presents it: <paramref name="Name"/> is the JSON field and
/// CSV column (camelCase, stable), <paramref name="Label"/> the Markdown heading.
/// </summary>
/// <param name="Name">Field name in JSON and CSV.</param>
/// <param name="Label">Heading in the Markdown statement.</param>
/// <param name="Unit">What it measures.</param>
/// <param name="Number">The unrounded value; null where there is none (no meter, no heat flowed).</param>
/// <param name="Text">The value of a <see cref="StatementUnit.Text"/> field.</param>
public readonly record struct StatementField(string Name, string Label, StatementUnit Unit, double? Number, string? Text = null);
