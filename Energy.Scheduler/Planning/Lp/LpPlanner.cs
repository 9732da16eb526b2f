using System.Diagnostics;
using Energy.Contracts.Planning;
using Energy.Contracts.Sites;
using Energy.Scheduler.Planning.MeritOrder;
using Google.OrTools.LinearSolver;

namespace Energy.Scheduler.Planning.Lp;

/// <summary>
/// The model-predictive optimizer: one linear program over every slot of the price curve (see
/// <see cref="LpModel"/>), maximising compute revenue + heat sales − import cost − boiler fuel −
/// penalties. Every limit but the grid cap is soft with a penalty, so a plan always comes back and names
/// each limit it could not meet; the grid cap is hard for the load HeatGrid controls, whatever the prices. GPU counts are the LP's powers divided by the per-GPU power limit, rounded down
/// (an inference tenant's total is rounded once, so its SLA survives a split over pools).
/// <para>
/// With <see cref="LpPlannerOptions.ReuseModel"/> (the default) an instance keeps state between plans:
/// the second plan in a row for the same site, slot count and slot length builds a rolling model, and
/// every later one only re-loads it (a plan one slot later rotates the model's ring, so the solver starts
/// next to the optimum). The first plan of a shape is made by a fresh model, as without re-use. An
/// instance plans one input at a time: a call that finds another one planning uses a fresh model, so
/// concurrent calls are safe but only sequential ones are fast (a backtest gives each rolling run its
/// own planner). The models' native memory is freed with the planner (by its finalizers).
/// </para>
/// </summary>
public sealed class LpPlanner(LpPlannerOptions? options = null) : IPlanner
{
    /// <summary>Rolling models kept per planner (a horizon that shrinks at the end of the data needs a new one per slot count).</summary>
    private const int KeptModels = 2;

    private readonly LpPlannerOptions _options = options ?? LpPlannerOptions.Default;
    private readonly Lock _gate = new();
    private readonly List<RollingModel> _models = [];
    private (Site Site, int Slots, TimeSpan SlotLength)? _lastShape;

    public string Name => "lp";

    /// <summary>Wall time of the last plan (model build or load, solver, reading the plan), for benchmarks.</summary>
    public TimeSpan LastSolveTime { get; private set; }

    /// <summary>Of <see cref="LastSolveTime"/>: building or loading the model.</summary>
    public TimeSpan LastBuildTime { get; private set; }

    /// <summary>Of <see cref="LastSolveTime"/>: the solver alone.</summary>
    public TimeSpan LastSolverTime { get; private set; }

    /// <summary>Simplex iterations of the last plan.</summary>
    public long LastIterations { get; private set; }

    /// <summary>The LP's objective at the last plan's optimum (before whole GPUs), in the site currency.</summary>
    public double LastObjective { get; private set; }

    /// <summary>Whether the last plan re-used a model.</summary>
    public bool LastReused { get; private set; }

    public Plan CreatePlan(PlanningInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var slotIndices = new List<int>(input.Prices.Prices.Count);
        for (var i = 0; i < input.Prices.Prices.Count; i++)
        {
            if (input.Prices.SlotStart(i) + input.Prices.SlotLength > input.Now)
            {
                slotIndices.Add(i);
            }
        }

        if (slotIndices.Count == 0)
        {
            return new Plan(input.Site.Name, Name, input.Now, []);
        }

        if (_options.ReuseModel && slotIndices.Count >= 2 && _gate.TryEnter())
        {
            try
            {
                var seen = _lastShape is { } last && ReferenceEquals(last.Site, input.Site) && last.Slots == slotIndices.Count && last.SlotLength == input.Prices.SlotLength;
                _lastShape = (input.Site, slotIndices.Count, input.Prices.SlotLength);
                if (seen)
                {
                    return PlanReused(input, slotIndices);
                }
            }
            finally
            {
                _gate.Exit();
            }
        }

        return PlanFresh(input, slotIndices);
    }

    private Plan PlanFresh(PlanningInput input, List<int> slotIndices)
    {
        var watch = Stopwatch.StartNew();
        using var model = new LpModel(input, _options, slotIndices);
        var built = watch.Elapsed;
        var status = model.Solve();
        Measured(watch, built, model, reused: false);
        return Read(input, model, status);
    }

    private Plan PlanReused(PlanningInput input, List<int> slotIndices)
    {
        var watch = Stopwatch.StartNew();
        var first = input.Prices.SlotStart(slotIndices[0]);
        var rolling = _models.Find(m => ReferenceEquals(m.Model.Site, input.Site) && m.Model.SlotCount == slotIndices.Count && m.SlotLength == input.Prices.SlotLength);
        int head;
        if (rolling is null)
        {
            if (_models.Count == KeptModels)
            {
                _models[^1].Model.Dispose();
                _models.RemoveAt(KeptModels - 1);
            }

            rolling = new RollingModel(LpModel.Rolling(input.Site, _options, slotIndices.Count, input.Prices.SlotLength), input.Prices.SlotLength);
            head = 0;
        }
        else
        {
            _models.Remove(rolling);

            // A plan k slots later starts k positions further round the ring: each position keeps its slot's data.
            var steps = (first - rolling.FirstSlot) / rolling.SlotLength;
            var shift = steps > 0 && steps < rolling.Model.SlotCount && steps == Math.Floor(steps) ? (int)steps : 0;
            head = (rolling.Model.Head + shift) % rolling.Model.SlotCount;
        }

        _models.Insert(0, rolling);
        rolling.FirstSlot = first;
        rolling.Model.Load(input, slotIndices, head);
        var built = watch.Elapsed;
        var status = rolling.Model.Solve();
        Measured(watch, built, rolling.Model, reused: true);
        return Read(input, rolling.Model, status);
    }

    private void Measured(Stopwatch watch, TimeSpan built, LpModel model, bool reused)
    {
        LastBuildTime = built;
        LastSolverTime = watch.Elapsed - built;
        LastIterations = model.Iterations;
        LastReused = reused;
        LastObjective = model.Objective;
        LastSolveTime = watch.Elapsed;
    }

    private Plan Read(PlanningInput input, LpModel model, Solver.ResultStatus status)
    {
        if (status is not (Solver.ResultStatus.OPTIMAL or Solver.ResultStatus.FEASIBLE))
        {
            // Cannot happen: every limit is soft but the cap, and planning no work at all meets the cap; if the solver still fails, the greedy plan stands in.
            var fallback = new MeritOrderPlanner().CreatePlan(input);
            return new Plan(input.Site.Name, Name, input.Now, [.. fallback.Slots.Select(s => s with
            {
                Violations = [.. s.Violations, $"optimizer: solver {_options.SolverId} returned {status}; merit-order plan used"],
            })]);
        }

        return new LpPlanReader(model).Read(Name, _options.ReadSlots);
    }

    /// <summary>A rolling model and the start of the first slot it was last loaded with.</summary>
    private sealed class RollingModel(LpModel model, TimeSpan slotLength)
    {
        public LpModel Model { get; } = model;

        public TimeSpan SlotLength { get; } = slotLength;

        public DateTimeOffset FirstSlot { get; set; }
    }
}
