namespace ReviewBot.App.Queue;

/// <summary>
/// The embedded store for a single instance: the <see cref="IReviewStore"/> contract in process memory, on the
/// <see cref="TimeProvider"/>. Nothing survives a restart. Memory stays bounded: waiting pull requests by
/// <see cref="ReviewStoreOptions.Capacity"/>, remembered deliveries and finished reviews by
/// <see cref="ReviewStoreOptions.DedupeCapacity"/> (the oldest are forgotten first).
/// </summary>
internal sealed class InMemoryReviewStore(ReviewStoreOptions options, TimeProvider time) : IReviewStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<long, Entry> _reviews = [];
    private readonly Dictionary<PullRequestKey, Slot> _slots = [];
    private readonly Dictionary<string, List<long>> _deliveries = new(StringComparer.Ordinal);
    private readonly Queue<string> _deliveryOrder = new();
    private readonly Dictionary<ReplayKey, long> _latest = [];
    private readonly Queue<long> _finished = new();
    private TaskCompletionSource _work = NewSignal();
    private long _nextId;
    private bool _closed;

    public bool IsDurable => false;

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlyList<AcceptResult>> AcceptAsync(string deliveryId, IReadOnlyList<ReviewRequest> requests, CancellationToken cancellationToken)
    {
        var results = new List<AcceptResult>(requests.Count);
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (_closed)
            {
                results.AddRange(requests.Select(r => new AcceptResult(r, AcceptOutcome.Closed)));
            }
            else if (_deliveries.TryGetValue(deliveryId, out var earlier))
            {
                // A redelivery: run again what finally failed, drop the rest.
                foreach (var request in requests)
                {
                    var mine = earlier.Select(id => _reviews.GetValueOrDefault(id)).OfType<Entry>()
                        .Where(e => e.Request.Key == request.Key && string.Equals(e.Request.HeadSha, request.HeadSha, StringComparison.OrdinalIgnoreCase)).ToList();
                    var failed = mine.FirstOrDefault(e => e.State == ReviewState.Failed);
                    if (failed is null || mine.Any(e => e.State is ReviewState.Queued or ReviewState.Running or ReviewState.Succeeded))
                    {
                        results.Add(new AcceptResult(request, AcceptOutcome.Duplicate, "this delivery was already received"));
                        continue;
                    }

                    var (outcome, detail, id) = EnqueueLocked(deliveryId, failed.Request with { ReviewId = 0, Attempt = 1 }, now);
                    earlier.Add(id);
                    results.Add(new AcceptResult(request, outcome == AcceptOutcome.Coalesced ? AcceptOutcome.Coalesced : AcceptOutcome.Requeued, detail));
                }
            }
            else
            {
                var newPullRequests = requests.Select(r => r.Key).Distinct().Count(k => !_slots.TryGetValue(k, out var s) || s.Waiting is null);
                if (WaitingLocked() + newPullRequests > options.Capacity && newPullRequests > 0)
                {
                    results.AddRange(requests.Select(r => new AcceptResult(r, AcceptOutcome.Full)));
                    return Task.FromResult<IReadOnlyList<AcceptResult>>(results);
                }

                var ids = new List<long>();
                foreach (var request in requests)
                {
                    if (ReplayOfLocked(request, now) is { } replayed)
                    {
                        results.Add(new AcceptResult(request, AcceptOutcome.Replay, $"the same {request.Trigger} of {request.Key} at {request.HeadSha} was accepted as delivery {replayed.Request.DeliveryId}"));
                        continue;
                    }

                    var (outcome, detail, id) = EnqueueLocked(deliveryId, request, now);
                    ids.Add(id);
                    results.Add(new AcceptResult(request, outcome, detail));
                }

                RememberDeliveryLocked(deliveryId, ids);
            }

            SignalLocked();
        }

        return Task.FromResult<IReadOnlyList<AcceptResult>>(results);
    }

    public Task<ClaimedReview?> TryClaimAsync(string worker, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            Entry? next = null;
            foreach (var slot in _slots.Values)
            {
                Entry? candidate = slot.Running is { } running && running.LeaseUntil < now ? running
                    : slot.Running is null && slot.Waiting is { } waiting && waiting.RunAfter <= now ? waiting
                    : null;
                if (candidate is not null && (next is null || candidate.Id < next.Id))
                {
                    next = candidate;
                }
            }

            if (next is null)
            {
                return Task.FromResult<ClaimedReview?>(null);
            }

            var owner = _slots[next.Request.Key];
            if (ReferenceEquals(owner.Waiting, next))
            {
                owner.Waiting = null;
            }

            owner.Running = next;
            next.State = ReviewState.Running;
            next.Attempts++;
            next.Worker = worker;
            next.LeaseUntil = now + options.Lease;
            return Task.FromResult<ClaimedReview?>(new ClaimedReview(next.Id, Claimed(next), worker));
        }
    }

    public Task<LeaseState> RenewAsync(ClaimedReview claim, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!IsHeldLocked(claim, out var entry))
            {
                return Task.FromResult(new LeaseState(false, null));
            }

            entry.LeaseUntil = time.GetUtcNow() + options.Lease;
            return Task.FromResult(new LeaseState(true, entry.SupersededBy));
        }
    }

    public Task CompleteAsync(ClaimedReview claim, ReviewEnd end, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (IsHeldLocked(claim, out var entry))
            {
                FinishLocked(entry, end == ReviewEnd.Succeeded ? ReviewState.Succeeded : ReviewState.Superseded);
                SignalLocked();
            }
        }

        return Task.CompletedTask;
    }

    public Task<DateTimeOffset?> FailAsync(ClaimedReview claim, string reason, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!IsHeldLocked(claim, out var entry))
            {
                return Task.FromResult<DateTimeOffset?>(null);
            }

            entry.LastError = reason;
            var slot = _slots[entry.Request.Key];
            if (entry.Attempts >= options.MaxAttempts)
            {
                FinishLocked(entry, ReviewState.Failed);
                SignalLocked();
                return Task.FromResult<DateTimeOffset?>(null);
            }

            if (entry.SupersededBy is not null || slot.Waiting is not null)
            {
                // A newer head waits: retrying this one would review a commit nobody looks at any more.
                FinishLocked(entry, ReviewState.Superseded);
                SignalLocked();
                return Task.FromResult<DateTimeOffset?>(null);
            }

            slot.Running = null;
            slot.Waiting = entry;
            entry.State = ReviewState.Queued;
            entry.Worker = null;
            entry.RunAfter = time.GetUtcNow() + options.BackoffBefore(entry.Attempts + 1);
            SignalLocked();
            return Task.FromResult<DateTimeOffset?>(entry.RunAfter);
        }
    }

    public Task ReleaseAsync(ClaimedReview claim, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (IsHeldLocked(claim, out var entry))
            {
                var slot = _slots[entry.Request.Key];
                if (slot.Waiting is not null)
                {
                    FinishLocked(entry, ReviewState.Superseded);
                }
                else
                {
                    slot.Running = null;
                    slot.Waiting = entry;
                    entry.State = ReviewState.Queued;
                    entry.Worker = null;
                    entry.Attempts--;
                }

                SignalLocked();
            }
        }

        return Task.CompletedTask;
    }

    public Task<QueueSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var waiting = _slots.Values.Select(s => s.Waiting).OfType<Entry>().ToList();
            var oldest = waiting.Count == 0 ? TimeSpan.Zero : now - waiting.Min(e => e.CreatedAt);
            return Task.FromResult(new QueueSnapshot(waiting.Count, _slots.Values.Count(s => s.Running is not null), oldest));
        }
    }

    public Task<string?> CheckReadyAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    public Task<IReadOnlyList<ReviewRequest>> CloseAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _closed = true;
            var lost = new List<ReviewRequest>();
            foreach (var slot in _slots.Values.OrderBy(s => s.Waiting?.Id ?? long.MaxValue).ToList())
            {
                if (slot.Waiting is { } waiting)
                {
                    lost.Add(waiting.Request);
                    slot.Waiting = null;
                    FinishLocked(waiting, ReviewState.Superseded);
                }
            }

            SignalLocked();
            return Task.FromResult<IReadOnlyList<ReviewRequest>>(lost);
        }
    }

    public async Task WaitForWorkAsync(TimeSpan atMost, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            var now = time.GetUtcNow();
            var due = _slots.Values.Select(s => s.Waiting).OfType<Entry>().Select(e => e.RunAfter - now).DefaultIfEmpty(atMost).Min();
            atMost = due < atMost ? (due > TimeSpan.Zero ? due : TimeSpan.FromMilliseconds(1)) : atMost;
            signal = _work.Task;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(atMost, time, timeout.Token);
        await Task.WhenAny(signal, delay).ConfigureAwait(false);
        await timeout.CancelAsync().ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    private (AcceptOutcome Outcome, string? Detail, long Id) EnqueueLocked(string deliveryId, ReviewRequest request, DateTimeOffset now)
    {
        if (!_slots.TryGetValue(request.Key, out var slot))
        {
            slot = new Slot();
            _slots[request.Key] = slot;
        }

        var entry = new Entry(++_nextId, request with { DeliveryId = deliveryId }, now);
        _reviews[entry.Id] = entry;
        _latest[ReplayKey.Of(request)] = entry.Id;
        var waiting = slot.Waiting;
        slot.Waiting = entry;
        string? superseded = null;
        if (waiting is not null)
        {
            superseded = waiting.Request.HeadSha;
            waiting.SupersededBy = request.HeadSha;
            FinishLocked(waiting, ReviewState.Superseded);
        }

        if (slot.Running is { } running && !string.Equals(running.Request.HeadSha, request.HeadSha, StringComparison.OrdinalIgnoreCase))
        {
            running.SupersededBy = request.HeadSha;
        }

        return (superseded is null ? AcceptOutcome.Queued : AcceptOutcome.Coalesced, superseded, entry.Id);
    }

    private Entry? ReplayOfLocked(ReviewRequest request, DateTimeOffset now)
    {
        if (!_latest.TryGetValue(ReplayKey.Of(request), out var id) || !_reviews.TryGetValue(id, out var earlier)
            || now - earlier.CreatedAt > options.ReplayWindow || earlier.State == ReviewState.Failed)
        {
            return null;
        }

        // A person asking for a rerun is not a replay once the earlier review is over.
        var rerun = request.Trigger.EndsWith(".rerequested", StringComparison.Ordinal);
        return !rerun || earlier.State is ReviewState.Queued or ReviewState.Running ? earlier : null;
    }

    private void FinishLocked(Entry entry, ReviewState state)
    {
        entry.State = state;
        entry.Worker = null;
        if (_slots.TryGetValue(entry.Request.Key, out var slot))
        {
            if (ReferenceEquals(slot.Running, entry))
            {
                slot.Running = null;
            }

            if (slot.Running is null && slot.Waiting is null)
            {
                _slots.Remove(entry.Request.Key);
            }
        }

        _finished.Enqueue(entry.Id);
        while (_finished.Count > options.DedupeCapacity && _finished.TryDequeue(out var old))
        {
            if (_reviews.Remove(old, out var forgotten) && _latest.TryGetValue(ReplayKey.Of(forgotten.Request), out var latest) && latest == old)
            {
                _latest.Remove(ReplayKey.Of(forgotten.Request));
            }
        }
    }

    private void RememberDeliveryLocked(string deliveryId, List<long> ids)
    {
        _deliveries[deliveryId] = ids;
        _deliveryOrder.Enqueue(deliveryId);
        while (_deliveryOrder.Count > options.DedupeCapacity && _deliveryOrder.TryDequeue(out var old))
        {
            _deliveries.Remove(old);
        }
    }

    private bool IsHeldLocked(ClaimedReview claim, out Entry entry)
    {
        entry = _reviews.GetValueOrDefault(claim.Id)!;
        return entry is { State: ReviewState.Running } && string.Equals(entry.Worker, claim.Worker, StringComparison.Ordinal);
    }

    private int WaitingLocked() => _slots.Values.Count(s => s.Waiting is not null);

    private ReviewRequest Claimed(Entry entry) =>
        entry.Request with { ReviewId = entry.Id, Attempt = Math.Min(entry.Attempts, options.MaxAttempts), MaxAttempts = options.MaxAttempts };

    private void SignalLocked()
    {
        _work.TrySetResult();
        _work = NewSignal();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private enum ReviewState
    {
        Queued,
        Running,
        Succeeded,
        Failed,
        Superseded,
    }

    private readonly record struct ReplayKey(PullRequestKey PullRequest, string HeadSha, string Trigger)
    {
        public static ReplayKey Of(ReviewRequest r) => new(r.Key, r.HeadSha.ToLowerInvariant(), r.Trigger);
    }

    private sealed class Entry(long id, ReviewRequest request, DateTimeOffset createdAt)
    {
        public long Id { get; } = id;

        public ReviewRequest Request { get; } = request;

        public DateTimeOffset CreatedAt { get; } = createdAt;

        public ReviewState State { get; set; } = ReviewState.Queued;

        public int Attempts { get; set; }

        public DateTimeOffset RunAfter { get; set; } = createdAt;

        public string? Worker { get; set; }

        public DateTimeOffset LeaseUntil { get; set; }

        public string? SupersededBy { get; set; }

        public string? LastError { get; set; }
    }

    // Per pull request: at most one review waiting and one running; removed when neither remains.
    private sealed class Slot
    {
        public Entry? Running { get; set; }

        public Entry? Waiting { get; set; }
    }
}
