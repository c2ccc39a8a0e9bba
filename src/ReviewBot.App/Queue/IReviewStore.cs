namespace ReviewBot.App.Queue;

/// <summary>
/// Where accepted deliveries and their reviews live until they are published: the in-memory store (one
/// instance, the default) or PostgreSQL (any number of replicas, <c>REVIEWBOT_POSTGRES</c>). Both keep the
/// same contract (tests/ReviewBot.App.Tests/Queue/ReviewStoreContract.cs):
/// <list type="bullet">
/// <item>a delivery is recorded once (unique on its id) together with its reviews, before the App answers;</item>
/// <item>per pull request at most one review waits and one runs; a newer request replaces the waiting one and
/// asks the running one (of another head) to stop — the newest head wins;</item>
/// <item>a claim holds a lease that the worker renews; an expired lease makes the review claimable again;</item>
/// <item>a failed review is retried with backoff up to <see cref="ReviewStoreOptions.MaxAttempts"/>; a redelivery of a
/// delivery whose review finally failed runs it again;</item>
/// <item>the same (pull request, head, trigger) under a new delivery id within <see cref="ReviewStoreOptions.ReplayWindow"/>
/// is a replay and is dropped.</item>
/// </list>
/// </summary>
internal interface IReviewStore
{
    /// <summary>Whether accepted work survives a restart of this process (true for PostgreSQL).</summary>
    bool IsDurable { get; }

    /// <summary>Creates or migrates the schema (idempotent). Throws when the store cannot be reached.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Records delivery <paramref name="deliveryId"/> and queues its <paramref name="requests"/> in one step,
    /// one result per request (a redelivery or replay yields results that say so).
    /// </summary>
    Task<IReadOnlyList<AcceptResult>> AcceptAsync(string deliveryId, IReadOnlyList<ReviewRequest> requests, CancellationToken cancellationToken);

    /// <summary>Claims the oldest runnable review (none of its pull request running) for <paramref name="worker"/>; null when there is none.</summary>
    Task<ClaimedReview?> TryClaimAsync(string worker, CancellationToken cancellationToken);

    /// <summary>Extends the claim's lease; says whether it is still held and whether it was asked to stop.</summary>
    Task<LeaseState> RenewAsync(ClaimedReview claim, CancellationToken cancellationToken);

    /// <summary>Marks the review done: published (or rightly skipped), or stopped because a newer head superseded it.</summary>
    Task CompleteAsync(ClaimedReview claim, ReviewEnd end, CancellationToken cancellationToken);

    /// <summary>Records a failed attempt: the review is queued again after a backoff, or (last attempt) marked failed. Returns when it runs again, or null.</summary>
    Task<DateTimeOffset?> FailAsync(ClaimedReview claim, string reason, CancellationToken cancellationToken);

    /// <summary>Hands a claimed review back without counting the attempt (this replica is shutting down).</summary>
    Task ReleaseAsync(ClaimedReview claim, CancellationToken cancellationToken);

    /// <summary>Queue depth and age for metrics and <c>/healthz</c>.</summary>
    Task<QueueSnapshot> SnapshotAsync(CancellationToken cancellationToken);

    /// <summary>Null when the store is reachable and its schema current; otherwise what is wrong (for <c>/readyz</c>).</summary>
    Task<string?> CheckReadyAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stops accepting deliveries (shutdown). Returns the reviews that were waiting and are now lost: all of them
    /// for the in-memory store, none for a durable one (they stay queued for the other replicas or the restart).
    /// </summary>
    Task<IReadOnlyList<ReviewRequest>> CloseAsync(CancellationToken cancellationToken);

    /// <summary>Completes when work may have become available (accepted here, a retry due) or after <paramref name="atMost"/>.</summary>
    Task WaitForWorkAsync(TimeSpan atMost, CancellationToken cancellationToken);
}

/// <summary>The store's settings (from <see cref="Options.AppSettings"/>).</summary>
internal sealed record ReviewStoreOptions
{
    /// <summary>Pull requests that may wait at once; beyond it deliveries are refused (503). Default 1,000.</summary>
    public int Capacity { get; init; } = 1_000;

    /// <summary>How long a claim holds without renewal; a crashed replica's review is taken over after it. Default 30 s.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts of one review before its check is completed as "Not reviewed". Default 3.</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The wait before the first retry; doubled for each further one. Default 30 s.</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the same (pull request, head, trigger) under a new delivery id counts as a replay. Default 1 hour.</summary>
    public TimeSpan ReplayWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Delivery ids and finished reviews kept for deduplication (in memory); PostgreSQL keeps them for <see cref="Retention"/>.</summary>
    public int DedupeCapacity { get; init; } = 10_000;

    /// <summary>How long PostgreSQL keeps finished reviews and delivery ids. Default 7 days.</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromDays(7);

    /// <summary>The backoff before attempt <paramref name="nextAttempt"/> (2 = first retry).</summary>
    public TimeSpan BackoffBefore(int nextAttempt) =>
        TimeSpan.FromTicks(RetryBackoff.Ticks * (1L << Math.Clamp(nextAttempt - 2, 0, 16)));
}

/// <summary>What became of one request handed to <see cref="IReviewStore.AcceptAsync"/>.</summary>
internal enum AcceptOutcome
{
    /// <summary>Queued: nothing of this pull request was waiting.</summary>
    Queued,

    /// <summary>Replaced the review waiting for the same pull request (the newest head wins).</summary>
    Coalesced,

    /// <summary>This delivery id was accepted before and its review did not fail: a redelivery, dropped.</summary>
    Duplicate,

    /// <summary>A redelivery of a delivery whose review finally failed: queued to run again.</summary>
    Requeued,

    /// <summary>The same pull request, head and trigger under another delivery id within the replay window: dropped.</summary>
    Replay,

    /// <summary>Refused: too many pull requests wait. The delivery should be retried later.</summary>
    Full,

    /// <summary>Refused: this instance is shutting down. The delivery should be retried later.</summary>
    Closed,
}

/// <summary>The outcome for one request; <paramref name="Detail"/> is the superseded head, or why it was dropped.</summary>
internal sealed record AcceptResult(ReviewRequest Request, AcceptOutcome Outcome, string? Detail = null);

/// <summary>A review this worker holds: its row id, the request (with its attempt number) and the lease's owner.</summary>
internal sealed record ClaimedReview(long Id, ReviewRequest Request, string Worker);

/// <summary>How a review ended when it did not fail.</summary>
internal enum ReviewEnd
{
    /// <summary>Published, or rightly skipped (closed pull request, head moved).</summary>
    Succeeded,

    /// <summary>Stopped because a newer head of the pull request was queued; its check was completed as superseded.</summary>
    Superseded,
}

/// <summary>The answer to a lease renewal.</summary>
/// <param name="Held">False: the lease expired and another worker took the review over; stop without publishing.</param>
/// <param name="SupersededBy">The newer head that replaces this review, when one was queued; stop and complete the check as superseded.</param>
internal sealed record LeaseState(bool Held, string? SupersededBy);

/// <summary>The queue at a glance.</summary>
/// <param name="Waiting">Reviews queued (retries included).</param>
/// <param name="Running">Reviews claimed by a worker.</param>
/// <param name="OldestWaiting">Age of the oldest queued review; zero when none waits.</param>
internal sealed record QueueSnapshot(int Waiting, int Running, TimeSpan OldestWaiting);
