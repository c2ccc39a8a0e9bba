namespace ReviewBot.Core.Changes;

/// <summary>
/// The files of a repository at one revision (the base or the head of a change set).
/// Implementations: a local git repository, a GitHub archive, or memory in tests.
/// </summary>
public interface ISnapshot
{
    /// <summary>The commit SHA or ref this snapshot shows.</summary>
    string Revision { get; }

    /// <summary>Every file path (forward slashes, relative to the repository root).</summary>
    ValueTask<IReadOnlyList<string>> ListFilesAsync(CancellationToken cancellationToken);

    /// <summary>The text of the given files; absent and binary files are missing from the result.</summary>
    ValueTask<IReadOnlyDictionary<string, string>> ReadFilesAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken);

    /// <summary>
    /// Why each of <paramref name="paths"/> is absent from <see cref="ReadFilesAsync"/>: binary by content, larger
    /// than <c>limits.max_file_bytes</c>, not a regular file, or missing. Paths that read as text are not in the result.
    /// </summary>
    async ValueTask<IReadOnlyDictionary<string, SkippedFile>> ExplainAbsentAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
    {
        var read = await ReadFilesAsync(paths, cancellationToken).ConfigureAwait(false);
        var listed = (await ListFilesAsync(cancellationToken).ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);
        var result = new Dictionary<string, SkippedFile>(StringComparer.Ordinal);
        foreach (var path in paths.Where(p => !read.ContainsKey(p)))
        {
            result[path] = listed.Contains(path)
                ? new SkippedFile(path, "not readable as text from the snapshot")
                : new SkippedFile(path, $"missing from the snapshot of {Revision}");
        }

        return result;
    }
}
