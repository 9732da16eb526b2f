using Energy.Scheduler.Api;

namespace Energy.Scheduler.Tests.Books;

public sealed class LedgerApiTests
{
    [Theory]
    [InlineData(null, "2026-12-02T00:00:00Z", "give from and to")]
    [InlineData("yesterday", "2026-12-02T00:00:00Z", "ISO 8601")]
    [InlineData("2026-12-01T00:00:00", "2026-12-02T00:00:00Z", "ISO 8601")]
    [InlineData("2026-12-02T00:00:00Z", "2026-12-01T00:00:00Z", "must be after")]
    [InlineData("2024-01-01T00:00:00Z", "2026-01-01T00:00:00Z", "ask in parts")]
    public void Window_BadDates_ClearProblem(string? from, string? to, string problem)
    {
        Assert.Contains(problem, LedgerApi.Window(from, to).Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Window_InstantsWithOffsets_InUtc()
    {
        var (since, until, problem) = LedgerApi.Window("2026-12-01T01:00:00+01:00", "2026-12-02T00:00:00Z");
        Assert.Null(problem);
        Assert.Equal(new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero), since);
        Assert.Equal(TimeSpan.Zero, since.Offset);
        Assert.Equal(TimeSpan.FromDays(1), until - since);
    }
}
