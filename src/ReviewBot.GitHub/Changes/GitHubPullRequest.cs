using ReviewBot.Core.Changes;

namespace ReviewBot.GitHub.Changes;

/// <summary>A pull request as the API reports it now.</summary>
public sealed record GitHubPullRequest(RepositoryId Repository, PullRequestInfo Info)
{
    /// <summary>False when the pull request is closed or merged.</summary>
    public bool IsOpen { get; init; } = true;

    /// <summary>The <c>changed_files</c> count GitHub reports (the files API lists at most 3,000).</summary>
    public int ChangedFiles { get; init; }

    /// <summary>The base repository's web address, e.g. <c>https://github.com/o/r</c>.</summary>
    public required string RepositoryHtmlUrl { get; init; }

    /// <summary>True when the head branch lives in another repository (a fork).</summary>
    public bool IsFromFork { get; init; }

    public string BaseRef { get; init; } = "";
}
