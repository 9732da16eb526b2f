using System.Text.Json;
using System.Text.Json.Serialization;

namespace Energy.Scheduler.Api.Mqtt;

/// <summary>
/// Home Assistant MQTT discovery: one retained config message per sensor under
/// <c>homeassistant/sensor/&lt;object id&gt;/config</c>, so that an integrator's Home Assistant shows
/// HeatGrid's main sensors with no manual setup, unavailable while HeatGrid is offline.
/// </summary>
public static class HomeAssistantDiscovery
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>The sensors HeatGrid announces: id, name, unit, Home Assistant device class.</summary>
    public static IReadOnlyList<SensorSpec> Sensors(IEnumerable<string> workloads) =>
    [
        new("grid_import", "Grid import", "kW", "power"),
        new("spot_price", "Day-ahead price", "EUR/MWh", null),
        new("heat_demand", "Heat demand", "kW", "power"),
        new("heat_delivered", "Heat delivered", "kW", "power"),
        new("tank_stored", "Tank stored heat", "kWh", "energy_storage"),
        new("heat_dumped", "Heat dumped", "kW", "power"),
        new("boiler", "Backup boiler", "kW", "power"),
        .. workloads.Select(w => new SensorSpec("workload_" + Id(w), "GPU power " + w, "kW", "power")),
    ];

    public static string ConfigTopic(string site, SensorSpec sensor) => $"homeassistant/sensor/heatgrid_{Id(site)}_{sensor.Id}/config";

    public static string StateTopic(string site, SensorSpec sensor) => $"heatgrid/{site}/sensor/{sensor.Id}";

    public static byte[] Config(string site, SensorSpec sensor, string availabilityTopic, string? currency = null)
    {
        ArgumentNullException.ThrowIfNull(sensor);
        var config = new SensorConfig(
            Name: sensor.Name,
            UniqueId: $"heatgrid_{Id(site)}_{sensor.Id}",
            ObjectId: $"heatgrid_{Id(site)}_{sensor.Id}",
            StateTopic: StateTopic(site, sensor),
            UnitOfMeasurement: currency is null ? sensor.Unit : sensor.Unit.Replace("EUR", currency, StringComparison.Ordinal),
            DeviceClass: sensor.DeviceClass,
            StateClass: "measurement",
            AvailabilityTopic: availabilityTopic,
            PayloadAvailable: "online",
            PayloadNotAvailable: "offline",
            Device: new Device([$"heatgrid_{Id(site)}"], $"HeatGrid {site}", "HeatGrid", "heat-reuse orchestrator"));
        return JsonSerializer.SerializeToUtf8Bytes(config, Json);
    }

    /// <summary>Topic- and id-safe form of a name: lower case, letters, digits and underscores.</summary>
    public static string Id(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return string.Concat(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_'));
    }

    public sealed record SensorSpec(string Id, string Name, string Unit, string? DeviceClass);

    private sealed record SensorConfig(
        string Name,
        string UniqueId,
        string ObjectId,
        string StateTopic,
        string UnitOfMeasurement,
        string? DeviceClass,
        string StateClass,
        string AvailabilityTopic,
        string PayloadAvailable,
        string PayloadNotAvailable,
        Device Device);

    private sealed record Device(string[] Identifiers, string Name, string Manufacturer, string Model);
}
