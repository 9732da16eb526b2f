namespace Energy.Scheduler.Books;

/// <summary>What a statement figure measures: how it is rounded and labelled when presented.</summary>
public enum StatementUnit
{
    /// <summary>The ledger's currency: rounded to cents when presented, never before.</summary>
    Money,

    Kwh,
    Hours,
    Minutes,
    Seconds,
    Percent,
    Celsius,
    Count,

    /// <summary>A word rather than a number (an energy basis).</summary>
    Text,
}
