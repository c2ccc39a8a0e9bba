namespace ReviewBot.GitHub.Publishing;

/// <summary>Publisher settings.</summary>
public sealed class GitHubPublisherOptions
{
    /// <summary>The check run name. Default <c>ReviewBot</c> (make it the required check).</summary>
    public string CheckName { get; init; } = "ReviewBot";

    /// <summary>
    /// The login that writes the comment when it is not a bot account (a personal access token). Marker
    /// comments are otherwise recognised by author type <c>Bot</c> (<c>github-actions[bot]</c>, an App's
    /// <c>name[bot]</c>): GET /user does not work with those tokens. Default null.
    /// </summary>
    public string? CommentAuthorLogin { get; init; }

    /// <summary>Shortest interval between progress updates of the check run. Default 10 s.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Link shown on the check run (the workflow run). Default null.</summary>
    public string? DetailsUrl { get; init; }
}
