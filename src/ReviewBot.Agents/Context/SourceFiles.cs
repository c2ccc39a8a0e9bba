using System.Collections.Concurrent;
using ReviewBot.Core.Changes;

namespace ReviewBot.Agents.Context;

/// <summary>
/// The file texts the shared context read once, at base and head. A path that did not change has the
/// same text on both sides, so it is read (and parsed) once.
/// </summary>
public sealed class SourceFiles
{
    private readonly IReadOnlyDictionary<string, string> _head;
    private readonly IReadOnlyDictionary<string, string> _base;
    private readonly ConcurrentDictionary<string, string[]> _headLines = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string[]> _baseLines = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int[]> _added = new(StringComparer.Ordinal);

    public SourceFiles(ChangeSet change, IReadOnlySet<string> headPaths, IReadOnlySet<string> basePaths, IReadOnlyDictionary<string, string> head, IReadOnlyDictionary<string, string> @base)
    {
        Change = change;
        HeadPaths = headPaths;
        BasePaths = basePaths;
        _head = head;
        _base = @base;
        Changed = change.Files.Where(f => f.Kind != ChangeKind.Deleted).GroupBy(f => f.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        ChangedBase = change.Files.Where(f => f.Kind is not (ChangeKind.Added or ChangeKind.Copied)).GroupBy(f => f.BasePath, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    public ChangeSet Change { get; }

    /// <summary>Every path at head.</summary>
    public IReadOnlySet<string> HeadPaths { get; }

    /// <summary>Every path at base.</summary>
    public IReadOnlySet<string> BasePaths { get; }

    /// <summary>Changed files present at head, by head path.</summary>
    public IReadOnlyDictionary<string, FileChange> Changed { get; }

    /// <summary>Changed files present at base, by base path.</summary>
    public IReadOnlyDictionary<string, FileChange> ChangedBase { get; }

    /// <summary>The head text of a path that was read; null when absent, binary or not read.</summary>
    public string? Head(string path) => _head.TryGetValue(path, out var text) ? text : null;

    /// <summary>The base text: the base version of a changed path, or the head text of an unchanged one.</summary>
    public string? Base(string path)
    {
        if (_base.TryGetValue(path, out var text))
        {
            return text;
        }

        return ChangedBase.ContainsKey(path) || !BasePaths.Contains(path) || Changed.ContainsKey(path) ? null : Head(path);
    }

    /// <summary>The head line numbers a changed file adds, sorted; empty for unchanged files.</summary>
    public int[] AddedLines(string path) => _added.GetOrAdd(path, p => Changed.TryGetValue(p, out var change)
        ? change.AddedLines.Select(l => l.HeadLine!.Value).Order().ToArray()
        : []);

    /// <summary>True when the change adds head line <paramref name="line"/> of <paramref name="path"/>.</summary>
    public bool IsAdded(string path, int line) => Array.BinarySearch(AddedLines(path), line) >= 0;

    public string[] HeadLines(string path) => _headLines.GetOrAdd(path, p => Split(Head(p)));

    public string[] BaseLines(string path) => _baseLines.GetOrAdd(path, p => Split(Base(p)));

    /// <summary>The head paths that were read.</summary>
    public IEnumerable<string> ReadHeadPaths => _head.Keys;

    private static string[] Split(string? text) => text is null ? [] : text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
}
