namespace Energy.IntegrationTests.Support;

/// <summary>
/// Tests that start <c>heatgrid run</c> on the built-in demo site, whose simulated Modbus devices listen on
/// the fixed ports 15020–15022: one at a time, or two of them race for the ports.
/// </summary>
[CollectionDefinition(Name)]
public sealed class DemoPorts
{
    public const string Name = "built-in demo's fixed Modbus ports";
}
