namespace ReviewBot.Core.Changes;

/// <summary>
/// A copied file is a new file. git's copy detection (<c>-C</c>) and GitHub's <c>copied</c> status describe it as a
/// diff against the file it was copied from, so every rule would see only the few lines that differ, match the copy
/// to the original's model at base, and read the original's tests as "removed" from a brand-new model. Reviews
/// turn copies into additions (all lines added, no base path) before anything reads the change.
/// </summary>
public static class CopiedFiles
{
    /// <summary>The change with every <see cref="ChangeKind.Copied"/> file replaced by an addition of its head content.</summary>
    public static async Task<ChangeSet> AsAdditionsAsync(ChangeSet change, CancellationToken ct)
    {
        var copies = change.Files.Where(f => f.Kind == ChangeKind.Copied).ToList();
        if (copies.Count == 0)
        {
            return change;
        }

        var texts = await change.Head.ReadFilesAsync(copies.Where(f => !f.IsBinary).Select(f => f.Path).ToList(), ct).ConfigureAwait(false);
        var files = change.Files.Select(f => f.Kind != ChangeKind.Copied ? f : Addition(f, texts.GetValueOrDefault(f.Path))).ToList();
        return change with { Files = files };
    }

    private static FileChange Addition(FileChange copy, string? text)
    {
        if (text is null)
        {
            // Binary, too large or unreadable: still an addition, with no lines to show.
            return copy with { Kind = ChangeKind.Added, OldPath = null, Similarity = null, Hunks = [] };
        }

        var lines = text.Split('\n');
        var count = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        var diffLines = new List<DiffLine>(count);
        for (var i = 0; i < count; i++)
        {
            diffLines.Add(new DiffLine(DiffLineKind.Added, lines[i].TrimEnd('\r'), null, i + 1) { NoNewlineAtEnd = i == count - 1 && !text.EndsWith('\n') });
        }

        IReadOnlyList<DiffHunk> hunks = count == 0 ? [] : [new DiffHunk(0, 0, 1, count, "", diffLines)];
        return copy with { Kind = ChangeKind.Added, OldPath = null, Similarity = null, Hunks = hunks };
    }
}
