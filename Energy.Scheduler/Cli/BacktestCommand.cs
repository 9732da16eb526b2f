using System.CommandLine;
using System.Globalization;
using Energy.Contracts.Configuration;
using Energy.Contracts.Time;
using Energy.Scheduler.Backtesting;

namespace Energy.Scheduler.Cli;

/// <summary>
/// <c>heatgrid backtest</c>: replays a price year and a heat series through the scheduler with only
/// what it could have known, and writes the JSON summary and (optionally) a report folder. Exit 0 on
/// success, 2 for unusable inputs (the message says which and why), 3 when a strategy beat perfect
/// foresight (a bug in the model, the executor or a rule: the message names it, the slots and the difference).
/// </summary>
internal static class BacktestCommand
{
    public static Command Create()
    {
        var site = new Option<string>("--site") { Description = "The site file (YAML).", Required = true };
        var prices = new Option<string>("--prices") { Description = "Day-ahead prices CSV (timestamp_utc,price_<currency>_per_mwh); sets the slots.", Required = true };
        var heat = new Option<string>("--heat") { Description = "Heat demand CSV (heat_demand_kw or heat_demand_mw).", Required = true };
        var heatScale = new Option<double>("--heat-scale") { Description = "Factor on the heat demand values.", DefaultValueFactory = _ => 1.0 };
        var temperature = new Option<string?>("--temperature") { Description = "Outdoor temperature CSV (a *temp_c column) for the heat forecast." };
        var from = new Option<string?>("--from") { Description = "First local day simulated (YYYY-MM-DD, site time zone)." };
        var to = new Option<string?>("--to") { Description = "Last local day simulated, inclusive (YYYY-MM-DD)." };
        var fx = new Option<double?>("--fx") { Description = "Site currency per unit of the price file's currency, e.g. 0.92 for USD prices at an EUR site." };
        var json = new Option<string>("--json") { Description = "Where to write the JSON summary.", Required = true };
        var report = new Option<string?>("--report") { Description = "Folder for summary.md and PNG charts." };
        var planner = new Option<string>("--planner") { Description = "Planner: " + string.Join(", ", BacktestPlanners.Names) + ".", DefaultValueFactory = _ => BacktestPlanners.Default };
        var publishedAt = new Option<string>("--prices-published-at") { Description = "Local market time on D-1 when day D's prices are known.", DefaultValueFactory = _ => "12:00" };
        var strike = new Option<double?>("--strike") { Description = "Strike price of the curtailment baseline per MWh (default: the mining break-even)." };
        var noPolicyCosts = new Option<bool>("--no-policy-costs") { Description = "Skip pricing each binding operator limit (one perfect-foresight run per limit)." };
        var miningValue = new Option<string?>("--mining-value") { Description = "Mining value CSV (timestamp_utc,hashprice_<cur>_per_th_day or value_<cur>_per_mwh) for every mining workload, e.g. ops/data/hashprice_usd_2024.csv." };
        var miningFx = new Option<double?>("--mining-fx") { Description = "Site currency per unit of the mining value file's currency, e.g. 0.92 for USD hashprices at an EUR site." };

        var command = new Command("backtest", "Replay prices and heat demand through the scheduler honestly; compare with perfect foresight and baselines.")
        {
            site, prices, heat, heatScale, temperature, from, to, fx, json, report, planner, publishedAt, strike, noPolicyCosts,
            miningValue, miningFx,
        };
        command.SetAction(r => Run(
            new Request(r.GetRequiredValue(site), r.GetRequiredValue(prices), r.GetRequiredValue(heat), r.GetValue(heatScale), r.GetValue(temperature),
                r.GetValue(from), r.GetValue(to), r.GetValue(fx), r.GetRequiredValue(json), r.GetValue(report), r.GetRequiredValue(planner),
                r.GetRequiredValue(publishedAt), r.GetValue(strike)) { PolicyCosts = !r.GetValue(noPolicyCosts), MiningValue = r.GetValue(miningValue), MiningFx = r.GetValue(miningFx) },
            Console.Out, Console.Error, Console.IsOutputRedirected));
        return command;
    }

    public static int Run(Request request, TextWriter stdout, TextWriter stderr, bool redirected)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var loaded = SiteFile.Load(request.Site);
        if (!loaded.IsValid)
        {
            foreach (var error in loaded.Errors)
            {
                stderr.WriteLine(error);
            }

            return 2;
        }

        var site = loaded.Site!;
        NativeHeapTuning.KeepSolverMemory();
        try
        {
            var options = new BacktestOptions
            {
                From = Day(request.From, "--from", site.TimeZone, 0),
                Until = Day(request.To, "--to", site.TimeZone, 1),
                PublicationTime = TimeOnly.TryParse(request.PublishedAt, CultureInfo.InvariantCulture, out var t) ? t
                    : throw new BacktestInputException($"--prices-published-at: expected HH:MM, got '{request.PublishedAt}'"),
                StrikePerMwh = request.Strike,
                PolicyCosts = request.PolicyCosts,
                SlaFreePlanners = BacktestPlanners.SlaFree(request.Planner),
            };
            var planner = BacktestPlanners.Create(request.Planner);
            var planners = () => BacktestPlanners.Create(request.Planner);
            var series = BacktestSeriesLoader.Load(site, request.Prices, request.Heat, request.HeatScale, request.Temperature, request.Fx, request.MiningValue, request.MiningFx);
            var engine = new BacktestEngine(site, series, planners, options);
            var result = engine.Run(Progress(stdout, redirected));
            File.WriteAllText(request.Json, BacktestJson.Serialize(result) + Environment.NewLine);
            if (request.Report is { } folder)
            {
                BacktestReport.Write(result, folder);
            }

            var baselines = string.Join(", ", result.Baselines.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Name} {b.Profit:0}")));
            var inv = CultureInfo.InvariantCulture;
            stdout.WriteLine(string.Create(inv,
                $"backtest {site.Name} ({planner.Name}, {result.HeatGrid.Slots.Count} slots): capture of value at stake {result.CaptureOfValueAtStake:0.000}, vs best rule {result.CaptureVsBestRule:0.000}; "
                + $"profit {result.HeatGrid.Profit:0} {site.Currency}, perfect foresight {result.PerfectForesight.Profit:0}, {baselines}; {result.WallSeconds:0.0} s"));
            foreach (var cost in result.PolicyCosts)
            {
                stdout.WriteLine(string.Create(inv, $"policy cost: {cost.Limit} ({cost.SiteFileKey} {cost.Setting}) cost {cost.Cost:N0} {site.Currency} ({cost.HoursBound:0.##} h bound)"));
            }

            foreach (var breach in result.UpperBoundBreaches)
            {
                var slots = string.Join(", ", breach.Slots.Take(5).Select(g => string.Create(inv, $"{g.Start.UtcDateTime:yyyy-MM-dd HH:mm}Z +{g.Gain:0.##}")));
                stderr.WriteLine(string.Create(inv,
                    $"backtest: '{breach.Strategy}' beat perfect foresight by {breach.Excess:0.##} {site.Currency} (tolerance {result.UpperBoundTolerance:0.##}): a bug in the model, the executor or the rule; it gained most in slots {slots}"));
            }

            return result.UpperBoundBreaches.Count == 0 ? 0 : 3;
        }
        catch (BacktestInputException e)
        {
            stderr.WriteLine($"backtest: {e.Message}");
            return 2;
        }
    }

    private static DateTimeOffset? Day(string? text, string option, TimeZoneInfo zone, int addDays)
    {
        if (text is null)
        {
            return null;
        }

        return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
            ? MarketCalendar.StartOfLocalDay(day.AddDays(addDays), zone)
            : throw new BacktestInputException($"{option}: expected a date YYYY-MM-DD, got '{text}'");
    }

    /// <summary>On a terminal one line redrawn in place; redirected (CI logs), a line every 5 %.</summary>
    private static Action<BacktestProgress> Progress(TextWriter stdout, bool redirected)
    {
        var lastStep = -1;
        return p =>
        {
            var percent = (int)(p.Fraction * 100);
            if (!redirected)
            {
                stdout.Write($"\r{p.Phase}: {percent,3} % ({p.Done}/{p.Total} slots)   ");
                if (p.Done == p.Total)
                {
                    stdout.WriteLine();
                }

                return;
            }

            if (percent / 5 > lastStep)
            {
                lastStep = percent / 5;
                stdout.WriteLine($"progress {percent,3} %: {p.Phase}, {p.Done}/{p.Total} slots");
            }
        };
    }

    internal sealed record Request(
        string Site, string Prices, string Heat, double HeatScale, string? Temperature, string? From, string? To, double? Fx,
        string Json, string? Report, string Planner, string PublishedAt, double? Strike)
    {
        /// <summary>Whether to price each binding operator limit.</summary>
        public bool PolicyCosts { get; init; } = true;

        /// <summary>--mining-value: a mining value series for every mining workload.</summary>
        public string? MiningValue { get; init; }

        /// <summary>--mining-fx: site currency per unit of the mining series' currency.</summary>
        public double? MiningFx { get; init; }
    }
}
