using System.Collections;

namespace ReviewBot.Core.Changes;

/// <summary>
/// The hunks and lines of one parsed diff, kept as positions in the diff's own bytes: per line the offset where it
/// starts (4 bytes; its kind is its first byte, its text the rest of it), per 32 lines the line numbers reached
/// there, per hunk its header numbers, first line and section (24 bytes). A <see cref="DiffLine"/> with its text in
/// a string costs 16 bytes and two per character, more than the bytes it describes (a diff of a million two-line
/// hunks, or of a million blank added lines, cost 4 to 8 times its size), so lines, texts and hunks are made on
/// access and not kept: the model is at most about twice the diff on top of the diff itself (issue 19).
/// </summary>
internal sealed class DiffStore(byte[] source)
{
    private const int CheckpointShift = 5;
    private const int CheckpointMask = (1 << CheckpointShift) - 1;

    private readonly ChunkedArray<int> _lineStarts = new();
    private readonly ChunkedArray<Numbers> _checkpoints = new();
    private readonly ChunkedArray<HunkSlot> _hunks = new();
    private readonly List<string> _sections = [""];

    // Lines git marked with "\ No newline at end of file": at most one a side per file, so a set beside the lines
    // rather than a flag on every line.
    private HashSet<int>? _noNewline;

    public int LineCount => _lineStarts.Count;

    public int HunkCount => _hunks.Count;

    /// <summary>
    /// Adds the hunk line starting at <paramref name="start"/> in the diff; <paramref name="nextBase"/> and
    /// <paramref name="nextHead"/> are the hunk's line numbers before it (kept every 32 lines, so a line's numbers are
    /// found by counting at most 31 lines).
    /// </summary>
    public void AddLine(int start, int nextBase, int nextHead)
    {
        if ((_lineStarts.Count & CheckpointMask) == 0)
        {
            _checkpoints.Add(new Numbers(nextBase, nextHead));
        }

        _lineStarts.Add(start);
    }

    public void MarkNoNewline(int line) => (_noNewline ??= []).Add(line);

    /// <summary>Opens a hunk whose lines are the ones added from now until the next hunk opens.</summary>
    public void AddHunk(int baseStart, int baseCount, int headStart, int headCount, string section)
    {
        if (!ReferenceEquals(section, _sections[^1]))
        {
            _sections.Add(section);
        }

        _hunks.Add(new HunkSlot(baseStart, baseCount, headStart, headCount, _lineStarts.Count, _sections.Count - 1));
    }

    /// <summary>Drops the growth slack once parsing is done.</summary>
    public void Trim()
    {
        _lineStarts.Trim();
        _checkpoints.Trim();
        _hunks.Trim();
        _sections.TrimExcess();
    }

    public DiffHunk Hunk(int index)
    {
        ref var slot = ref _hunks[index];
        var end = index + 1 < _hunks.Count ? _hunks[index + 1].FirstLine : _lineStarts.Count;
        var lines = new StoredLines(this, slot.FirstLine, end - slot.FirstLine, slot.BaseStart, slot.HeadStart);
        return new DiffHunk(slot.BaseStart, slot.BaseCount, slot.HeadStart, slot.HeadCount, _sections[slot.Section], lines);
    }

    public (int Start, int Count) HeadRange(int index)
    {
        ref var slot = ref _hunks[index];
        return (slot.HeadStart, slot.HeadCount);
    }

    /// <summary>
    /// The line's numbers: counted from the checkpoint at or before it, or from the hunk's start
    /// (<paramref name="first"/>, <paramref name="baseStart"/>, <paramref name="headStart"/>) when that is nearer.
    /// </summary>
    public DiffLine Line(int index, int first, int baseStart, int headStart)
    {
        var from = Math.Max(first, index & ~CheckpointMask);
        var next = from == first ? new Numbers(baseStart, headStart) : _checkpoints[from >> CheckpointShift];
        for (var i = from; i < index; i++)
        {
            next = next.After(Kind(i));
        }

        return Line(index, Kind(index), next);
    }

    public DiffLineKind Kind(int index)
    {
        var at = _lineStarts[index];
        return at >= source.Length ? DiffLineKind.Context : source[at] switch
        {
            (byte)'+' => DiffLineKind.Added,
            (byte)'-' => DiffLineKind.Removed,
            _ => DiffLineKind.Context, // ' ', or an empty line some tools write for an empty context line
        };
    }

    public DiffLine Line(int index, DiffLineKind kind, Numbers numbers) =>
        new(kind, Text(index), kind == DiffLineKind.Added ? null : numbers.Base, kind == DiffLineKind.Removed ? null : numbers.Head)
        {
            NoNewlineAtEnd = _noNewline?.Contains(index) == true,
        };

    private string Text(int index)
    {
        var rest = source.AsSpan(_lineStarts[index]);
        var end = rest.IndexOf((byte)'\n');
        var line = end < 0 ? rest : rest[..end];
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        return line.Length <= 1 ? "" : UnifiedDiffParser.Decode(line[1..]);
    }

    /// <summary>The base and head line numbers a line gets on the sides it has.</summary>
    internal readonly record struct Numbers(int Base, int Head)
    {
        public Numbers After(DiffLineKind kind) => new(kind == DiffLineKind.Added ? Base : Base + 1, kind == DiffLineKind.Removed ? Head : Head + 1);
    }

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

/// <summary>
/// The lines of one hunk: a window on a <see cref="DiffStore"/>; O(1) count, indexing in at most 31 steps, each
/// line's numbers counted on the way when enumerated; equal to another window on the same lines.
/// </summary>
internal sealed class StoredLines(DiffStore store, int start, int count, int baseStart, int headStart) : IReadOnlyList<DiffLine>, IEquatable<StoredLines>
{
    public int Count => count;

    private DiffStore Store => store;

    private int Start => start;

    public DiffLine this[int index] => (uint)index < (uint)count ? store.Line(start + index, start, baseStart, headStart) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<DiffLine> GetEnumerator()
    {
        var next = new DiffStore.Numbers(baseStart, headStart);
        for (var i = start; i < start + count; i++)
        {
            var kind = store.Kind(i);
            yield return store.Line(i, kind, next);
            next = next.After(kind);
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(StoredLines? other) => other is not null && ReferenceEquals(store, other.Store) && start == other.Start && count == other.Count;

    public override bool Equals(object? obj) => Equals(obj as StoredLines);

    public override int GetHashCode() => HashCode.Combine(store, start, count);
}
