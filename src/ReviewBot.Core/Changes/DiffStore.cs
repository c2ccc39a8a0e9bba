using System.Collections;

namespace ReviewBot.Core.Changes;

/// <summary>
/// The hunks and lines of one parsed diff, flat: per line a text reference and its two line numbers (16 bytes), per
/// hunk its header numbers, its first line and a section index (24 bytes), in chunked arrays. A <see cref="DiffHunk"/>
/// or <see cref="DiffLine"/> object costs more than the text it describes in a diff of small hunks, so they are made
/// on access and not kept: a diff of a million two-line hunks is then about twice its own size (issue 19).
/// </summary>
internal sealed class DiffStore
{
    private readonly ChunkedArray<LineSlot> _lines = new();
    private readonly ChunkedArray<HunkSlot> _hunks = new();
    private readonly List<string> _sections = [""];

    // Lines git marked with "\ No newline at end of file": at most one a side per file, so a set beside the lines
    // rather than a flag byte on every line.
    private HashSet<int>? _noNewline;

    public int LineCount => _lines.Count;

    public int HunkCount => _hunks.Count;

    public void AddLine(string text, int? baseLine, int? headLine) => _lines.Add(new LineSlot(text, baseLine ?? -1, headLine ?? -1));

    public void MarkNoNewline(int line) => (_noNewline ??= []).Add(line);

    /// <summary>Opens a hunk whose lines are the ones added from now until the next hunk opens.</summary>
    public void AddHunk(int baseStart, int baseCount, int headStart, int headCount, string section)
    {
        if (!ReferenceEquals(section, _sections[^1]))
        {
            _sections.Add(section);
        }

        _hunks.Add(new HunkSlot(baseStart, baseCount, headStart, headCount, _lines.Count, _sections.Count - 1));
    }

    /// <summary>Drops the growth slack once parsing is done.</summary>
    public void Trim()
    {
        _lines.Trim();
        _hunks.Trim();
        _sections.TrimExcess();
    }

    public DiffLine Line(int index)
    {
        ref var slot = ref _lines[index];
        var kind = slot.BaseLine < 0 ? DiffLineKind.Added : slot.HeadLine < 0 ? DiffLineKind.Removed : DiffLineKind.Context;
        return new DiffLine(kind, slot.Text, slot.BaseLine < 0 ? null : slot.BaseLine, slot.HeadLine < 0 ? null : slot.HeadLine)
        {
            NoNewlineAtEnd = _noNewline?.Contains(index) == true,
        };
    }

    public DiffHunk Hunk(int index)
    {
        ref var slot = ref _hunks[index];
        var end = index + 1 < _hunks.Count ? _hunks[index + 1].FirstLine : _lines.Count;
        return new DiffHunk(slot.BaseStart, slot.BaseCount, slot.HeadStart, slot.HeadCount, _sections[slot.Section], new StoredLines(this, slot.FirstLine, end - slot.FirstLine));
    }

    public (int Start, int Count) HeadRange(int index)
    {
        ref var slot = ref _hunks[index];
        return (slot.HeadStart, slot.HeadCount);
    }

    /// <summary>A kind is not stored: a context line has both numbers, an added line only the head's, a removed line only the base's.</summary>
    private readonly record struct LineSlot(string Text, int BaseLine, int HeadLine);

    private readonly record struct HunkSlot(int BaseStart, int BaseCount, int HeadStart, int HeadCount, int FirstLine, int Section);
}

/// <summary>
/// The hunks of one file: a window on a <see cref="DiffStore"/>; O(1) count and indexing. Each access makes a new
/// <see cref="DiffHunk"/>; two made for the same hunk are equal (their line windows are).
/// </summary>
internal sealed class StoredHunks(DiffStore store, int start, int count) : IReadOnlyList<DiffHunk>
{
    public int Count => count;

    public DiffHunk this[int index] => (uint)index < (uint)count ? store.Hunk(start + index) : throw new ArgumentOutOfRangeException(nameof(index));

    /// <summary>The head start and count of hunk <paramref name="index"/>, without making the hunk.</summary>
    public (int Start, int Count) HeadRange(int index) => (uint)index < (uint)count ? store.HeadRange(start + index) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<DiffHunk> GetEnumerator()
    {
        for (var i = 0; i < count; i++)
        {
            yield return store.Hunk(start + i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>The lines of one hunk: a window on a <see cref="DiffStore"/>; O(1) count and indexing; equal to another window on the same lines.</summary>
internal sealed class StoredLines(DiffStore store, int start, int count) : IReadOnlyList<DiffLine>, IEquatable<StoredLines>
{
    public int Count => count;

    public DiffLine this[int index] => (uint)index < (uint)count ? store.Line(start + index) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<DiffLine> GetEnumerator()
    {
        for (var i = 0; i < count; i++)
        {
            yield return store.Line(start + i);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(StoredLines? other) => other is not null && ReferenceEquals(store, other.Store) && start == other.Start && count == other.Count;

    public override bool Equals(object? obj) => Equals(obj as StoredLines);

    public override int GetHashCode() => HashCode.Combine(store, start, count);

    private DiffStore Store => store;

    private int Start => start;
}
