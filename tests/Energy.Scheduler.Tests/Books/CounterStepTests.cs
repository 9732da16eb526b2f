using Energy.Scheduler.Books;

namespace Energy.Scheduler.Tests.Books;

public sealed class CounterStepTests
{
    [Fact]
    public void Between_Forward_TheDifference() => Assert.Equal(new CounterStep(2.5, false), CounterStep.Between(10, 12.5));

    [Fact]
    public void Between_BackToNearZero_AResetCountedFromTheNewValue() => Assert.Equal(new CounterStep(0.25, true), CounterStep.Between(20_000, 0.25));

    [Theory]
    [InlineData(0.5, 0.4999995)]                 // below 1 kWh: the absolute 1e-6 kWh
    [InlineData(20_000.0, 19_999.998046875)]     // one float32 step below 20,000 kWh (0.00195 kWh)
    public void Between_BackByARoundingStep_NoResetAndNoEnergy(double last, double now) =>
        Assert.Equal(new CounterStep(0, false), CounterStep.Between(last, now));

    [Fact]
    public void Between_BackByMoreThanRounding_AReset() => Assert.True(CounterStep.Between(20_000, 19_999.9).Reset);
}
