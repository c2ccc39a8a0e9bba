namespace ReviewBot.Core.Changes;

/// <summary>
/// One file of a change set. <see cref="Path"/> is the head path (the base path for a deletion);
/// <see cref="OldPath"/> is set for renames and copies.
/// </summary>
public sealed record FileChange(string Path, ChangeKind Kind, IReadOnlyList<DiffHunk> Hunks)
{
    public string? OldPath { get; init; }

    public bool IsBinary { get; init; }

    public string? OldMode { get; init; }

    public string? NewMode { get; init; }

    /// <summary>The pre-image blob id from the diff's <c>index</c> line (possibly abbreviated; all zeros when the file is new); null when the diff has none.</summary>
    public string? BaseBlob { get; init; }

    /// <summary>The post-image blob id from the diff's <c>index</c> line (all zeros when the file is deleted); null when the diff has none.</summary>
    public string? HeadBlob { get; init; }

    /// <summary>Similarity index of a rename or copy, in percent.</summary>
    public int? Similarity { get; init; }

    /// <summary>The path on the base side: <see cref="OldPath"/> when renamed or copied, else <see cref="Path"/>.</summary>
    public string BasePath => OldPath ?? Path;

    public IEnumerable<DiffLine> AddedLines => Hunks.SelectMany(h => h.Lines).Where(l => l.Kind == DiffLineKind.Added);

    public IEnumerable<DiffLine> RemovedLines => Hunks.SelectMany(h => h.Lines).Where(l => l.Kind == DiffLineKind.Removed);

    public int Additions => AddedLines.Count();

    public int Deletions => RemovedLines.Count();

    /// <summary>True when <paramref name="headLine"/> was added by this change.</summary>
    public bool IsAddedLine(int headLine)
    {
        for (var i = 0; i < Hunks.Count; i++)
        {
            var (start, count) = HeadRange(i);
            if (headLine < start || headLine >= start + Math.Max(count, 1))
            {
                continue;
            }

            foreach (var line in Hunks[i].Lines)
            {
                if (line.HeadLine == headLine)
                {
                    return line.Kind == DiffLineKind.Added;
                }
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="headLine"/> lies inside a hunk (added or context), so a comment can anchor there.</summary>
    public bool IsInHunk(int headLine)
    {
        for (var i = 0; i < Hunks.Count; i++)
        {
            var (start, count) = HeadRange(i);
            if (count > 0 && headLine >= start && headLine < start + count)
            {
                return true;
            }
        }

        return false;
    }

    // Parsed hunks are made on access (DiffStore): these per-line lookups read the headers only, not a hunk object each.
    private (int Start, int Count) HeadRange(int index) =>
        Hunks is StoredHunks stored ? stored.HeadRange(index) : (Hunks[index].HeadStart, Hunks[index].HeadCount);
}
