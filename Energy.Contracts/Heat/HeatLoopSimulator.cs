using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Contracts.Heat;

/// <summary>
/// The physics of one heat loop for the demo and for tests: GPU heat is captured up to the heat
/// exchanger's limit and serves the consumer first, then charges the tank, and the rest goes to the
/// dry cooler; a deficit is served from the tank, then the boiler, and what is left is a shortfall.
/// </summary>
public sealed class HeatLoopSimulator
{
    private readonly HeatLoop _loop;

    public HeatLoopSimulator(HeatLoop loop, EnergyAmount? stored = null)
    {
        _loop = loop ?? throw new ArgumentNullException(nameof(loop));
        Stored = loop.Storage is { } tank
            ? (stored ?? tank.Initial).Clamp(EnergyAmount.Zero, tank.Capacity)
            : EnergyAmount.Zero;
    }

    public HeatLoop Loop => _loop;

    public EnergyAmount Stored { get; private set; }

    public HeatFlows Step(Power gpuPower, Power demand, TimeSpan dt)
    {
        if (dt <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(dt), dt, "A simulation step must move time forward.");
        }

        gpuPower = Power.Max(Power.Zero, gpuPower);
        demand = Power.Max(Power.Zero, demand);
        var start = Stored;

        var captured = Power.Min(gpuPower * _loop.CaptureFraction, _loop.MaxAbsorption);
        var toRoom = gpuPower - captured;
        var gpuToConsumer = Power.Min(captured, demand);
        var surplus = captured - gpuToConsumer;
        var deficit = demand - gpuToConsumer;

        var (toStorage, fromStorage, loss) = (Power.Zero, Power.Zero, Power.Zero);
        if (_loop.Storage is { } tank)
        {
            loss = (start * tank.LossFractionPerHour) / TimeSpan.FromHours(1);
            var room = Power.Max(Power.Zero, ((tank.Capacity - start) / dt) + loss);
            var available = Power.Max(Power.Zero, ((start - tank.Minimum) / dt) - loss);
            toStorage = Power.Min(surplus, Power.Min(tank.MaxCharge, room));
            fromStorage = Power.Min(deficit, Power.Min(tank.MaxDischarge, available));
            Stored = start + ((toStorage - fromStorage - loss) * dt);
        }

        var dumped = surplus - toStorage;
        var boiler = _loop.Boiler is { } b ? Power.Min(deficit - fromStorage, b.Capacity) : Power.Zero;
        var shortfall = deficit - fromStorage - boiler;

        // Standing losses must not eat the tank's reserve: the boiler tops it up with what it has left.
        var boilerToStorage = Power.Zero;
        if (_loop.Storage is { } reserve && _loop.Boiler is { } topUp && Stored < reserve.Minimum)
        {
            boilerToStorage = Power.Min((reserve.Minimum - Stored) / dt, Power.Min(topUp.Capacity - boiler, reserve.MaxCharge - toStorage));
            boilerToStorage = Power.Max(Power.Zero, boilerToStorage);
            Stored += boilerToStorage * dt;
        }

        return new HeatFlows(gpuPower, captured, toRoom, demand, gpuToConsumer, toStorage, fromStorage, loss, dumped,
            boiler, shortfall, boilerToStorage, start, Stored);
    }
}
