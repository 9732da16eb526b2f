using Energy.Contracts.Prices;
using Energy.Contracts.Time;

namespace Energy.Telemetry.Prices;

/// <summary>
/// What could have been known: day-ahead prices for local market day D become known at
/// <see cref="PublicationTime"/> market time on D−1 (SDAC: order books close at 12:00 CET and the
/// results follow within the hour; set a later time to be conservative). Asked at "now" from the
/// <see cref="TimeProvider"/>, this answers only slots of days already published, so backtests
/// see what the live run would have seen, and the live run never relies on an unpublished price.
/// </summary>
public sealed class PublishedPriceSource : IPriceSource
{
    private readonly IPriceSource _inner;
    private readonly TimeProvider _timeProvider;

    /// <param name="inner">All prices, known or not yet (a <see cref="FilePriceSource"/> over an archive).</param>
    /// <param name="marketZone">The market's (the site's) time zone: days are local days, 23 or 25 hours on DST changes.</param>
    /// <param name="timeProvider">The clock: the real one live, a simulated one in a backtest.</param>
    /// <param name="publicationTime">Local time on D−1 from which day D is known; 12:00 by default.</param>
    public PublishedPriceSource(IPriceSource inner, TimeZoneInfo marketZone, TimeProvider timeProvider, TimeOnly? publicationTime = null)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(marketZone);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _inner = inner;
        _timeProvider = timeProvider;
        MarketZone = marketZone;
        PublicationTime = publicationTime ?? DefaultPublicationTime;
    }

    public static TimeOnly DefaultPublicationTime { get; } = new(12, 0);

    public string Name => $"{_inner.Name} (as published at {PublicationTime:HH\\:mm} {MarketZone.Id} the day before)";

    public TimeZoneInfo MarketZone { get; }

    public TimeOnly PublicationTime { get; }

    /// <summary>The end of the last local day whose prices are published at <paramref name="now"/>.</summary>
    public DateTimeOffset PublishedUntil(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, MarketZone).DateTime;
        var today = DateOnly.FromDateTime(local);
        var lastPublished = TimeOnly.FromDateTime(local) >= PublicationTime ? today.AddDays(1) : today;
        return MarketCalendar.StartOfLocalDay(lastPublished.AddDays(1), MarketZone);
    }

    public async ValueTask<PriceCurve> GetPricesAsync(DateTimeOffset start, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var published = PublishedUntil(_timeProvider.GetUtcNow());
        var end = until < published ? until : published;
        var curve = await _inner.GetPricesAsync(start, end > start ? end : start, cancellationToken);

        // A source may round its end up to whole slots; a slot belongs to the day it starts in.
        var known = 0;
        while (known < curve.Prices.Count && curve.SlotStart(known) < published)
        {
            known++;
        }

        return known == curve.Prices.Count ? curve : curve with { Prices = curve.Prices.Take(known).ToArray() };
    }
}
