namespace ReviewBot.Core.Changes;

/// <summary>
/// Why a changed file was left out of (part of) the review. Only <see cref="NotAnalysed"/> can make a run
/// incomplete: the others are choices of the repository (paths, binary data) or leave nothing to read.
/// </summary>
public enum SkipKind
{
    /// <summary>A text file that should have been read and was not (too large, clipped, unparseable, missing from the snapshot, timed out).</summary>
    NotAnalysed,

    /// <summary>Binary by content (a NUL byte in its first 8,000 bytes): listed, never blocking; data repositories commit such files routinely.</summary>
    Binary,

    /// <summary>Outside the configured <c>paths</c>: the repository chose not to review it.</summary>
    Excluded,

    /// <summary>No content change to read (a rename, copy or mode change only).</summary>
    NoContentChange,

    /// <summary>The rules analysed it, but the agent's LLM pass did not see it (shed, no answer, over its slice).</summary>
    NotSeenByLlm,
}
