using System.Collections.Concurrent;

namespace ReviewBot.App.Queue;

/// <summary>Why the worker cancelled a running review; the reviewer reads it to decide what the check says.</summary>
internal enum CancelReason
{
    /// <summary>This instance is shutting down.</summary>
    Shutdown,

    /// <summary>A newer head of the pull request was queued: complete the check as superseded.</summary>
    Superseded,

    /// <summary>The lease expired and another worker took the review over: publish nothing.</summary>
    LeaseLost,
}

/// <summary>The cancellation reason of each running review (by <see cref="ReviewRequest.ReviewId"/>), set by the worker before it cancels.</summary>
internal sealed class ReviewCancellations
{
    private readonly ConcurrentDictionary<long, (CancelReason Reason, string? Detail)> _reasons = new();

    public void Set(long reviewId, CancelReason reason, string? detail = null) => _reasons.TryAdd(reviewId, (reason, detail));

    /// <summary>The reason, or <see cref="CancelReason.Shutdown"/> when none was recorded (the host's own cancellation).</summary>
    public (CancelReason Reason, string? Detail) Get(long reviewId) =>
        _reasons.TryGetValue(reviewId, out var reason) ? reason : (CancelReason.Shutdown, null);

    public void Clear(long reviewId) => _reasons.TryRemove(reviewId, out _);
}
