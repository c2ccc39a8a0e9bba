namespace ReviewBot.Orchestration.Timeouts;

/// <summary>The stage an agent's timeout budget has reached.</summary>
internal enum TimeoutStage
{
    Warned,
    Alerted,
    Expired,
}

/// <summary>
/// One attempt's timeout budget on a <see cref="TimeProvider"/>: calls back at the warning and alert
/// thresholds (with the instant the stage was due, relative to the attempt's start), and at 100% cancels
/// <see cref="Token"/> and completes <see cref="Expired"/>. The token is also cancelled when the run is.
/// One timer, re-armed from stage to stage. A budget of zero or <see cref="Timeout.InfiniteTimeSpan"/> never expires.
/// </summary>
internal sealed class TimeoutBudget : IDisposable
{
    private readonly TimeProvider _time;
    private readonly long _started;
    private readonly TimeSpan[] _due;
    private readonly CancellationTokenSource _cts;
    private readonly TaskCompletionSource _expired = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<TimeoutStage, TimeSpan> _onStage;
    private readonly Lock _gate = new();
    private readonly ITimer? _timer;
    private readonly CancellationTokenRegistration _runRegistration;
    private int _stage;
    private bool _disposed;

    public TimeoutBudget(TimeProvider time, TimeSpan budget, TimeoutOptions options, Action<TimeoutStage, TimeSpan> onStage, CancellationToken runToken)
    {
        _time = time;
        _started = time.GetTimestamp();
        _onStage = onStage;
        _due = [budget * options.WarnAt, budget * options.AlertAt, budget];
        _cts = runToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(runToken) : new CancellationTokenSource();
        if (runToken.CanBeCanceled)
        {
            _runRegistration = runToken.UnsafeRegister(static state => ((TimeoutBudget)state!)._expired.TrySetResult(), this);
        }

        Budget = budget;
        if (budget > TimeSpan.Zero && budget != Timeout.InfiniteTimeSpan)
        {
            _timer = time.CreateTimer(static s => ((TimeoutBudget)s!).Fire(), this, _due[0], Timeout.InfiniteTimeSpan);
        }
    }

    public TimeSpan Budget { get; }

    /// <summary>The token handed to the agent: cancelled at 100% of the budget or when the run is cancelled.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Completes when the budget is exhausted or the run is cancelled.</summary>
    public Task Expired => _expired.Task;

    public bool IsExpired { get; private set; }

    private void Fire()
    {
        while (true)
        {
            TimeoutStage stage;
            var overdue = false;
            lock (_gate)
            {
                if (_disposed || _stage > (int)TimeoutStage.Expired)
                {
                    return;
                }

                stage = (TimeoutStage)_stage++;
                if (stage != TimeoutStage.Expired)
                {
                    // Re-armed against the attempt's start, so a late callback does not push the next stage back;
                    // a stage already due (the clock jumped past it) is raised at once, in order.
                    var next = _due[_stage] - _time.GetElapsedTime(_started);
                    overdue = next <= TimeSpan.Zero;
                    if (!overdue)
                    {
                        _timer!.Change(next, Timeout.InfiniteTimeSpan);
                    }
                }
            }

            Raise(stage);
            if (!overdue)
            {
                return;
            }
        }
    }

    private void Raise(TimeoutStage stage)
    {
        if (stage == TimeoutStage.Expired)
        {
            IsExpired = true;
            _expired.TrySetResult();
            try
            {
                _cts.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The attempt ended while the timer fired.
            }
            catch (AggregateException)
            {
                // An agent's cancellation callback threw; the agent is timed out either way.
            }
        }

        _onStage(stage, _due[(int)stage]);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        _timer?.Dispose();
        _runRegistration.Dispose();
        _cts.Dispose();
    }
}
