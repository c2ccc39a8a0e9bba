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
}
