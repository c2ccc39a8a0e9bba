using System.Text.Json.Nodes;
using ReviewBot.Core;
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

    /// <summary>
    /// The pull request object of the REST API, which a <c>pull_request</c> event payload carries in the same shape.
    /// Read field by field with System.Text.Json: Octokit's reflection-based model binding of this object (a user,
    /// two repositories with their owners, links) cost the Action about 55 ms of its start (issue 16).
    /// </summary>
    /// <param name="repository">The base repository the pull request belongs to.</param>
    /// <param name="pullRequest">The <c>pull_request</c> object.</param>
    /// <param name="source">Where the object came from, for the error (e.g. <c>GITHUB_EVENT_PATH</c>).</param>
    public static GitHubPullRequest FromJson(RepositoryId repository, JsonNode? pullRequest, string source)
    {
        if (pullRequest is not JsonObject pr)
        {
            throw new InvalidInputException($"{source}: the pull request is not a JSON object.");
        }

        var number = Number(pr["number"]);
        var headSha = Text(pr["head"]?["sha"]);
        var baseSha = Text(pr["base"]?["sha"]);
        if (number is not > 0 || string.IsNullOrEmpty(headSha) || string.IsNullOrEmpty(baseSha))
        {
            throw new InvalidInputException($"{source}: the pull request object lacks number, head.sha or base.sha.");
        }

        var htmlUrl = Text(pr["html_url"]);
        var info = new PullRequestInfo(number.Value, Text(pr["title"]) ?? "", Text(pr["user"]?["login"]) ?? "", headSha, baseSha)
        {
            Body = Text(pr["body"]),
            IsDraft = Flag(pr["draft"]),
            HtmlUrl = htmlUrl,
        };
        return new GitHubPullRequest(repository, info)
        {
            IsOpen = Text(pr["state"]) == "open",
            ChangedFiles = Number(pr["changed_files"]) ?? 0,
            RepositoryHtmlUrl = RepositoryUrl(repository, Text(pr["base"]?["repo"]?["html_url"]), htmlUrl),
            IsFromFork = IsFork(Text(pr["head"]?["repo"]?["full_name"]), Text(pr["base"]?["repo"]?["full_name"])),
            BaseRef = Text(pr["base"]?["ref"]) ?? "",
        };
    }

    /// <summary>The base repository's web address: as reported, else cut from the pull request's, else github.com's.</summary>
    internal static string RepositoryUrl(RepositoryId repository, string? baseRepositoryUrl, string? pullRequestUrl) =>
        (baseRepositoryUrl ?? TrimPullUrl(pullRequestUrl) ?? $"https://github.com/{repository}").TrimEnd('/');

    /// <summary>A head in another repository; a deleted fork (no head repository) cannot be told apart and is not one.</summary>
    internal static bool IsFork(string? headRepository, string? baseRepository) =>
        headRepository is not null && baseRepository is not null && !string.Equals(headRepository, baseRepository, StringComparison.OrdinalIgnoreCase);

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool Flag(JsonNode? node) => node is JsonValue value && value.TryGetValue<bool>(out var flag) && flag;

    private static int? Number(JsonNode? node) => node is JsonValue value && value.TryGetValue<int>(out var number) ? number : null;

    private static string? TrimPullUrl(string? pullUrl)
    {
        var index = pullUrl?.LastIndexOf("/pull/", StringComparison.Ordinal) ?? -1;
        return index > 0 ? pullUrl![..index] : null;
    }
}
