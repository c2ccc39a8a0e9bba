using ReviewBot.Core.Agents;
using ReviewBot.Core.Limits;
using ReviewBot.Core.Llm;
using ReviewBot.Orchestration.Budget;

namespace ReviewBot.Orchestration.RateLimiting;

/// <summary>
/// The shared limiter of one LLM deployment: a request bucket and a token bucket refilled continuously on
/// the <see cref="TimeProvider"/>, with one queue served by lane priority. (System.Threading.RateLimiting's
/// TokenBucketRateLimiter measures replenishment on the system clock even when replenished by hand, and
/// queues first-come first-served, so it can neither run on virtual time nor serve by lane.) Lanes below
/// critical may not take the last <see cref="RateLimitOptions.CriticalReserve"/> of either bucket, so a critical call never waits
/// behind a lower lane's burst. A 429 with <c>Retry-After</c> pauses every caller (<see cref="PauseFor"/>).
/// The run's compute budget is checked when a call reaches the head of the queue, so budget too is
/// served in lane order: a call that cannot be afforded is shed there, without waiting for the rate.
/// With <see cref="ISharedRateBuckets"/> (the App's replicas on one PostgreSQL) the call at the head of the queue,
/// once this process's buckets allow it, also draws on the deployment's shared buckets, so all replicas together
/// stay within the limits; the critical reserve holds there too. One shared draw is asked at a time, so this
/// process's lane order is kept; the local buckets stay as well, and decide alone when the store is unreachable.
/// </summary>
internal sealed class DeploymentRateLimiter
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<Waiter, (Lane Lane, long Sequence)> _queue = new();
    private readonly TimeProvider _time;
    private readonly Bucket _requests;
    private readonly Bucket _tokens;
    private readonly ISharedRateBuckets? _shared;
    private readonly string _sharedKey;
    private readonly TimeSpan _longestSharedWait;
    private bool _sharedPending;
    private DateTimeOffset _pausedUntil = DateTimeOffset.MinValue;
    private ITimer? _wakeTimer;
    private long _sequence;

    public DeploymentRateLimiter(string deployment, RateLimitOptions options, TimeProvider time, ISharedRateBuckets? shared = null)
    {
        Deployment = deployment;
        _time = time;
        _requests = new Bucket(time, options.RequestsPerMinute, options);
        _tokens = new Bucket(time, options.TokensPerMinute, options);
        _shared = shared;
        _sharedKey = "llm:" + deployment;

        // A shared bucket refills fully within one burst window, so no answer can ask for a longer wait.
        _longestSharedWait = options.BurstWindow;
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
            PumpLocked();
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
            var now = _time.GetUtcNow();
            if (now < _pausedUntil)
            {
                WakeAfter(_pausedUntil - now);
                return;
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
                WakeAfter(Max(_requests.TimeUntil(1, critical), _tokens.TimeUntil(tokens, critical)));
                return;
            }

            if (_shared is not null && !waiter.SharedGranted)
            {
                // The answer pumps again; until then nothing behind this call may overtake it.
                if (!_sharedPending)
                {
                    _sharedPending = true;
                    _ = DrawSharedAsync(_shared, waiter, _requests.Draw(1, critical), _tokens.Draw(tokens, critical));
                }

                return;
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

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>
    /// Asks the shared buckets for the head call's permits outside the lock. A grant stays with that call even if a
    /// higher lane arrives meanwhile (it is spent on the deployment's shared quota either way); a refusal waits as
    /// long as the store says, at most one burst window, and asks again.
    /// </summary>
    private async Task DrawSharedAsync(ISharedRateBuckets shared, Waiter waiter, BucketDraw requests, BucketDraw tokens)
    {
        SharedTake take;
        try
        {
            // On the thread pool, out of the lock and off any caller's context: a store that answers at once must not pump recursively.
            take = await Task.Run(() => shared.TryTakeAsync(_sharedKey, requests, tokens, CancellationToken.None)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // The store degrades to local limits itself; anything else it throws must not wedge every caller of the deployment.
        catch (Exception)
#pragma warning restore CA1031
        {
            take = SharedTake.Local;
        }

        lock (_gate)
        {
            _sharedPending = false;
            if (take.Granted)
            {
                waiter.SharedGranted = true;
                PumpLocked();
            }
            else
            {
                var wait = take.RetryAfter;
                WakeAfter(wait < TimeSpan.FromMilliseconds(5) ? TimeSpan.FromMilliseconds(5) : wait > _longestSharedWait ? _longestSharedWait : wait);
            }
        }
    }

    private void WakeAfter(TimeSpan due)
    {
        due = due < TimeSpan.FromTicks(1) ? TimeSpan.FromTicks(1) : due;
        if (_wakeTimer is null)
        {
            _wakeTimer = _time.CreateTimer(static s => ((DeploymentRateLimiter)s!).Pump(), this, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _wakeTimer.Change(due, Timeout.InfiniteTimeSpan);
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

        /// <summary>The shared buckets gave this call its permits (only with <see cref="ISharedRateBuckets"/>).</summary>
        public bool SharedGranted { get; set; }

        public TaskCompletionSource<BudgetReservation?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Registration { get; set; }

        public DeploymentRateLimiter? Limiter { get; set; }
    }

    /// <summary>
    /// A token bucket refilled continuously at the per-minute rate, holding at most a burst window's worth.
    /// Lanes below critical may not take its last <see cref="RateLimitOptions.CriticalReserve"/>. Used under the limiter's lock.
    /// </summary>
    private sealed class Bucket
    {
        private const double Epsilon = 1e-9;
        private readonly TimeProvider _time;
        private readonly double _perSecond;
        private readonly double _reserve;
        private double _available;
        private long _refilledAt;

        public Bucket(TimeProvider time, int perMinute, RateLimitOptions options)
        {
            _time = time;
            _perSecond = perMinute / 60.0;
            Capacity = Math.Max(1, Math.Ceiling(_perSecond * options.BurstWindow.TotalSeconds));
            _reserve = Math.Min(Capacity - 1, Math.Floor(Capacity * options.CriticalReserve));
            _available = Capacity;
            _refilledAt = time.GetTimestamp();
        }

        public double Capacity { get; }

        /// <summary>The same draw on the shared bucket of this limit (same capacity, rate and reserve).</summary>
        public BucketDraw Draw(int permits, bool critical) => new(permits, Capacity, _perSecond, Floor(critical));

        /// <summary>A call larger than what its lane may ever hold is charged what it may hold, so it is not stuck forever.</summary>
        public int Clamp(int permits, bool critical) => (int)Math.Clamp(permits, 0, critical ? Capacity : Capacity - _reserve);

        public bool CanTake(int permits, bool critical)
        {
            Refill();
            return _available - permits >= Floor(critical) - Epsilon;
        }

        public TimeSpan TimeUntil(int permits, bool critical)
        {
            Refill();
            var missing = permits + Floor(critical) - _available;
            return missing <= Epsilon ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Ceiling(missing / _perSecond * TimeSpan.TicksPerSecond));
        }

        public void Take(int permits)
        {
            Refill();
            _available -= permits;
        }

        private double Floor(bool critical) => critical ? 0 : _reserve;

        private void Refill()
        {
            var now = _time.GetTimestamp();
            var elapsed = (now - _refilledAt) / (double)_time.TimestampFrequency;
            _refilledAt = now;
            _available = Math.Min(Capacity, _available + elapsed * _perSecond);
        }
    }
}
