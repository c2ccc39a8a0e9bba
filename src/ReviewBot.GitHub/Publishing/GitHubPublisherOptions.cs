namespace ReviewBot.GitHub.Publishing;

/// <summary>Publisher settings.</summary>
public sealed class GitHubPublisherOptions
{
    /// <summary>The check run name. Default <c>ReviewBot</c> (make it the required check).</summary>
    public string CheckName { get; init; } = "ReviewBot";

    /// <summary>
    /// The login our comments are written by, when the host knows it up front: a personal access token's user
    /// (GET /user), or the App's <c>&lt;slug&gt;[bot]</c> (GET /app). Only marker comments by this login are edited
    /// or deleted. When null, the identity is learned from the check run this token creates (its App's slug:
    /// <c>github-actions</c> for GITHUB_TOKEN), then from <see cref="AssumedCommentAuthorLogin"/>. Default null.
    /// </summary>
    public string? CommentAuthorLogin { get; init; }

    /// <summary>
    /// The identity to assume when neither <see cref="CommentAuthorLogin"/> nor a created check run told it (the
    /// Action sets <c>github-actions[bot]</c> for an installation token whose check could not be written). Null:
    /// with no identity, no existing comment is edited or deleted; a new one is created. Default null.
    /// </summary>
    public string? AssumedCommentAuthorLogin { get; init; }

    /// <summary>Shortest interval between progress updates of the check run. Default 10 s.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Link shown on the check run (the workflow run). Default null.</summary>
    public string? DetailsUrl { get; init; }
}
