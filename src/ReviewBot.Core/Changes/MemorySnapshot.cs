namespace ReviewBot.Core.Changes;

/// <summary>A snapshot held in memory: embedded samples, API-fetched archives, tests.</summary>
public sealed class MemorySnapshot(string revision, IReadOnlyDictionary<string, string> files) : ISnapshot
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
            if (files.TryGetValue(path, out var text))
            {
                result[path] = text;
            }
        }

        return ValueTask.FromResult<IReadOnlyDictionary<string, string>>(result);
    }
}
