namespace ReviewBot.App.Queue;

/// <summary>
/// The most recent delivery ids, to drop GitHub's redeliveries. Bounded: once full, the oldest id is
/// forgotten (least recently recorded first), so memory stays flat however long the App runs.
/// </summary>
internal sealed class DeliveryLog(int capacity)
{
    private readonly Dictionary<string, LinkedListNode<string>> _index = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _order = new();
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _index.Count;
            }
        }
    }

    /// <summary>Records <paramref name="deliveryId"/>; false when it was already recorded (a redelivery).</summary>
    public bool TryRecord(string deliveryId)
    {
        lock (_gate)
        {
            if (_index.ContainsKey(deliveryId))
            {
                return false;
            }

            if (_index.Count >= capacity)
            {
                var oldest = _order.First!;
                _order.RemoveFirst();
                _index.Remove(oldest.Value);
            }

            _index[deliveryId] = _order.AddLast(deliveryId);
            return true;
        }
    }

    /// <summary>Forgets a delivery that was not accepted after all, so GitHub's redelivery of it is taken.</summary>
    public void Forget(string deliveryId)
    {
        lock (_gate)
        {
            if (_index.Remove(deliveryId, out var node))
            {
                _order.Remove(node);
            }
        }
    }
}
