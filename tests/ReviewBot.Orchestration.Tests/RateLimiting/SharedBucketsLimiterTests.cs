using ReviewBot.Core.Agents;
using ReviewBot.Core.Limits;
using ReviewBot.Orchestration.RateLimiting;
using ReviewBot.Orchestration.Tests.Fakes;

namespace ReviewBot.Orchestration.Tests.RateLimiting;

/// <summary>
/// The deployment limiter with buckets shared across processes: two limiters (two replicas) on one shared store
/// together take no more than one deployment's limits, and a failing store leaves each with its own.
/// </summary>
public sealed class SharedBucketsLimiterTests
{
    private static readonly AgentName Agent = new("quality");

    [Fact]
    public async Task AcquireAsync_TwoReplicasOnOneSharedStore_TogetherWithinOneDeploymentsTokens()
    {
        // 600 tokens a minute, a 10 s burst: each limiter alone would let 100 tokens through at once, both 200.
        var time = TestRun.Clock();
        var options = new RateLimitOptions { TokensPerMinute = 600, RequestsPerMinute = 600, CriticalReserve = 0 };
        var shared = new InMemorySharedBuckets(time);
        var a = new DeploymentRateLimiter("gpt", options, time, shared);
        var b = new DeploymentRateLimiter("gpt", options, time, shared);

        var calls = Enumerable.Range(0, 10).Select(i => (i % 2 == 0 ? a : b).AcquireAsync(Agent, Lane.High, 25, 0, null, CancellationToken.None)).ToList();
        // A limiter whose own bucket is spent does not ask; the other one's next call is refused by the shared store.
        Bounded.Until(() => calls.Count(c => c.IsCompleted) == 4 && shared.Asked >= 5, "the first four calls took the shared 100 tokens and a next one was refused");
        Assert.Equal(4, calls.Count(c => c.IsCompleted));

        // 10 tokens a second: 25 more tokens after 2.5 s, one more call in all (not one per replica).
        var waited = AdvanceUntil(time, () => calls.Count(c => c.IsCompleted) == 5);
        Assert.InRange(waited, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(3.5));
        time.Advance(TimeSpan.FromSeconds(2.4) - (waited - TimeSpan.FromSeconds(2.5)));
        Bounded.Until(() => shared.Asked >= 7, "the other replica asked again");
        Assert.Equal(5, calls.Count(c => c.IsCompleted));
        Assert.Equal(125, shared.TokensTaken);
    }

    [Fact]
    public async Task AcquireAsync_SharedStoreThrows_TheReplicasOwnBucketsDecide()
    {
        var time = TestRun.Clock();
        var options = new RateLimitOptions { TokensPerMinute = 600, RequestsPerMinute = 600, CriticalReserve = 0 };
        var limiter = new DeploymentRateLimiter("gpt", options, time, new ThrowingSharedBuckets());

        var calls = Enumerable.Range(0, 5).Select(_ => limiter.AcquireAsync(Agent, Lane.High, 25, 0, null, CancellationToken.None)).ToList();
        Bounded.Until(() => calls.Count(c => c.IsCompleted) == 4, "the local bucket's 100 tokens");
        await Task.WhenAll(calls.Take(4)).Within();

        Assert.False(calls[4].IsCompleted);
        var waited = AdvanceUntil(time, () => calls[4].IsCompleted);
        await calls[4].Within();

        // 25 tokens at 10 a second: the local refill, not sooner (the virtual clock moves in small steps and may run
        // a little ahead of a slow pool thread, hence the wider upper bound).
        Assert.InRange(waited, TimeSpan.FromSeconds(2.5), TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void AcquireAsync_SharedDrawOfALowerLane_KeepsTheCriticalReserveFloor()
    {
        var time = TestRun.Clock();
        var options = new RateLimitOptions { TokensPerMinute = 600, RequestsPerMinute = 600, CriticalReserve = 0.2 };
        var shared = new InMemorySharedBuckets(time);
        var limiter = new DeploymentRateLimiter("gpt", options, time, shared);

        var low = limiter.AcquireAsync(Agent, Lane.Low, 10, 0, null, CancellationToken.None);
        Bounded.Until(() => low.IsCompleted, "the low lane's call");
        var critical = limiter.AcquireAsync(Agent, Lane.Critical, 10, 0, null, CancellationToken.None);
        Bounded.Until(() => critical.IsCompleted, "the critical call");

        Assert.Equal([20.0, 0.0], shared.Floors);
    }

    /// <summary>Moves the virtual clock in 20 ms steps until <paramref name="done"/>; how far it moved.</summary>
    private static TimeSpan AdvanceUntil(Microsoft.Extensions.Time.Testing.FakeTimeProvider time, Func<bool> done)
    {
        var start = time.GetUtcNow();
        Bounded.Until(
            () =>
            {
                if (done())
                {
                    return true;
                }

                // Let the limiter's draws (on the thread pool) answer before the clock moves on.
                // 50 ms of real time per 20 ms step: on a loaded 2-core machine a pool thread can take that long.
                SpinWait.SpinUntil(done, TimeSpan.FromMilliseconds(50));
                time.Advance(TimeSpan.FromMilliseconds(20));
                return false;
            },
            "the call completed");
        return time.GetUtcNow() - start;
    }

    /// <summary>Two buckets per key on the fake clock, as the PostgreSQL store keeps them (both or neither).</summary>
    private sealed class InMemorySharedBuckets(TimeProvider time) : ISharedRateBuckets
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<string, (double First, double Second, DateTimeOffset At)> _rows = [];

        public int Asked { get; private set; }

        public double TokensTaken { get; private set; }

        public List<double> Floors { get; } = [];

        public Task<SharedTake> TryTakeAsync(string key, BucketDraw first, BucketDraw second, CancellationToken cancellationToken)
        {
            lock (_gate)
            {
                Asked++;
                Floors.Add(second.Floor);
                var now = time.GetUtcNow();
                var (a, b, at) = _rows.TryGetValue(key, out var row) ? row : (first.Capacity, second.Capacity, now);
                var seconds = (now - at).TotalSeconds;
                a = Math.Min(first.Capacity, a + (seconds * first.PerSecond));
                b = Math.Min(second.Capacity, b + (seconds * second.PerSecond));
                var ok = a - first.Permits >= first.Floor && b - second.Permits >= second.Floor;
                _rows[key] = ok ? (a - first.Permits, b - second.Permits, now) : (a, b, now);
                if (ok)
                {
                    TokensTaken += second.Permits;
                    return Task.FromResult(new SharedTake(true, TimeSpan.Zero));
                }

                var wait1 = first.TimeUntil(a);
                var wait2 = second.TimeUntil(b);
                return Task.FromResult(new SharedTake(false, wait1 > wait2 ? wait1 : wait2));
            }
        }
    }

    private sealed class ThrowingSharedBuckets : ISharedRateBuckets
    {
        public Task<SharedTake> TryTakeAsync(string key, BucketDraw first, BucketDraw second, CancellationToken cancellationToken) =>
            Task.FromException<SharedTake>(new InvalidOperationException("store gone"));
    }
}
