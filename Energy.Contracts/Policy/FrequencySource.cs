namespace Energy.Contracts.Policy;

/// <summary>
/// Where agents take the grid frequency from. Only the configured source counts: a sample from anywhere
/// else is not acted on, so a broker account that may publish on the site's topics cannot shed the site
/// when the frequency comes from the meter.
/// </summary>
public enum FrequencySource
{
    /// <summary>The frequency signal when the site file maps it (a meter point, an MQTT <c>signals:</c> entry), else the agents' topic.</summary>
    Auto,

    /// <summary>The frequency signal as the site file maps it (the site meter polled over Modbus, or an MQTT <c>signals:</c> entry).</summary>
    Signal,

    /// <summary>The agents' <c>heatgrid/&lt;site&gt;/grid/frequency</c> topic (a frequency relay publishes there).</summary>
    Topic,
}
