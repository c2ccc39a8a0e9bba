using ReviewBot.Core.Agents;

namespace ReviewBot.Orchestration.Lanes;

/// <summary>
/// Hands out <see cref="LaneOptions.MaxParallel"/> slots to ready items, always to the highest lane
/// first (ties: the order the items were declared in). A lower lane only gets a slot when no
/// higher-lane item is waiting, so it never delays one. Thread-safe.
/// </summary>
internal sealed class LaneScheduler<T>
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<T, (Lane Lane, int Order)> _ready = new();
    private readonly int _slots;
    private int _running;

    public LaneScheduler(int slots)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(slots, 1);
        _slots = slots;
    }

    public int Running
    {
        get
        {
            lock (_gate)
            {
                return _running;
            }
        }
    }

    /// <summary>Queues an item that is ready to start.</summary>
    public void Enqueue(T item, Lane lane, int order)
    {
        lock (_gate)
        {
            _ready.Enqueue(item, (lane, order));
        }
    }

    /// <summary>Takes a slot for the highest-priority waiting item, if a slot is free.</summary>
    public bool TryStartNext(out T item)
    {
        lock (_gate)
        {
            if (_running < _slots && _ready.TryDequeue(out item!, out _))
            {
                _running++;
                return true;
            }

            item = default!;
            return false;
        }
    }

    /// <summary>Removes every waiting item (e.g. when the run is cancelled).</summary>
    public List<T> DrainWaiting()
    {
        lock (_gate)
        {
            var items = new List<T>(_ready.Count);
            while (_ready.TryDequeue(out var item, out _))
            {
                items.Add(item);
            }

            return items;
        }
    }

    /// <summary>Frees the slot of an item that finished.</summary>
    public void Release()
    {
        lock (_gate)
        {
            _running--;
        }
    }
}
