using System.Threading.Channels;

namespace ReviewBot.App.Queue;

/// <summary>What became of a request handed to <see cref="ReviewQueue.Enqueue"/>.</summary>
public enum EnqueueOutcome
{
    /// <summary>Queued: the pull request had nothing waiting.</summary>
    Queued,

    /// <summary>Replaced the request already waiting for the same pull request (the newest head wins).</summary>
    Coalesced,

    /// <summary>Refused: too many pull requests are waiting. The delivery should be retried later.</summary>
    Full,

    /// <summary>Refused: the App is shutting down.</summary>
    Closed,
}

/// <summary>
/// The bounded in-process review queue, coalescing per pull request: for each one at most one review
/// runs and at most one waits, and a newer request replaces the waiting one. The channel carries pull
/// requests that are ready to run (each at most once), so its bound is the number of waiting pull requests.
/// </summary>
internal sealed class ReviewQueue
{
    private readonly Channel<PullRequestKey> _ready;
    private readonly Dictionary<PullRequestKey, Slot> _slots = [];
    private readonly Lock _gate = new();
    private bool _closed;

    public ReviewQueue(int capacity)
    {
        _ready = Channel.CreateBounded<PullRequestKey>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleWriter = false,
            SingleReader = false,
        });
    }

    /// <summary>Pull requests with a review running or waiting.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _slots.Count;
            }
        }
    }

    /// <summary>Queues <paramref name="request"/>; <paramref name="superseded"/> is the waiting request it replaced, if any.</summary>
    public EnqueueOutcome Enqueue(ReviewRequest request, out ReviewRequest? superseded)
    {
        superseded = null;
        lock (_gate)
        {
            if (_closed)
            {
                return EnqueueOutcome.Closed;
            }

            if (_slots.TryGetValue(request.Key, out var slot))
            {
                superseded = slot.Waiting;
                slot.Waiting = request;
                return superseded is null ? EnqueueOutcome.Queued : EnqueueOutcome.Coalesced;
            }

            if (!_ready.Writer.TryWrite(request.Key))
            {
                return EnqueueOutcome.Full;
            }

            _slots[request.Key] = new Slot { Waiting = request };
            return EnqueueOutcome.Queued;
        }
    }

    /// <summary>Waits for the next pull request to review and marks it running; null once the queue is closed and drained.</summary>
    public async ValueTask<ReviewRequest?> TakeAsync(CancellationToken cancellationToken)
    {
        while (await _ready.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (_ready.Reader.TryRead(out var key))
            {
                lock (_gate)
                {
                    if (_slots.TryGetValue(key, out var slot) && slot.Waiting is { } next)
                    {
                        slot.Waiting = null;
                        slot.Running = next;
                        return next;
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Marks <paramref name="finished"/> done. Returns the request that waited behind it for the same pull
    /// request (now running, for the caller to run next), or null when there is none or the queue is closed.
    /// </summary>
    public ReviewRequest? Complete(ReviewRequest finished)
    {
        lock (_gate)
        {
            if (!_slots.TryGetValue(finished.Key, out var slot) || !ReferenceEquals(slot.Running, finished))
            {
                return null;
            }

            if (slot.Waiting is { } next && !_closed)
            {
                slot.Waiting = null;
                slot.Running = next;
                return next;
            }

            _slots.Remove(finished.Key);
            return null;
        }
    }

    /// <summary>Stops accepting requests and hands back every request that was waiting (not running), oldest pull request first.</summary>
    public IReadOnlyList<ReviewRequest> Close()
    {
        lock (_gate)
        {
            _closed = true;
            _ready.Writer.TryComplete();
            var waiting = new List<ReviewRequest>();
            foreach (var (key, slot) in _slots.ToArray())
            {
                if (slot.Waiting is { } request)
                {
                    waiting.Add(request);
                    slot.Waiting = null;
                }

                if (slot.Running is null)
                {
                    _slots.Remove(key);
                }
            }

            return waiting;
        }
    }

    /// <summary>The reviews running right now.</summary>
    public IReadOnlyList<ReviewRequest> Running()
    {
        lock (_gate)
        {
            return [.. _slots.Values.Select(s => s.Running).OfType<ReviewRequest>()];
        }
    }

    // Invariant: a slot is either in the channel with a waiting request, or has a running review
    // (and maybe a waiting one that its worker takes next). It is removed when neither remains.
    private sealed class Slot
    {
        public ReviewRequest? Running { get; set; }

        public ReviewRequest? Waiting { get; set; }
    }
}
