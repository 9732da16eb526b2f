using System.Text.Json;
using Energy.Scheduler.Api.Mqtt;

namespace Energy.Scheduler.Tests.Api.Mqtt;

public sealed class HomeAssistantDiscoveryTests
{
    [Fact]
    public void Config_GridImport_IsAPowerSensorWithAvailabilityAndDevice()
    {
        var sensor = HomeAssistantDiscovery.Sensors(["acme-inference"]).Single(s => s.Id == "grid_import");

        using var json = JsonDocument.Parse(HomeAssistantDiscovery.Config("bathhouse", sensor, "heatgrid/bathhouse/status"));
        var root = json.RootElement;

        Assert.Equal("homeassistant/sensor/heatgrid_bathhouse_grid_import/config", HomeAssistantDiscovery.ConfigTopic("bathhouse", sensor));
        Assert.Equal("heatgrid_bathhouse_grid_import", root.GetProperty("unique_id").GetString());
        Assert.Equal("heatgrid/bathhouse/sensor/grid_import", root.GetProperty("state_topic").GetString());
        Assert.Equal("kW", root.GetProperty("unit_of_measurement").GetString());
        Assert.Equal("power", root.GetProperty("device_class").GetString());
        Assert.Equal("measurement", root.GetProperty("state_class").GetString());
        Assert.Equal("heatgrid/bathhouse/status", root.GetProperty("availability_topic").GetString());
        Assert.Equal("heatgrid_bathhouse", root.GetProperty("device").GetProperty("identifiers")[0].GetString());
    }

    [Fact]
    public void Sensors_OnePerWorkload_WithTopicSafeIds()
    {
        var ids = HomeAssistantDiscovery.Sensors(["acme-inference", "Mining Pool"]).Select(s => s.Id).ToList();

        Assert.Contains("workload_acme_inference", ids);
        Assert.Contains("workload_mining_pool", ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Config_PriceSensor_HasNoDeviceClassAndTheSiteCurrency()
    {
        var price = HomeAssistantDiscovery.Sensors([]).Single(s => s.Id == "spot_price");

        using var json = JsonDocument.Parse(HomeAssistantDiscovery.Config("dh", price, "heatgrid/dh/status", "SEK"));

        Assert.False(json.RootElement.TryGetProperty("device_class", out _));
        Assert.Equal("SEK/MWh", json.RootElement.GetProperty("unit_of_measurement").GetString());
    }
}
