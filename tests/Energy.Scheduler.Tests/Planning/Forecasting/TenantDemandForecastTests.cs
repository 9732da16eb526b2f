using Energy.Contracts.Prices;
using Energy.Contracts.Readings;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;
using Energy.Scheduler.Planning.Forecasting;
using Energy.Telemetry.Signals;

namespace Energy.Scheduler.Tests.Planning.Forecasting;

public sealed class TenantDemandForecastTests
{
    // 09:00 CET: the profile wants 420 GPUs this hour, 460 from 10:00 (SLA 96, contract 640).
    private static readonly DateTimeOffset Now = new(2024, 2, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly Site _site = TestSites.Bathhouse();
    private readonly InferenceWorkload _acme;

    public TenantDemandForecastTests() => _acme = _site.Workloads.OfType<InferenceWorkload>().Single();

    [Fact]
    public void Forecast_NoReport_TheHourlyProfile()
    {
        var gpus = TenantDemandForecast.Forecast(_acme, Curve(8), _site.TimeZone, Now, reportedGpus: null);

        Assert.Equal(Enumerable.Range(0, 8).Select(i => _acme.DemandAt(Now.AddMinutes(15 * i), _site.TimeZone)), gpus);
    }

    [Fact]
    public void Forecast_Reported_CurrentSlotTakesItThenDecaysBackWithinAnHour()
    {
        var gpus = TenantDemandForecast.Forecast(_acme, Curve(4 * 6), _site.TimeZone, Now.AddMinutes(5), reportedGpus: 520);

        Assert.Equal(520, gpus[0]);
        Assert.Equal(420 + (int)Math.Round(100 * Math.Exp(-10 / 60.0)), gpus[1]);
        Assert.Equal(460 + (int)Math.Round(100 * Math.Exp(-55 / 60.0)), gpus[4]);
        Assert.Equal(_acme.DemandAt(Now.AddMinutes(15 * 23), _site.TimeZone), gpus[23]);   // hours on: the profile again
        Assert.True(gpus[1] > gpus[2] && gpus[2] > gpus[3], "the deviation shrinks slot by slot");
    }

    [Fact]
    public void Forecast_Reported_ClampedToTheSlaAndTheContract()
    {
        Assert.Equal(640, TenantDemandForecast.Forecast(_acme, Curve(1), _site.TimeZone, Now, reportedGpus: 5_000)[0]);
        Assert.Equal(96, TenantDemandForecast.Forecast(_acme, Curve(1), _site.TimeZone, Now, reportedGpus: 3)[0]);
    }

    [Fact]
    public void ForSite_ReportStale_TheProfile()
    {
        var signals = new SignalRegistry();
        signals.Publish(Reading.Good(SignalNames.TenantDemandGpus("acme-inference"), 520, Unit.Dimensionless, Now - TimeSpan.FromMinutes(5), "mqtt"));
        var fresh = Now.AddMinutes(4);
        var stale = Now.AddMinutes(6);

        Assert.Equal(520, TenantDemandForecast.ForSite(_site, Curve(1), fresh, (s, age) => signals.GoodValue(s, fresh, age))["acme-inference"][0]);
        Assert.Equal(420, TenantDemandForecast.ForSite(_site, Curve(1), stale, (s, age) => signals.GoodValue(s, stale, age))["acme-inference"][0]);
    }

    private PriceCurve Curve(int count) => new(Now, TimeSpan.FromMinutes(15), Enumerable.Repeat(EnergyPrice.PerMwh(50, _site.Currency), count).ToList());
}
