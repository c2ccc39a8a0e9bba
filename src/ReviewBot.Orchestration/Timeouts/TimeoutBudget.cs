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
/// thresholds (with the instant the stage was due, relative to the attempt's start), and at 100% cancels <see cref="Token"/> and completes <see cref="Expired"/>. The token is
/// also cancelled when the run is. A budget of zero or <see cref="Timeout.InfiniteTimeSpan"/> never expires.
/// </summary>
internal sealed class TimeoutBudget : IDisposable
{
    private readonly CancellationTokenSource _cts;
    private readonly TaskCompletionSource _expired = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action<TimeoutStage, TimeSpan> _onStage;
    private readonly TimeoutOptions _options;
    private readonly ITimer? _warn;
    private readonly ITimer? _alert;
    private readonly ITimer? _cancel;
    private readonly CancellationTokenRegistration _runRegistration;
    private int _disposed;

    public TimeoutBudget(TimeProvider time, TimeSpan budget, TimeoutOptions options, Action<TimeoutStage, TimeSpan> onStage, CancellationToken runToken)
    {
        _onStage = onStage;
        _options = options;
        _cts = CancellationTokenSource.CreateLinkedTokenSource(runToken);
        _runRegistration = runToken.UnsafeRegister(static state => ((TimeoutBudget)state!)._expired.TrySetResult(), this);
        Budget = budget;
        if (budget > TimeSpan.Zero && budget != Timeout.InfiniteTimeSpan)
        {
            _warn = time.CreateTimer(static s => ((TimeoutBudget)s!).Fire(TimeoutStage.Warned), this, budget * options.WarnAt, Timeout.InfiniteTimeSpan);
            _alert = time.CreateTimer(static s => ((TimeoutBudget)s!).Fire(TimeoutStage.Alerted), this, budget * options.AlertAt, Timeout.InfiniteTimeSpan);
            _cancel = time.CreateTimer(static s => ((TimeoutBudget)s!).Fire(TimeoutStage.Expired), this, budget, Timeout.InfiniteTimeSpan);
        }
    }

    public TimeSpan Budget { get; }

    /// <summary>The token handed to the agent: cancelled at 100% of the budget or when the run is cancelled.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Completes when the budget is exhausted or the run is cancelled.</summary>
    public Task Expired => _expired.Task;

    public bool IsExpired { get; private set; }

    private void Fire(TimeoutStage stage)
    {
        if (Volatile.Read(ref _disposed) != 0)
        {
            return;
        }

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

        var due = stage switch
        {
            TimeoutStage.Warned => Budget * _options.WarnAt,
            TimeoutStage.Alerted => Budget * _options.AlertAt,
            _ => Budget,
        };
        _onStage(stage, due);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _warn?.Dispose();
        _alert?.Dispose();
        _cancel?.Dispose();
        _runRegistration.Dispose();
        _cts.Dispose();
    }
}
