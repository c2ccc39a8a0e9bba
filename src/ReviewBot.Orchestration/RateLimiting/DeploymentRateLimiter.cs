using System.Threading.RateLimiting;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Llm;
using ReviewBot.Orchestration.Budget;

namespace ReviewBot.Orchestration.RateLimiting;

/// <summary>
/// The shared limiter of one LLM deployment: a request bucket and a token bucket
/// (<see cref="TokenBucketRateLimiter"/>s replenished from the <see cref="TimeProvider"/>), with one
/// queue served by lane priority. Lanes below critical may not take the last
/// <see cref="RateLimitOptions.CriticalReserve"/> of either bucket, so a critical call never waits
/// behind a lower lane's burst. A 429 with <c>Retry-After</c> pauses every caller (<see cref="PauseFor"/>).
/// The run's compute budget is checked when a call reaches the head of the queue, so budget too is
/// served in lane order: a call that cannot be afforded is shed there, without waiting for the rate.
/// </summary>
internal sealed class DeploymentRateLimiter
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<Waiter, (Lane Lane, long Sequence)> _queue = new();
    private readonly TimeProvider _time;
    private readonly Bucket _requests;
    private readonly Bucket _tokens;
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;
    private ITimer? _pauseTimer;
    private long _sequence;

    public DeploymentRateLimiter(string deployment, RateLimitOptions options, TimeProvider time)
    {
        Deployment = deployment;
        _time = time;
        _requests = new Bucket(this, options.RequestsPerMinute, options);
        _tokens = new Bucket(this, options.TokensPerMinute, options);
    }

    public string Deployment { get; }

    /// <summary>Until when every caller is held back after a 429; <see cref="DateTimeOffset.MinValue"/> when not paused.</summary>
    public DateTimeOffset PausedUntil
    {
        get
        {
            lock (_gate)
            {
                return _pausedUntil;
            }
        }
    }

    /// <summary>Calls waiting for the limiter.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>
    /// Waits for a request permit and <paramref name="tokens"/> token permits, in lane order, then reserves the
    /// call's estimate in <paramref name="budget"/>. Throws <see cref="LlmException"/> (<see cref="LlmFailureKind.Shed"/>)
    /// when the budget cannot afford the call; the shed call is recorded in the budget.
    /// </summary>
    public Task<BudgetReservation?> AcquireAsync(AgentName agent, Lane lane, int tokens, decimal usd, ComputeBudget? budget, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<BudgetReservation?>(cancellationToken);
        }

        var waiter = new Waiter(agent, lane, tokens, usd, budget) { Limiter = this };
        if (cancellationToken.CanBeCanceled)
        {
            waiter.Registration = cancellationToken.UnsafeRegister(
                static (state, token) =>
                {
                    var w = (Waiter)state!;
                    w.Limiter!.Cancel(w, token);
                },
                waiter);
        }

        lock (_gate)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                waiter.Registration.Unregister();
                return Task.FromCanceled<BudgetReservation?>(cancellationToken);
            }

            _queue.Enqueue(waiter, (lane, _sequence++));
            PumpLocked();
        }

        return waiter.Completion.Task;
    }

    /// <summary>Holds back every caller of this deployment for <paramref name="retryAfter"/> (from a 429).</summary>
    public void PauseFor(TimeSpan retryAfter)
    {
        if (retryAfter <= TimeSpan.Zero)
        {
            return;
        }

        lock (_gate)
        {
            var until = _time.GetUtcNow() + retryAfter;
            if (until <= _pausedUntil)
            {
                return;
            }

            _pausedUntil = until;
            if (_pauseTimer is null)
            {
                _pauseTimer = _time.CreateTimer(static s => ((DeploymentRateLimiter)s!).Pump(), this, retryAfter, Timeout.InfiniteTimeSpan);
            }
            else
            {
                _pauseTimer.Change(retryAfter, Timeout.InfiniteTimeSpan);
            }
        }
    }

    private void Cancel(Waiter waiter, CancellationToken token)
    {
        lock (_gate)
        {
            if (!_queue.Remove(waiter, out _, out _, ReferenceEqualityComparer.Instance))
            {
                return;
            }

            PumpLocked();
        }

        waiter.Completion.TrySetCanceled(token);
    }

    private void Pump()
    {
        lock (_gate)
        {
            PumpLocked();
        }
    }

    private void PumpLocked()
    {
        while (_queue.TryPeek(out var waiter, out _))
        {
            if (_time.GetUtcNow() < _pausedUntil)
            {
                return; // the pause timer pumps again when the pause ends
            }

            string? reason = null;
            if (waiter.Budget is { } budget && !budget.CanAfford(waiter.Lane, waiter.Tokens, waiter.Usd, out reason))
            {
                _queue.Dequeue();
                Shed(waiter, reason!);
                continue;
            }

            var critical = waiter.Lane == Lane.Critical;
            var tokens = _tokens.Clamp(waiter.Tokens, critical);
            if (!_requests.CanTake(1, critical) || !_tokens.CanTake(tokens, critical))
            {
                return; // a bucket's replenishment timer pumps again
            }

            BudgetReservation? reservation = null;
            if (waiter.Budget is { } runBudget)
            {
                reservation = runBudget.TryReserve(waiter.Lane, waiter.Tokens, waiter.Usd, out reason);
                if (reservation is null)
                {
                    _queue.Dequeue();
                    Shed(waiter, reason!);
                    continue;
                }
            }

            _requests.Take(1);
            _tokens.Take(tokens);
            _queue.Dequeue();
            waiter.Registration.Unregister();
            waiter.Completion.TrySetResult(reservation);
        }
    }

    private static void Shed(Waiter waiter, string reason)
    {
        waiter.Budget!.RecordShed(waiter.Agent, waiter.Lane, waiter.Tokens, reason);
        waiter.Registration.Unregister();
        waiter.Completion.TrySetException(new LlmException(LlmFailureKind.Shed, $"LLM call shed: {reason}."));
    }

    private sealed class Waiter(AgentName agent, Lane lane, int tokens, decimal usd, ComputeBudget? budget)
    {
        public AgentName Agent { get; } = agent;

        public Lane Lane { get; } = lane;

        public int Tokens { get; } = tokens;

        public decimal Usd { get; } = usd;

        public ComputeBudget? Budget { get; } = budget;

        public TaskCompletionSource<BudgetReservation?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }

        public DeploymentRateLimiter? Limiter { get; set; }
    }

    /// <summary>
    /// A <see cref="TokenBucketRateLimiter"/> without its own timer (its auto-replenishment runs on the system
    /// clock): replenished by a <see cref="TimeProvider"/> timer that runs only while the bucket is not full.
    /// Only used under the limiter's lock.
    /// </summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "Without auto-replenishment the bucket holds no timer or handle; it lives as long as the engine.")]
    private sealed class Bucket
    {
        private readonly DeploymentRateLimiter _owner;
        private readonly TokenBucketRateLimiter _bucket;
        private readonly TimeSpan _period;
        private readonly int _reserve;
        private ITimer? _timer;

        public Bucket(DeploymentRateLimiter owner, int perMinute, RateLimitOptions options)
        {
            _owner = owner;
            var perSecond = perMinute / 60.0;
            Capacity = (int)Math.Clamp(Math.Ceiling(perSecond * options.BurstWindow.TotalSeconds), 1, int.MaxValue);
            var perPeriod = (int)Math.Clamp(Math.Ceiling(perSecond / 10), 1, Capacity);
            _period = TimeSpan.FromSeconds(perPeriod / perSecond);
            _reserve = Math.Min(Capacity - 1, (int)Math.Floor(Capacity * options.CriticalReserve));
            _bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = Capacity,
                TokensPerPeriod = perPeriod,
                ReplenishmentPeriod = _period,
                AutoReplenishment = false,
                QueueLimit = 0,
            });
        }

        public int Capacity { get; }

        private long Available => _bucket.GetStatistics()?.CurrentAvailablePermits ?? 0;

        /// <summary>A call larger than what its lane may ever hold is charged what it may hold, so it is not stuck forever.</summary>
        public int Clamp(int permits, bool critical) => Math.Clamp(permits, 0, critical ? Capacity : Capacity - _reserve);

        public bool CanTake(int permits, bool critical) => Available - permits >= (critical ? 0 : _reserve);

        public void Take(int permits)
        {
            if (permits == 0)
            {
                return;
            }

            using var lease = _bucket.AttemptAcquire(permits);
            _timer ??= _owner._time.CreateTimer(static s => ((Bucket)s!).Tick(), this, _period, _period);
        }

        private void Tick()
        {
            lock (_owner._gate)
            {
                _bucket.TryReplenish();
                if (Available >= Capacity)
                {
                    _timer?.Dispose();
                    _timer = null;
                }

                _owner.PumpLocked();
            }
        }
    }
}
