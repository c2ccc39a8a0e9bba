using System.Text.Json.Nodes;
using ReviewBot.Core;
using ReviewBot.GitHub.Changes;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.GitHub.Tests.Changes;

/// <summary>The pull request of a real <c>pull_request</c> event payload, read with System.Text.Json (issue 16).</summary>
public sealed class GitHubPullRequestTests
{
    private static readonly RepositoryId Repository = RepositoryId.Parse("Codertocat/Hello-World");

    [Fact]
    public void FromJson_OpenedPayload_EveryFieldTheReviewUses()
    {
        var pr = GitHubPullRequest.FromJson(Repository, WebhookFixtures.Load("pull_request/opened.payload.json")["pull_request"], "event");

        Assert.Equal(2, pr.Info.Number);
        Assert.Equal("Update the README with new information.", pr.Info.Title);
        Assert.Equal("Codertocat", pr.Info.Author);
        Assert.StartsWith("ec26c3e5", pr.Info.HeadSha, StringComparison.Ordinal);
        Assert.StartsWith("f95f852b", pr.Info.BaseSha, StringComparison.Ordinal);
        Assert.False(pr.Info.IsDraft);
        Assert.Equal("https://github.com/Codertocat/Hello-World/pull/2", pr.Info.HtmlUrl);
        Assert.True(pr.IsOpen);
        Assert.Equal(1, pr.ChangedFiles);
        Assert.Equal("https://github.com/Codertocat/Hello-World", pr.RepositoryHtmlUrl);
        Assert.False(pr.IsFromFork);
        Assert.Equal("master", pr.BaseRef);
    }

    [Theory]
    [InlineData("converted_to_draft", true, true)]
    [InlineData("closed", false, false)]
    public void FromJson_DraftAndClosedPayloads(string action, bool open, bool draft)
    {
        var pr = GitHubPullRequest.FromJson(Repository, WebhookFixtures.Load($"pull_request/{action}.payload.json")["pull_request"], "event");

        Assert.Equal(open, pr.IsOpen);
        Assert.Equal(draft, pr.Info.IsDraft);
    }

    [Fact]
    public void FromJson_HeadInAnotherRepository_IsAFork_ADeletedForkIsNot()
    {
        var payload = WebhookFixtures.Load("pull_request/opened.payload.json")["pull_request"]!;
        payload["head"]!["repo"]!["full_name"] = "someone/Hello-World";
        Assert.True(GitHubPullRequest.FromJson(Repository, payload, "event").IsFromFork);

        payload["head"]!["repo"] = null;
        Assert.False(GitHubPullRequest.FromJson(Repository, payload, "event").IsFromFork);
    }

    [Fact]
    public void FromJson_NoRepositoryUrls_FallsBackToThePullRequestsAddress()
    {
        var payload = WebhookFixtures.Load("pull_request/opened.payload.json")["pull_request"]!;
        payload["base"]!["repo"] = null;

        Assert.Equal("https://github.com/Codertocat/Hello-World", GitHubPullRequest.FromJson(Repository, payload, "event").RepositoryHtmlUrl);
    }

    [Theory]
    [InlineData("""{"number": 2, "head": {"sha": "abc"}}""", "lacks number, head.sha or base.sha")]
    [InlineData("""{"number": "2", "head": {"sha": "abc"}, "base": {"sha": "def"}}""", "lacks number, head.sha or base.sha")]
    [InlineData("""{"number": 0, "head": {"sha": "abc"}, "base": {"sha": "def"}}""", "lacks number, head.sha or base.sha")]
    [InlineData("""{"number": 2, "head": {"sha": 5}, "base": {"sha": "def"}}""", "lacks number, head.sha or base.sha")]
    [InlineData("""[1, 2]""", "not a JSON object")]
    [InlineData("""null""", "not a JSON object")]
    public void FromJson_MalformedPullRequest_ClearErrorNamingTheSource(string json, string expected)
    {
        var error = Assert.Throws<InvalidInputException>(() => GitHubPullRequest.FromJson(Repository, JsonNode.Parse(json), "GITHUB_EVENT_PATH"));

        Assert.StartsWith("GITHUB_EVENT_PATH: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromJson_WrongTypesForOptionalFields_Ignored()
    {
        var payload = WebhookFixtures.Load("pull_request/opened.payload.json")["pull_request"]!;
        payload["title"] = 5;
        payload["draft"] = "yes";
        payload["changed_files"] = "many";

        var pr = GitHubPullRequest.FromJson(Repository, payload, "event");

        Assert.Equal("", pr.Info.Title);
        Assert.False(pr.Info.IsDraft);
        Assert.Equal(0, pr.ChangedFiles);
    }
}
