namespace ReviewBot.Core.Changes;

/// <summary>
/// A snapshot held in memory: embedded samples, API-fetched archives, tests. A text holding a NUL character in its
/// first 8,000 characters is binary (git's own test) and is not read; <paramref name="omitted"/> explains files the
/// producer left out (an archive's oversized or binary entries).
/// </summary>
public sealed class MemorySnapshot(string revision, IReadOnlyDictionary<string, string> files, IReadOnlyDictionary<string, SkippedFile>? omitted = null) : ISnapshot
{
    public static MemorySnapshot Empty(string revision) => new(revision, new Dictionary<string, string>());

    public string Revision { get; } = revision;

    public ValueTask<IReadOnlyList<string>> ListFilesAsync(CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<string>>(files.Keys.Order(StringComparer.Ordinal).ToList());

    public ValueTask<IReadOnlyDictionary<string, string>> ReadFilesAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (files.TryGetValue(path, out var text) && !IsBinary(text))
            {
                result[path] = text;
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, string>>(result);
    }

    public ValueTask<IReadOnlyDictionary<string, SkippedFile>> ExplainAbsentAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, SkippedFile>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (files.TryGetValue(path, out var text))
            {
                if (IsBinary(text))
                {
                    result[path] = new SkippedFile(path, "binary file (by content)") { Kind = SkipKind.Binary };
                }
            }
            else
            {
                result[path] = omitted?.GetValueOrDefault(path) ?? new SkippedFile(path, $"missing from the snapshot of {Revision}");
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, SkippedFile>>(result);
    }

    private static bool IsBinary(string text) => text.AsSpan(0, Math.Min(text.Length, 8000)).Contains('\0');
}
