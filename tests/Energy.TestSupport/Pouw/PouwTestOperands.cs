namespace Energy.TestSupport.Pouw;

/// <summary>Seeded int8 operands for PoUW tests: the same values for the same seed in every test project.</summary>
public static class PouwTestOperands
{
    /// <summary>rows×k values in −100…100 from <c>new Random(seed)</c>: inside the operand range of ranks up to 27 (rank 8 leaves −120…119).</summary>
    public static sbyte[] Matrix(int seed, int rows, int k)
    {
        var random = new Random(seed);
        var values = new sbyte[rows * k];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (sbyte)random.Next(-100, 101);
        }

        return values;
    }
}
