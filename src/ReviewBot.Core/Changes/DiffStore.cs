using System.Collections;

namespace ReviewBot.Core.Changes;

/// <summary>
/// The hunks and lines of one parsed diff, kept as positions in the diff's own bytes. Lines go in groups of 32: per
/// group a checkpoint (where the group starts in the diff and the line numbers reached there, 16 bytes), per line the
/// distance of its start from the group's (2 bytes; its kind is its first byte, its text the rest of it); per hunk its
/// header numbers, first line and section (24 bytes). A <see cref="DiffLine"/> with its text in a string costs 16
/// bytes and two per character, more than the bytes it describes (a diff of short distinct lines cost 7 times its
/// size, one of blank added lines 8 times), so lines, texts and hunks are made on access and not kept: with the diff
/// itself the model is 1.3 to 2.3 times the diff whatever its lines, 2.8 times for 200,000 one-hunk files (issue 19).
/// </summary>
/// <remarks>
/// A group whose lines spread over more than 64 KiB of the diff (lines of 2 KiB on average) keeps its starts as
/// 4-byte offsets beside the others instead; the checkpoint says where.
/// </remarks>
internal sealed class DiffStore(byte[] source)
{
    private const int GroupShift = 5;
    private const int GroupMask = (1 << GroupShift) - 1;

    private readonly ChunkedArray<ushort> _lineStarts = new();
    private readonly ChunkedArray<Checkpoint> _checkpoints = new();
    private readonly ChunkedArray<int> _wideStarts = new();
    private readonly ChunkedArray<HunkSlot> _hunks = new();
    private readonly List<string> _sections = [""];

    // Lines git marked with "\ No newline at end of file": at most one a side per file, so a set beside the lines
    // rather than a flag on every line.
    private HashSet<int>? _noNewline;

    public int LineCount => _lineStarts.Count;

    public int HunkCount => _hunks.Count;

    /// <summary>
    /// Adds the hunk line starting at <paramref name="start"/> in the diff; <paramref name="nextBase"/> and
    /// <paramref name="nextHead"/> are the hunk's line numbers before it (kept once a group, so a line's numbers are
    /// found by counting at most 31 lines).
    /// </summary>
    public void AddLine(int start, int nextBase, int nextHead)
    {
        var index = _lineStarts.Count;
        if ((index & GroupMask) == 0)
        {
            _checkpoints.Add(new Checkpoint(start, nextBase, nextHead, -1));
        }

        ref var group = ref _checkpoints[index >> GroupShift];
        var distance = start - group.Start;
        if (group.Wide < 0 && distance > ushort.MaxValue)
        {
            // Rare: switch this group to full offsets, moving the starts it already has.
            group = group with { Wide = _wideStarts.Count };
            for (var i = index & ~GroupMask; i < index; i++)
            {
                _wideStarts.Add(group.Start + _lineStarts[i]);
            }
        }

        if (group.Wide >= 0)
        {
            _wideStarts.Add(start);
            _lineStarts.Add(0);
        }
        else
        {
            _lineStarts.Add((ushort)distance);
        }
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
        _wideStarts.Trim();
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
    /// Line <paramref name="index"/> of the hunk window [<paramref name="first"/>, <paramref name="end"/>): its numbers
    /// are counted from the group's checkpoint at or before it, or from the hunk's start (<paramref name="baseStart"/>,
    /// <paramref name="headStart"/>) when that is nearer.
    /// </summary>
    public DiffLine Line(int index, int first, int end, int baseStart, int headStart)
    {
        var from = Math.Max(first, index & ~GroupMask);
        var next = from == first ? new Numbers(baseStart, headStart) : _checkpoints[from >> GroupShift].Numbers;
        for (var i = from; i < index; i++)
        {
            next = next.After(Kind(Start(i)));
        }

        var start = Start(index);
        return Line(index, start, index + 1 < end ? Start(index + 1) : -1, Kind(start), next);
    }

    /// <summary>Where line <paramref name="index"/> starts in the diff.</summary>
    public int Start(int index)
    {
        ref var group = ref _checkpoints[index >> GroupShift];
        return group.Wide < 0 ? group.Start + _lineStarts[index] : _wideStarts[group.Wide + (index & GroupMask)];
    }

    public DiffLineKind Kind(int start) => start >= source.Length ? DiffLineKind.Context : source[start] switch
    {
        (byte)'+' => DiffLineKind.Added,
        (byte)'-' => DiffLineKind.Removed,
        _ => DiffLineKind.Context, // ' ', or an empty line some tools write for an empty context line
    };

    /// <summary>
    /// The line <paramref name="index"/> starting at <paramref name="start"/>; <paramref name="nextStart"/> is where
    /// the next line of the same hunk starts (its text ends just before, unless a "\ No newline" line sits between),
    /// or -1 for the hunk's last line.
    /// </summary>
    public DiffLine Line(int index, int start, int nextStart, DiffLineKind kind, Numbers numbers)
    {
        var noNewline = _noNewline?.Contains(index) == true;
        return new(kind, Text(start, noNewline ? -1 : nextStart), kind == DiffLineKind.Added ? null : numbers.Base, kind == DiffLineKind.Removed ? null : numbers.Head)
        {
            NoNewlineAtEnd = noNewline,
        };
    }

    private string Text(int start, int nextStart)
    {
        ReadOnlySpan<byte> line;
        if (nextStart > start)
        {
            // Lines of a hunk follow one another: this one ends at the next one's '\n'; no search.
            line = source.AsSpan(start, nextStart - 1 - start);
        }
        else
        {
            var rest = source.AsSpan(start);
            var end = rest.IndexOf((byte)'\n');
            line = end < 0 ? rest : rest[..end];
        }

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

    /// <summary>A group of 32 lines: where its first line starts, that line's numbers, and where its starts are kept as full offsets (or -1).</summary>
    private readonly record struct Checkpoint(int Start, int Base, int Head, int Wide)
    {
        public Numbers Numbers => new(Base, Head);
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

    public DiffLine this[int index] => (uint)index < (uint)count ? store.Line(start + index, start, start + count, baseStart, headStart) : throw new ArgumentOutOfRangeException(nameof(index));

    public IEnumerator<DiffLine> GetEnumerator()
    {
        var next = new DiffStore.Numbers(baseStart, headStart);
        var end = start + count;
        var at = count > 0 ? store.Start(start) : 0;
        for (var i = start; i < end; i++)
        {
            var following = i + 1 < end ? store.Start(i + 1) : -1;
            var kind = store.Kind(at);
            yield return store.Line(i, at, following, kind, next);
            next = next.After(kind);
            at = following;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public bool Equals(StoredLines? other) => other is not null && ReferenceEquals(store, other.Store) && start == other.Start && count == other.Count;

    public override bool Equals(object? obj) => Equals(obj as StoredLines);

    public override int GetHashCode() => HashCode.Combine(store, start, count);
}
