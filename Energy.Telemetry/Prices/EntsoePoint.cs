namespace Energy.Telemetry.Prices;

/// <summary>One <c>Point</c> of a Period: its 1-based position, <c>price.amount</c> per MWh, and its line.</summary>
internal readonly record struct EntsoePoint(int Position, double Price, int Line);
