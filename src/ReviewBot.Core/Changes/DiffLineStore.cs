using System.Collections;

namespace ReviewBot.Core.Changes;

/// <summary>
/// The lines of every hunk of one parsed diff, in flat arrays: per line a text reference, its base and head line
/// numbers and one byte of kind and flags — 17 bytes, where a <see cref="DiffLine"/> object with its slot in a
/// per-hunk array costs 56. A diff of a million hunks is then a small multiple of its own size (issue 19).
/// <see cref="DiffLine"/> values are made on access and not kept.
/// </summary>
internal sealed class DiffLineStore
{
    private const byte NoNewlineFlag = 4;

    private string[] _texts = new string[64];
    private int[] _numbers = new int[128];
    private byte[] _flags = new byte[64];

    public int Count { get; private set; }

    public int Add(DiffLineKind kind, string text, int? baseLine, int? headLine)
    {
        if (Count == _texts.Length)
        {
            Resize(Count * 2);
        }

        _texts[Count] = text;
        _numbers[2 * Count] = baseLine ?? -1;
        _numbers[(2 * Count) + 1] = headLine ?? -1;
        _flags[Count] = (byte)kind;
        return Count++;
    }

    public void MarkNoNewline(int index) => _flags[index] |= NoNewlineFlag;

    /// <summary>Drops the growth slack once parsing is done.</summary>
    public void Trim()
    {
        if (Count != _texts.Length)
        {
            Resize(Count);
        }
    }

    public DiffLine Get(int index)
    {
        var baseLine = _numbers[2 * index];
        var headLine = _numbers[(2 * index) + 1];
        var flags = _flags[index];
        return new DiffLine((DiffLineKind)(flags & 3), _texts[index], baseLine < 0 ? null : baseLine, headLine < 0 ? null : headLine)
        {
            NoNewlineAtEnd = (flags & NoNewlineFlag) != 0,
        };
    }

    private void Resize(int size)
    {
        Array.Resize(ref _texts, size);
        Array.Resize(ref _numbers, size * 2);
        Array.Resize(ref _flags, size);
    }
}

/// <summary>The lines of one hunk: a window on a <see cref="DiffLineStore"/>; O(1) count and indexing.</summary>
internal sealed class StoredLines(DiffLineStore store, int start, int count) : IReadOnlyList<DiffLine>
{
    public int Count => count;

    public DiffLine this[int index] => (uint)index < (uint)count ? store.Get(start + index) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<DiffLine> GetEnumerator()
    {
        for (var i = 0; i < count; i++)
        {
            yield return store.Get(start + i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
