using Energy.Contracts.Devices;
using Energy.Contracts.Signals;
using Energy.Contracts.Sites;

namespace Energy.Contracts.Configuration;

internal sealed partial class SiteFileReader
{
    private MeterSettings? _meter;

    /// <summary>
    /// The site meter: <c>grid.meterSignal</c> (default <see cref="GridMeter.DefaultSignal"/>; <c>none</c> for no
    /// meter) when a device point or an MQTT signal feeds it. A meter signal named explicitly that nothing
    /// feeds is an error; the default one that nothing feeds means the site has no meter.
    /// </summary>
    private GridConnection? WithMeter(GridConnection? grid, IReadOnlyList<ModbusDevice> devices, IReadOnlyList<TopicSignal> signals)
    {
        if (grid is null || _meter is not { } settings)
        {
            return grid;
        }

        if (string.Equals(settings.Signal, "none", StringComparison.OrdinalIgnoreCase))
        {
            return grid;
        }

        var signal = settings.Signal ?? GridMeter.DefaultSignal;
        var device = devices.FirstOrDefault(d => d.Points.Any(p => p.Signal == signal));
        var topic = signals.FirstOrDefault(t => t.Signal == signal);
        if (device is null && topic is null)
        {
            if (settings.Signal is not null)
            {
                settings.Section.ErrorAt("meterSignal", $"no device point or MQTT signal feeds '{signal}'; map the site meter's import there, or write 'none'");
            }

            return grid;
        }

        var staleAfter = settings.StaleAfter
            ?? (device is not null ? device.PollPeriod * 3 : topic!.MaxAge > TimeSpan.Zero ? topic.MaxAge : GridMeter.DefaultStaleAfter);
        return grid with
        {
            Meter = new GridMeter(signal, staleAfter, (settings.CapMarginPercent ?? GridMeter.DefaultCapMargin * 100) / 100,
                (settings.LossMarginPercent ?? GridMeter.DefaultLossMargin * 100) / 100),
        };
    }

    private sealed record MeterSettings(YamlSection Section, string? Signal, double? CapMarginPercent, double? LossMarginPercent, TimeSpan? StaleAfter);
}
