using Energy.Gpu.Control;
using Energy.Gpu.Interop;
using Energy.TestSupport.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Energy.Gpu.Tests.Control;

public sealed class DutyCycleRunnerTests : IDisposable
{
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private readonly FakeTimeProvider _time = new();
    private readonly CapturingLogger<DutyCycleRunner> _logger = new();
    private readonly ScriptedWork _work;
    private readonly DutyCycleRunner _runner;
    private readonly DutyCycleRunner _stepped;

    public DutyCycleRunnerTests()
    {
        _work = new ScriptedWork(_time);
        _runner = new DutyCycleRunner("p/cuda0 sha256d", _work, _time, _logger, Period);
        _stepped = new DutyCycleRunner("p/cuda0 sha256d", _work, _time, _logger, Period) { StartsThread = false };
    }

    public void Dispose()
    {
        _runner.Dispose();
        _stepped.Dispose();
    }

    [Fact]
    public void RunOnePeriod_HalfDuty_WorksHalfAPeriodAndIdlesAsLong()
    {
        _stepped.SetDuty(0.5);

        var idle = _stepped.RunOnePeriod();

        Assert.Equal(TimeSpan.FromMilliseconds(12.5), Assert.Single(_work.Budgets));
        Assert.Equal(TimeSpan.FromMilliseconds(12.5), idle);
        Assert.Equal(1, _stepped.Bursts);
    }

    [Fact]
    public void RunOnePeriod_BurstOverrunsItsBudget_IdlesInProportionSoTheDutyCycleHolds()
    {
        _stepped.SetDuty(0.25);
        _work.TimeTaken = _ => TimeSpan.FromMilliseconds(20); // asked for 6.25 ms

        var idle = _stepped.RunOnePeriod();

        Assert.Equal(TimeSpan.FromMilliseconds(60), idle);
        Assert.Equal(0.25, 20 / (20 + idle.TotalMilliseconds), 6);
    }

    [Fact]
    public void RunOnePeriod_FullDuty_DoesNotIdle()
    {
        _stepped.SetDuty(1);

        Assert.Equal(TimeSpan.Zero, _stepped.RunOnePeriod());
        Assert.Equal(Period, Assert.Single(_work.Budgets));
    }

    [Fact]
    public void RunOnePeriod_ZeroDuty_RunsNothingAndWaitsToBeWoken()
    {
        Assert.Equal(Timeout.InfiniteTimeSpan, _stepped.RunOnePeriod());
        Assert.Empty(_work.Budgets);
    }

    [Fact]
    public void RunOnePeriod_NothingToDo_IdlesAWholePeriod()
    {
        _stepped.SetDuty(0.5);
        _work.HasWork = false;

        Assert.Equal(Period, _stepped.RunOnePeriod());
        Assert.Equal(0, _stepped.Bursts);
    }

    [Fact]
    public void RunOnePeriod_TinyDutyWithAnUnsplittableBurst_IdlesAtMostASecond()
    {
        _stepped.SetDuty(0.001);
        _work.TimeTaken = _ => TimeSpan.FromMilliseconds(5);

        Assert.Equal(TimeSpan.FromSeconds(1), _stepped.RunOnePeriod());
    }

    [Fact]
    public void SetDuty_ClampsAndRejectsNaN()
    {
        _runner.SetDuty(0);
        _runner.SetDuty(-3);

        Assert.Equal(0, _runner.Duty);
        Assert.False(_runner.IsStarted);
        Assert.Throws<ArgumentOutOfRangeException>(() => _runner.SetDuty(double.NaN));
    }

    [Fact]
    public void Thread_StartsOnFirstDuty_RunsStartRunAndFinishOnItsOwnThread()
    {
        _work.TimeTaken = _ => TimeSpan.Zero;
        _runner.SetDuty(1);

        Assert.True(_work.RunsDone.Wait(Patience));
        _runner.Dispose();

        Assert.Equal(1, _work.Starts);
        Assert.Equal(1, _work.Finishes);
        var threads = _work.Threads.Distinct().ToList();
        Assert.Equal([_work.StartThread], threads);
        Assert.NotEqual(Environment.CurrentManagedThreadId, _work.StartThread);
        Assert.Null(_runner.Fault);
    }

    [Fact]
    public void Thread_IdlesOnTheTimeProvider_UntilTheIdleTimeHasPassed()
    {
        _work.RunsWanted = 2;
        _runner.SetDuty(0.5);

        // After the first 12.5 ms burst the thread waits 12.5 ms of fake time: the second burst needs the clock to move.
        Assert.True(SpinWait.SpinUntil(() => _runner.Bursts == 1, Patience));
        Assert.False(_work.RunsDone.Wait(TimeSpan.FromMilliseconds(50)));
        Assert.True(SpinWait.SpinUntil(() =>
        {
            _time.Advance(TimeSpan.FromMilliseconds(12.5));
            return _work.RunsDone.Wait(TimeSpan.FromMilliseconds(5));
        }, Patience));
    }

    [Fact]
    public void Thread_AtDutyZero_WaitsWithoutWork_AndANewDutyWakesIt()
    {
        _work.TimeTaken = _ => TimeSpan.Zero;
        _work.RunsWanted = 1;
        _runner.SetDuty(1);
        Assert.True(_work.RunsDone.Wait(Patience));
        _runner.SetDuty(0);
        Assert.True(SpinWait.SpinUntil(() => _runner.IsParked, Patience));
        var runs = _work.Budgets.Count;

        _work.RunsDone.Reset();
        _work.RunsWanted = runs + 1;
        _runner.SetDuty(0.5);

        Assert.True(_work.RunsDone.Wait(Patience));
    }

    [Fact]
    public void Thread_GpuErrorInABurst_StopsTheLoad_LogsOnce_AndStillFrees()
    {
        _work.Throw = new CudaException("cuLaunchKernel(sha256d_search)", CuResult.LaunchFailed, null);
        _runner.SetDuty(1);

        Assert.True(SpinWait.SpinUntil(() => _runner.Fault is not null && _work.Finishes == 1, Patience));

        Assert.Same(_work.Throw, _runner.Fault);
        var entry = Assert.Single(_logger.WithEventId(2305));
        Assert.Contains("p/cuda0 sha256d", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_BeforeAnyDuty_StartsNothing_AndLaterDutiesAreIgnored()
    {
        _runner.Dispose();
        _runner.SetDuty(1);

        Assert.False(_runner.IsStarted);
        Assert.Equal(0, _work.Starts);
    }

    /// <summary>Work whose bursts take as long as <see cref="TimeTaken"/> says, on a fake clock.</summary>
    private sealed class ScriptedWork(FakeTimeProvider time) : IDutyCycleWork
    {
        private readonly List<TimeSpan> _budgets = [];
        private readonly List<int> _threads = [];

        public Func<TimeSpan, TimeSpan> TimeTaken { get; set; } = budget => budget;
        public bool HasWork { get; set; } = true;
        public Exception? Throw { get; set; }
        public int RunsWanted { get; set; } = 3;
        public ManualResetEventSlim RunsDone { get; } = new();
        public int Starts { get; private set; }
        public int Finishes { get; private set; }
        public int StartThread { get; private set; }

        public IReadOnlyList<TimeSpan> Budgets
        {
            get
            {
                lock (_budgets)
                {
                    return [.. _budgets];
                }
            }
        }

        public IReadOnlyList<int> Threads
        {
            get
            {
                lock (_budgets)
                {
                    return [.. _threads];
                }
            }
        }

        public void Start()
        {
            Starts++;
            StartThread = Environment.CurrentManagedThreadId;
        }

        public bool Run(TimeSpan budget)
        {
            if (Throw is not null)
            {
                throw Throw;
            }

            int count;
            lock (_budgets)
            {
                _budgets.Add(budget);
                _threads.Add(Environment.CurrentManagedThreadId);
                count = _budgets.Count;
            }

            time.Advance(TimeTaken(budget));
            if (count >= RunsWanted)
            {
                RunsDone.Set();
            }

            return HasWork;
        }

        public void Finish() => Finishes++;
    }
}
