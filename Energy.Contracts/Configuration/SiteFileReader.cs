using Energy.Contracts.Policy;
using Energy.Contracts.Sites;
using Energy.Contracts.Units;

namespace Energy.Contracts.Configuration;

/// <summary>Turns the YAML of a site file into the domain model, section by section.</summary>
internal sealed partial class SiteFileReader
{
    private static readonly Dictionary<string, ShedStep> ShedSteps = new(StringComparer.OrdinalIgnoreCase)
    {
        ["mining"] = ShedStep.Mining,
        ["heater"] = ShedStep.Heater,
        ["inferenceAboveSla"] = ShedStep.InferenceAboveSla,
        ["inferenceSla"] = ShedStep.InferenceSla,
    };

    private static readonly Dictionary<string, FrequencySource> FrequencySources = new(StringComparer.OrdinalIgnoreCase)
    {
        ["auto"] = FrequencySource.Auto,
        ["signal"] = FrequencySource.Signal,
        ["topic"] = FrequencySource.Topic,
    };

    private static readonly Dictionary<string, SafeState> SafeStates = new(StringComparer.OrdinalIgnoreCase)
    {
        ["idle"] = SafeState.Idle,
        ["minimumPower"] = SafeState.MinimumPower,
    };

    /// <summary>Where each model object came from, to place cross-reference errors on the right line.</summary>
    private readonly Dictionary<object, YamlSection> _origins = new(ReferenceEqualityComparer.Instance);

    private Currency _currency = Currency.Eur;

    public Site? Read(YamlSection root)
    {
        var header = root.Section("site");
        var name = header?.String("name");
        var zone = header is null ? null : TimeZone(header);
        _currency = header?.String("currency", required: false) is { } code
            ? Currency.TryParse(code, out var c) ? c : ErrorCurrency(header, code)
            : Currency.Eur;
        header?.Complete();

        var grid = Grid(root.Section("grid"));
        var loops = HeatLoops(root.Sections("heatLoops", required: false) ?? []);
        var pools = Pools(root.Sections("pools") ?? []);
        var workloads = Workloads(root.Sections("workloads") ?? []);
        var policy = Policy(root.Section("policy", required: false));
        var devices = Devices(root.Sections("devices", required: false) ?? []);
        var signals = TopicSignals(root.Sections("signals", required: false) ?? []);
        var priceLimits = Market(root.Section("market", required: false));
        grid = WithMeter(grid, devices, signals);
        var demo = Demo(root, devices);
        CheckFrequencySource(policy, devices, signals);

        // Sections later issues add (device maps, MQTT signals) are read by their own readers.
        root.Allow(ExtensionSections);
        root.Complete();

        CheckReferences(root, pools, workloads);
        if (pools.Sum(p => (long)p.Count) is var gpus and > SiteFileLimits.MaxGpus)
        {
            root.ErrorAt("pools", $"the pools hold {gpus:N0} GPUs together; a site may have at most {SiteFileLimits.MaxGpus:N0}");
        }

        if (name is null || zone is null || grid is null || policy is null)
        {
            return null;
        }

        var site = new Site
        {
            Name = name,
            TimeZone = zone,
            Currency = _currency,
            Grid = grid,
            Pools = pools,
            HeatLoops = loops,
            Workloads = workloads,
            Policy = policy,
            Devices = devices,
            TopicSignals = signals,
            PriceLimits = priceLimits,
            Demo = demo,
        };
        return site;
    }

    /// <summary>Top-level sections that later parts read.</summary>
    internal static string[] ExtensionSections { get; } = ["mqtt"];

    /// <summary>
    /// The optional top-level <c>demo</c>: <c>true</c> runs the whole demo world, <c>false</c> nothing simulated;
    /// left out, only the devices marked <c>simulate</c> are. <c>false</c> beside such devices is a contradiction.
    /// </summary>
    private static bool? Demo(YamlSection root, List<Energy.Contracts.Devices.ModbusDevice> devices)
    {
        var demo = root.Boolean("demo", required: false);
        var simulated = devices.Where(d => d.Simulate is not null).Select(d => d.Name).ToList();
        if (demo == false && simulated.Count > 0)
        {
            root.ErrorAt("demo", $"demo: false says nothing is simulated, but {string.Join(", ", simulated)} {(simulated.Count == 1 ? "is" : "are")} marked "
                + "simulate: remove `simulate` and point the endpoint at the real device, or leave demo out");
        }

        return demo;
    }

    private static Currency ErrorCurrency(YamlSection header, string code)
    {
        header.ErrorAt("currency", $"expected a three-letter currency code such as EUR or USD, got '{code}'");
        return Currency.Eur;
    }

    private static TimeZoneInfo? TimeZone(YamlSection header)
    {
        var id = header.String("timeZone");
        if (id is null)
        {
            return null;
        }

        if (TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone))
        {
            return zone;
        }

        header.ErrorAt("timeZone", $"unknown time zone '{id}'; use an IANA name such as Europe/Berlin or America/Chicago");
        return null;
    }

    private GridConnection? Grid(YamlSection? grid)
    {
        if (grid is null)
        {
            return null;
        }

        var cap = grid.Number("importCapKw", "kW", min: 0.001, max: SiteFileLimits.MaxKw);
        var baseLoad = grid.Number("baseLoadKw", "kW", required: false, min: 0, max: SiteFileLimits.MaxKw) ?? 0;
        var fee = grid.Number("networkFeePerMwh", $"{_currency}/MWh", required: false) ?? 0;
        var taxes = grid.Number("taxesPerMwh", $"{_currency}/MWh", required: false) ?? 0;
        _meter = new MeterSettings(grid, grid.String("meterSignal", required: false),
            grid.Number("capMarginPercent", "%", required: false, min: 0, max: 50),
            grid.Number("meterLossMarginPercent", "%", required: false, min: 0, max: 100),
            grid.Duration("meterStaleAfter", required: false));
        if (cap is not null && baseLoad >= cap)
        {
            grid.ErrorAt("baseLoadKw", $"the base load ({baseLoad} kW) leaves nothing under the import cap ({cap} kW)");
        }

        grid.Complete();
        return cap is null
            ? null
            : new GridConnection(
                Power.FromKilowatts(cap.Value),
                Power.FromKilowatts(baseLoad),
                new GridTariff(EnergyPrice.PerMwh(fee, _currency), EnergyPrice.PerMwh(taxes, _currency)));
    }

    /// <summary>A policy section on its own (<see cref="PolicySection"/>): the same reading as in a site file.</summary>
    internal static OperatorPolicy? ReadPolicy(YamlSection policy, Currency currency) => new SiteFileReader { _currency = currency }.Policy(policy);

    private OperatorPolicy? Policy(YamlSection? policy)
    {
        if (policy is null)
        {
            return new OperatorPolicy(OperatorPolicy.DefaultShedOrder, null, null, TimeSpan.FromMinutes(15), SafeState.Idle);
        }

        var shedOrder = policy.Choices("shedOrder", ShedSteps, required: false) ?? OperatorPolicy.DefaultShedOrder;
        if (shedOrder.Distinct().Count() != shedOrder.Count)
        {
            policy.ErrorAt("shedOrder", "each step may appear once");
        }

        var maxPrice = policy.Number("maxImportPricePerMwh", $"{_currency}/MWh", required: false);
        var ramp = policy.Number("rampLimitKwPerMinute", "kW/min", required: false, min: 0.001);
        var dwell = policy.Duration("minDwell", required: false) ?? TimeSpan.FromMinutes(15);
        var safe = policy.Choice("safeState", SafeStates, required: false) ?? SafeState.Idle;
        var demandResponse = DemandResponse(policy.Section("demandResponse", required: false));
        policy.Complete();
        return new OperatorPolicy(
            shedOrder,
            maxPrice is null ? null : EnergyPrice.PerMwh(maxPrice.Value, _currency),
            ramp is null ? null : Power.FromKilowatts(ramp.Value),
            dwell,
            safe)
        {
            DemandResponse = demandResponse,
        };
    }

    /// <summary>Under-frequency stages and restore rules; anything left out keeps Nordic FFR's defaults.</summary>
    private DemandResponsePolicy DemandResponse(YamlSection? dr)
    {
        var defaults = DemandResponsePolicy.NordicFfr;
        if (dr is null)
        {
            return defaults;
        }

        var stages = new List<FrequencyStage>();
        foreach (var stage in dr.Sections("stages", required: false) ?? [])
        {
            var below = stage.Number("belowHz", "Hz", min: 45, max: 50);
            var shed = stage.Number("shed", "fraction of the sheddable power, 0..1", min: 0.001, max: 1);
            var within = stage.Duration("within");
            stage.Complete();
            if (below is not null && shed is not null && within is not null)
            {
                if (within.Value <= TimeSpan.Zero)
                {
                    stage.ErrorAt("within", "a deadline must be longer than 0 s");
                }

                stages.Add(new FrequencyStage(below.Value, shed.Value, within.Value));
            }
        }

        if (stages.Select(s => s.BelowHz).Distinct().Count() != stages.Count)
        {
            dr.ErrorAt("stages", "each belowHz may appear once");
        }

        var restore = dr.Number("restoreAboveHz", "Hz", required: false, min: 45, max: 51) ?? defaults.RestoreAboveHz;
        var used = stages.Count > 0 ? stages : [.. defaults.Stages];
        if (used.Any(s => s.BelowHz >= restore))
        {
            dr.ErrorAt(dr.Has("restoreAboveHz") ? "restoreAboveHz" : "stages",
                $"restoreAboveHz ({restore} Hz) must be above every stage's belowHz (highest {used.Max(s => s.BelowHz)} Hz), or load would come back while still shed");
        }

        var result = defaults with
        {
            Stages = [.. used.OrderByDescending(s => s.BelowHz)],
            RestoreAboveHz = restore,
            RestoreHold = dr.Duration("restoreHold", required: false) ?? defaults.RestoreHold,
            RestoreStagger = dr.Duration("restoreStagger", required: false) ?? defaults.RestoreStagger,
            FrequencySignal = dr.String("frequencySignal", required: false) ?? defaults.FrequencySignal,
            MaxFrequencyAge = dr.Duration("maxFrequencyAge", required: false) ?? defaults.MaxFrequencyAge,
            Source = dr.Choice("frequencySource", FrequencySources, required: false) ?? defaults.Source,
            OnFrequencyLost = FrequencyLoss(dr) ?? defaults.OnFrequencyLost,
        };
        dr.Complete();
        _origins[result] = dr;
        return result;
    }

    /// <summary><c>onFrequencyLost: hold</c> or <c>onFrequencyLost: restoreAfter 60s</c>.</summary>
    private static FrequencyLossRule? FrequencyLoss(YamlSection dr)
    {
        var text = dr.String("onFrequencyLost", required: false)?.Trim();
        if (text is null)
        {
            return null;
        }

        if (string.Equals(text, "hold", StringComparison.OrdinalIgnoreCase))
        {
            return FrequencyLossRule.Hold;
        }

        const string Restore = "restoreAfter";
        if (text.StartsWith(Restore, StringComparison.OrdinalIgnoreCase)
            && DurationText.TryParse(text[Restore.Length..], out var after) && after > TimeSpan.Zero && after <= TimeSpan.FromHours(1))
        {
            return new FrequencyLossRule(after);
        }

        dr.ErrorAt("onFrequencyLost", $"expected 'hold' or 'restoreAfter DURATION' (more than 0 s, at most 1h, e.g. restoreAfter 30s), got '{text}'");
        return null;
    }

    /// <summary><c>frequencySource: signal</c> needs a device point or an MQTT signal that feeds the frequency signal.</summary>
    private void CheckFrequencySource(OperatorPolicy? policy, IReadOnlyList<Devices.ModbusDevice> devices, IReadOnlyList<Signals.TopicSignal> signals)
    {
        if (policy?.DemandResponse is not { Source: FrequencySource.Signal } dr || !_origins.TryGetValue(dr, out var section))
        {
            return;
        }

        var signal = dr.FrequencySignal;
        if (!devices.Any(d => d.Points.Any(p => p.Signal == signal)) && !signals.Any(t => t.Signal == signal))
        {
            section.ErrorAt("frequencySource", $"'signal' needs a device point or an MQTT signal that feeds {signal}; none does");
        }
    }
}
