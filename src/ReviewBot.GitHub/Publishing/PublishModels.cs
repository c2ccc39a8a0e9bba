using ReviewBot.Core.Reports;

namespace ReviewBot.GitHub.Publishing;

/// <summary>Level of a check-run annotation.</summary>
public enum AnnotationLevel
{
    Notice,
    Warning,
    Failure,
}

/// <summary>One check-run annotation on a changed line (GitHub accepts 50 per request).</summary>
public sealed record CheckAnnotation(string Path, int StartLine, int EndLine, AnnotationLevel Level, string Title, string Message);

/// <summary>What to publish at the end of a run. Text fields are clipped to GitHub's 65,535 characters.</summary>
public sealed record PublishRequest
{
    public required Conclusion Conclusion { get; init; }

    /// <summary>The check run title (one line).</summary>
    public required string Title { get; init; }

    public required string Summary { get; init; }

    public string? Text { get; init; }

    /// <summary>The consolidated comment (it must contain <see cref="CommentMarker.Value"/>); null leaves the comment alone.</summary>
    public string? CommentBody { get; init; }

    public IReadOnlyList<CheckAnnotation> Annotations { get; init; } = [];
}

/// <summary>What happened to the comment.</summary>
public enum CommentAction
{
    NotWritten,
    Created,
    Updated,
    Unchanged,

    /// <summary>The head SHA moved during the run: a newer run owns the comment.</summary>
    SkippedHeadMoved,
}

/// <summary>
/// What publishing achieved. Never an exception: a read-only token (fork PRs) or an API failure is
/// reported in <see cref="Problems"/> so the host can fall back to the job summary, workflow
/// annotations and the exit code.
/// </summary>
public sealed record PublishOutcome
{
    public bool CheckWritten { get; init; }

    public long? CheckRunId { get; init; }

    public string? CheckRunUrl { get; init; }

    public CommentAction Comment { get; init; }

    public long? CommentId { get; init; }

    public string? CommentUrl { get; init; }

    /// <summary>Duplicate marker comments (two runs raced) deleted.</summary>
    public int DuplicatesDeleted { get; init; }

    public bool HeadMoved { get; init; }

    public string? CurrentHeadSha { get; init; }

    public int AnnotationsWritten { get; init; }

    public int AnnotationsRejected { get; init; }

    /// <summary>Plain sentences saying what could not be done and why.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];

    public bool CommentWritten => Comment is CommentAction.Created or CommentAction.Updated or CommentAction.Unchanged;
}
