using System.Globalization;
using ReviewBot.Core.Limits;

namespace ReviewBot.GitHub.Http;

/// <summary>
/// The request budget of one GitHub token (one App installation), shared by every review that uses it:
/// GitHub's primary limit (<see cref="GitHubRequestBudgetOptions.RequestsPerHour"/>) and its secondary limits
/// (<see cref="GitHubRequestBudgetOptions.ContentCreatingPerMinute"/> writes a minute,
/// <see cref="GitHubRequestBudgetOptions.MaxConcurrent"/> requests at once). A request waits for its permits
/// instead of earning a 403 that would stall every review of the installation. When a response says the
/// primary limit is spent (<c>x-ratelimit-remaining: 0</c>) the budget holds every request until
/// <c>x-ratelimit-reset</c>. Buckets refill continuously on the <see cref="TimeProvider"/>. With
/// <see cref="ISharedRateBuckets"/> (the App's replicas on one PostgreSQL) the hourly and write buckets are also drawn
/// on in the shared store, so all replicas together stay within the installation's limits; this process's buckets
/// still apply, and decide alone while the store is unreachable. (The concurrency limit stays per process.) Thread-safe.
/// </summary>
public sealed class GitHubRequestBudget : IDisposable
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _concurrent;
    private readonly Refill _primary;
    private readonly Refill _writes;
    private readonly ISharedRateBuckets? _shared;
    private readonly string _sharedKey;
    private DateTimeOffset _heldUntil = DateTimeOffset.MinValue;
    private long _waits;
    private long _requests;

    /// <summary>
    /// A budget with <paramref name="options"/> (default: GitHub's documented limits) on <paramref name="time"/>;
    /// with <paramref name="shared"/>, also drawn on in the shared store under <paramref name="sharedKey"/> (one per installation).
    /// </summary>
    public GitHubRequestBudget(TimeProvider time, GitHubRequestBudgetOptions? options = null, ISharedRateBuckets? shared = null, string sharedKey = "github")
    {
        _shared = shared;
        _sharedKey = sharedKey;
        ArgumentNullException.ThrowIfNull(time);
        Options = options ?? new GitHubRequestBudgetOptions();
        Options.Validate();
        _time = time;
        _concurrent = new SemaphoreSlim(Options.MaxConcurrent, Options.MaxConcurrent);
        _primary = new Refill(time, Options.RequestsPerHour, TimeSpan.FromHours(1));
        _writes = new Refill(time, Options.ContentCreatingPerMinute, TimeSpan.FromMinutes(1));
    }

    /// <summary>The limits of this budget.</summary>
    public GitHubRequestBudgetOptions Options { get; }

    /// <summary>Requests in flight now.</summary>
    public int InFlight => Options.MaxConcurrent - _concurrent.CurrentCount;

    /// <summary>How many requests had to wait for a permit so far.</summary>
    public long Waits => Interlocked.Read(ref _waits);

    /// <summary>How many requests were given a permit so far.</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>
    /// Waits for a primary permit, a secondary (write) permit when <paramref name="contentCreating"/>, and a
    /// concurrency slot. Dispose the result when the response has arrived.
    /// </summary>
    public async Task<IDisposable> AcquireAsync(bool contentCreating, CancellationToken cancellationToken)
    {
        var waited = false;
        while (true)
        {
            TimeSpan wait;
            var askShared = false;
            lock (_gate)
            {
                var now = _time.GetUtcNow();
                if (now < _heldUntil)
                {
                    wait = _heldUntil - now;
                }
                else
                {
                    var primaryWait = _primary.TimeUntilOne();
                    var writeWait = contentCreating ? _writes.TimeUntilOne() : TimeSpan.Zero;
                    wait = primaryWait > writeWait ? primaryWait : writeWait;
                    if (wait <= TimeSpan.Zero)
                    {
                        if (_shared is null)
                        {
                            Take(contentCreating);
                            break;
                        }

                        askShared = true;
                    }
                }
            }

            if (askShared)
            {
                var take = await _shared!.TryTakeAsync(
                    _sharedKey,
                    new BucketDraw(1, Options.RequestsPerHour, Options.RequestsPerHour / 3600.0),
                    new BucketDraw(contentCreating ? 1 : 0, Options.ContentCreatingPerMinute, Options.ContentCreatingPerMinute / 60.0),
                    cancellationToken).ConfigureAwait(false);
                if (take.Granted)
                {
                    // Taken locally too, so this process alone never exceeds the limits when the store goes away.
                    lock (_gate)
                    {
                        Take(contentCreating);
                    }

                    break;
                }

                // A write bucket refills a permit within its minute's share; the hourly one within 1/5,000 h: bounded.
                wait = take.RetryAfter < TimeSpan.FromMilliseconds(5) ? TimeSpan.FromMilliseconds(5) : take.RetryAfter;
            }

            if (!waited)
            {
                waited = true;
                Interlocked.Increment(ref _waits);
            }

            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }

        await _concurrent.WaitAsync(cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _requests);
        return new Slot(_concurrent);
    }

    /// <summary>Reads GitHub's own account of the primary limit from a response: when it is spent, every request waits for its reset.</summary>
    public void Observe(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (Header(response, "x-ratelimit-remaining") is "0"
            && long.TryParse(Header(response, "x-ratelimit-reset"), NumberStyles.None, CultureInfo.InvariantCulture, out var reset))
        {
            var until = DateTimeOffset.FromUnixTimeSeconds(reset);
            lock (_gate)
            {
                var cap = _time.GetUtcNow() + TimeSpan.FromHours(1);
                until = until > cap ? cap : until;
                if (until > _heldUntil)
                {
                    _heldUntil = until;
                }
            }
        }
    }

    /// <inheritdoc />
    public void Dispose() => _concurrent.Dispose();

    private void Take(bool contentCreating)
    {
        _primary.Take();
        if (contentCreating)
        {
            _writes.Take();
        }
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    private sealed class Slot(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }

    /// <summary>A bucket of <c>capacity</c> permits refilled evenly over <c>period</c>. Used under the budget's lock.</summary>
    private sealed class Refill(TimeProvider time, int capacity, TimeSpan period)
    {
        private readonly double _perTick = capacity / (double)period.Ticks;
        private double _available = capacity;
        private long _at = time.GetTimestamp();

        public TimeSpan TimeUntilOne()
        {
            var now = time.GetTimestamp();
            var elapsed = time.GetElapsedTime(_at, now);
            _at = now;
            _available = Math.Min(capacity, _available + elapsed.Ticks * _perTick);
            return _available >= 1 - 1e-9 ? TimeSpan.Zero : TimeSpan.FromTicks((long)Math.Ceiling((1 - _available) / _perTick));
        }

        public void Take() => _available -= 1;
    }
}

/// <summary>The limits of a <see cref="GitHubRequestBudget"/>; defaults are GitHub's documented limits for an App installation.</summary>
public sealed class GitHubRequestBudgetOptions
{
    /// <summary>Primary rate limit: requests per hour. Default 5,000.</summary>
    public int RequestsPerHour { get; init; } = 5_000;

    /// <summary>Secondary limit: content-creating requests (POST, PATCH, PUT, DELETE) per minute. Default 80.</summary>
    public int ContentCreatingPerMinute { get; init; } = 80;

    /// <summary>Secondary limit: requests in flight at once. Default 100.</summary>
    public int MaxConcurrent { get; init; } = 100;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(RequestsPerHour, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ContentCreatingPerMinute, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrent, 1);
    }
}

/// <summary>Takes a permit of the <see cref="GitHubRequestBudget"/> for every request sent (each retry included).</summary>
internal sealed class GitHubBudgetHandler(GitHubRequestBudget budget) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var contentCreating = request.Method != HttpMethod.Get && request.Method != HttpMethod.Head && request.Method != HttpMethod.Options;
        using var slot = await budget.AcquireAsync(contentCreating, cancellationToken).ConfigureAwait(false);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        budget.Observe(response);
        return response;
    }
}
