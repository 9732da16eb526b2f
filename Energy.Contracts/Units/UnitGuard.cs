namespace Energy.Contracts.Units;

/// <summary>The one place unit types reject values that are not numbers.</summary>
internal static class UnitGuard
{
    public static double Finite(double value, string unit)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, $"A quantity in {unit} must be a finite number, not {value}.");
        }

        return value;
    }
}
