using ReviewBot.Core.Changes;

namespace ReviewBot.TestUtils;

/// <summary>
/// Builds a <see cref="ChangeSet"/> from the files before and after a change, in memory: the diff of
/// each changed file is computed line by line (an LCS diff for ordinary files, a prefix/suffix diff
/// for very large ones), so hunks carry real base and head line numbers.
/// </summary>
public static class ChangeSets
{
    public static ChangeSet FromFiles(IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> after, int context = 3)
    {
        var files = new List<FileChange>();
        foreach (var path in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            var had = before.TryGetValue(path, out var old);
            var has = after.TryGetValue(path, out var now);
            if (had && has && old == now)
            {
                continue;
            }

            var kind = !had ? ChangeKind.Added : !has ? ChangeKind.Deleted : ChangeKind.Modified;
            files.Add(new FileChange(path, kind, Diff(Lines(old), Lines(now), context)));
        }

        return new ChangeSet(files, new MemorySnapshot("base", before), new MemorySnapshot("head", after));
    }

    /// <summary>A change set from a base project and the edits applied to it (null deletes a file).</summary>
    public static ChangeSet FromEdits(IReadOnlyDictionary<string, string> baseFiles, IReadOnlyDictionary<string, string?> edits, int context = 3)
    {
        var after = new Dictionary<string, string>(baseFiles, StringComparer.Ordinal);
        foreach (var (path, text) in edits)
        {
            if (text is null)
            {
                after.Remove(path);
            }
            else
            {
                after[path] = text;
            }
        }

        return FromFiles(baseFiles, after, context);
    }

    /// <summary>The hunks turning <paramref name="a"/> into <paramref name="b"/>.</summary>
    public static IReadOnlyList<DiffHunk> Diff(IReadOnlyList<string> a, IReadOnlyList<string> b, int context = 3)
    {
        var ops = (long)a.Count * b.Count <= 4_000_000 ? Lcs(a, b) : PrefixSuffix(a, b);
        var hunks = new List<DiffHunk>();
        var i = 0;
        while (i < ops.Count)
        {
            if (ops[i].Kind == DiffLineKind.Context)
            {
                i++;
                continue;
            }

            var start = Math.Max(0, i - context);
            var end = i;
            var lastChange = i;
            while (end < ops.Count)
            {
                if (ops[end].Kind != DiffLineKind.Context)
                {
                    lastChange = end;
                }
                else if (end - lastChange > context * 2)
                {
                    break;
                }

                end++;
            }

            end = Math.Min(ops.Count, lastChange + context + 1);
            var lines = ops.Skip(start).Take(end - start).ToList();
            var baseStart = lines.FirstOrDefault(l => l.BaseLine is not null)?.BaseLine ?? BaseBefore(ops, start) + 1;
            var headStart = lines.FirstOrDefault(l => l.HeadLine is not null)?.HeadLine ?? HeadBefore(ops, start) + 1;
            var baseCount = lines.Count(l => l.Kind != DiffLineKind.Added);
            var headCount = lines.Count(l => l.Kind != DiffLineKind.Removed);
            hunks.Add(new DiffHunk(baseCount == 0 ? baseStart - 1 : baseStart, baseCount, headCount == 0 ? headStart - 1 : headStart, headCount, "", lines));
            i = end;
        }

        return hunks;
    }

    private static int BaseBefore(List<DiffLine> ops, int index) => ops.Take(index).LastOrDefault(l => l.BaseLine is not null)?.BaseLine ?? 0;

    private static int HeadBefore(List<DiffLine> ops, int index) => ops.Take(index).LastOrDefault(l => l.HeadLine is not null)?.HeadLine ?? 0;

    private static List<DiffLine> Lcs(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var n = a.Count;
        var m = b.Count;
        var table = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
        {
            for (var j = m - 1; j >= 0; j--)
            {
                table[i, j] = a[i] == b[j] ? table[i + 1, j + 1] + 1 : Math.Max(table[i + 1, j], table[i, j + 1]);
            }
        }

        var ops = new List<DiffLine>(n + m);
        int x = 0, y = 0;
        while (x < n || y < m)
        {
            if (x < n && y < m && a[x] == b[y])
            {
                ops.Add(new DiffLine(DiffLineKind.Context, a[x], x + 1, y + 1));
                x++;
                y++;
            }
            else if (y < m && (x == n || table[x, y + 1] >= table[x + 1, y]))
            {
                ops.Add(new DiffLine(DiffLineKind.Added, b[y], null, y + 1));
                y++;
            }
            else
            {
                ops.Add(new DiffLine(DiffLineKind.Removed, a[x], x + 1, null));
                x++;
            }
        }

        return Reorder(ops);
    }

    // Git shows removals before additions within a block of changes.
    private static List<DiffLine> Reorder(List<DiffLine> ops)
    {
        var result = new List<DiffLine>(ops.Count);
        var i = 0;
        while (i < ops.Count)
        {
            if (ops[i].Kind == DiffLineKind.Context)
            {
                result.Add(ops[i++]);
                continue;
            }

            var block = new List<DiffLine>();
            while (i < ops.Count && ops[i].Kind != DiffLineKind.Context)
            {
                block.Add(ops[i++]);
            }

            result.AddRange(block.Where(l => l.Kind == DiffLineKind.Removed));
            result.AddRange(block.Where(l => l.Kind == DiffLineKind.Added));
        }

        return result;
    }

    private static List<DiffLine> PrefixSuffix(IReadOnlyList<string> a, IReadOnlyList<string> b)
    {
        var prefix = 0;
        while (prefix < a.Count && prefix < b.Count && a[prefix] == b[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Count - prefix && suffix < b.Count - prefix && a[a.Count - 1 - suffix] == b[b.Count - 1 - suffix])
        {
            suffix++;
        }

        var ops = new List<DiffLine>(a.Count + b.Count);
        for (var i = 0; i < prefix; i++)
        {
            ops.Add(new DiffLine(DiffLineKind.Context, a[i], i + 1, i + 1));
        }

        for (var i = prefix; i < a.Count - suffix; i++)
        {
            ops.Add(new DiffLine(DiffLineKind.Removed, a[i], i + 1, null));
        }

        for (var j = prefix; j < b.Count - suffix; j++)
        {
            ops.Add(new DiffLine(DiffLineKind.Added, b[j], null, j + 1));
        }

        for (var k = 0; k < suffix; k++)
        {
            var ai = a.Count - suffix + k;
            var bj = b.Count - suffix + k;
            ops.Add(new DiffLine(DiffLineKind.Context, a[ai], ai + 1, bj + 1));
        }

        return ops;
    }

    private static string[] Lines(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return [];
        }

        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }
}
