namespace ReviewBot.Core.Changes;

/// <summary>A file that was not reviewed, and why (binary, too large, clipped, outside the configured paths).</summary>
public sealed record SkippedFile(string File, string Reason)
{
    /// <summary>
    /// What kind of omission this is; decides whether it can make a run incomplete (see <see cref="SkipKind"/>).
    /// Default <see cref="SkipKind.NotAnalysed"/>: an unexplained omission counts against the review.
    /// </summary>
    public SkipKind Kind { get; init; } = SkipKind.NotAnalysed;
}

/// <summary>What the pull request says about itself; null fields are unknown (local runs).</summary>
public sealed record PullRequestInfo(int Number, string Title, string Author, string HeadSha, string BaseSha)
{
    public string? Body { get; init; }

    public bool IsDraft { get; init; }

    public string? HtmlUrl { get; init; }
}

/// <summary>
/// Everything a review looks at: the parsed diff (from the merge base to the head, as GitHub shows a PR),
/// and the repository at base and at head.
/// </summary>
public sealed record ChangeSet(IReadOnlyList<FileChange> Files, ISnapshot Base, ISnapshot Head)
{
    public PullRequestInfo? PullRequest { get; init; }

    /// <summary>Files the change source could not or would not provide.</summary>
    public IReadOnlyList<SkippedFile> Skipped { get; init; } = [];

    /// <summary>A link prefix for file:line links in the comment, e.g. <c>https://github.com/o/r/blob/SHA/</c>; null locally.</summary>
    public string? BlobUrlPrefix { get; init; }
}
