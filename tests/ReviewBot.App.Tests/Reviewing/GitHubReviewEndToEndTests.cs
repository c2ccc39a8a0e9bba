using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReviewBot.App.Tests.Webhooks;
using ReviewBot.GitHub.Publishing;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.App.Tests.Reviewing;

/// <summary>
/// The whole App: signed deliveries from the recorded payloads, the real reviewer, and the GitHub API on
/// loopback (WireMock via <see cref="FakeGitHub"/>), installation-token endpoint included.
/// </summary>
public sealed class GitHubReviewEndToEndTests : IDisposable
{
    private static readonly TimeSpan ReviewTimeout = TimeSpan.FromSeconds(60);
    private const string Key = "AKIAZ7QW3RT5YU8IOP2K";
    private readonly FakeGitHub _github = new();

    public GitHubReviewEndToEndTests()
    {
        // A pipeline that commits a cloud key: a critical finding the rules always report.
        const string Pipeline = "import boto3\n\nAWS_ACCESS_KEY_ID = \"" + Key + "\"\n";
        _github.AddFile("pipelines/load_customers.py", "added", "@@ -0,0 +1,3 @@\n+import boto3\n+\n+AWS_ACCESS_KEY_ID = \"" + Key + "\"");
        _github.Trees[_github.BaseSha] = new() { ["README.md"] = "# shop\n" };
        _github.Trees[_github.HeadSha] = new() { ["README.md"] = "# shop\n", ["pipelines/load_customers.py"] = Pipeline };
    }

    [Fact]
    public async Task Deliver_SignedOpenedPullRequest_PublishesOneCheckRunAndOneCommentAsTheInstallation()
    {
        await using var server = await StartAsync();

        using var response = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"));
        var finished = await WaitForReviewAsync(server);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith("Review finished", finished);

        var tokenRequest = Assert.Single(_github.Requests, r => r.Path == "/app/installations/1/access_tokens");
        AssertAppJwt(tokenRequest.Headers["Authorization"]);
        Assert.All(
            _github.Requests.Where(r => r.Path.StartsWith("/repos/", StringComparison.Ordinal)),
            r => Assert.Equal($"Bearer {_github.InstallationToken}", r.Headers["Authorization"]));

        var run = Assert.Single(_github.CheckRuns);
        Assert.Equal(("ReviewBot", _github.HeadSha, "completed"), (run["name"]!.GetValue<string>(), run["head_sha"]!.GetValue<string>(), run["status"]!.GetValue<string>()));
        Assert.Equal("failure", run["conclusion"]!.GetValue<string>());
        Assert.Contains(run["annotations"]!.AsArray(), a => a!["path"]!.GetValue<string>() == "pipelines/load_customers.py" && a["start_line"]!.GetValue<int>() == 3);
        var comment = Assert.Single(_github.Comments);
        Assert.Contains(CommentMarker.Value, comment.Body);
        Assert.Contains("secret-in-code", comment.Body);
        Assert.DoesNotContain(Key, comment.Body);
    }

    [Fact]
    public async Task Deliver_BadSignatureThenSignedRerun_OnlyTheSignedOneReachesGitHub()
    {
        await using var server = await StartAsync();
        var body = Fixtures.Bytes("pull_request/opened.payload.json");

        using var forged = await server.SendAsync("pull_request", body, signature: TestServer.Sign(body, "guessed secret"));
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
        Assert.Empty(_github.Requests);

        using var signed = await server.SendAsync("check_run", CheckRunRerequested());
        Assert.StartsWith("Review finished", await WaitForReviewAsync(server));

        Assert.Single(_github.Requests, r => r.Path.EndsWith("/access_tokens", StringComparison.Ordinal));
        Assert.Single(_github.CheckRuns);
    }

    [Fact]
    public async Task Deliver_OpenedThenCheckRerun_ReusesTheInstallationTokenAndEditsTheOneComment()
    {
        await using var server = await StartAsync();

        using var opened = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"));
        await WaitForReviewAsync(server);
        using var rerun = await server.SendAsync("check_run", CheckRunRerequested());
        await WaitForReviewAsync(server, second: true);

        Assert.Single(_github.Requests, r => r.Path.EndsWith("/access_tokens", StringComparison.Ordinal));
        Assert.Equal(2, _github.CheckRuns.Count);
        Assert.Single(_github.Comments);
    }

    [Fact]
    public async Task Deliver_InvalidConfigAtBase_CompletesTheCheckAsNotReviewed()
    {
        _github.Trees[_github.BaseSha][".github/reviewbot.yml"] = "fail_on: sometimes\n";
        await using var server = await StartAsync();

        using var response = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"));
        await WaitForReviewAsync(server);

        var run = Assert.Single(_github.CheckRuns);
        Assert.Equal("failure", run["conclusion"]!.GetValue<string>());
        Assert.StartsWith("Not reviewed: invalid configuration", run["output"]!["title"]!.GetValue<string>());
        Assert.Contains(".github/reviewbot.yml", run["output"]!["summary"]!.GetValue<string>());
        Assert.Empty(_github.Comments);
    }

    [Fact]
    public async Task Deliver_RepositoryConfigNamesItsOwnLlmEndpoint_RulesOnlyAndNothingSentThere()
    {
        // A repository must not be able to point the App's LLM credentials at a server of its choosing.
        using var elsewhere = new FakeGitHub();
        _github.Trees[_github.BaseSha][".github/reviewbot.yml"] =
            $"llm:\n  provider: azure-openai\n  endpoint: {elsewhere.ApiUrl}/\n  deployment: gpt-4o\n";
        await using var server = await StartAsync();

        using var response = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"));
        Assert.StartsWith("Review finished", await WaitForReviewAsync(server));

        var run = Assert.Single(_github.CheckRuns);
        Assert.Contains("The LLM pass did not run", run["output"]!["text"]!.GetValue<string>());
        Assert.Empty(elsewhere.Requests);
    }

    [Fact]
    public async Task Deliver_PullRequestClosedSinceDelivery_PublishesNothing()
    {
        _github.PullRequest["state"] = "closed";
        await using var server = await StartAsync();

        using var response = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/synchronize.payload.json"));
        var done = await WaitForReviewAsync(server);

        Assert.StartsWith("Review finished", done);
        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("the pull request is closed", StringComparison.Ordinal));
        Assert.Empty(_github.CheckRuns);
        Assert.Empty(_github.Comments);
    }

    [Fact]
    public async Task Deliver_HeadMovedSinceDelivery_LeavesTheReviewToTheNewerPush()
    {
        _github.HeadSha = "0123456789abcdef0123456789abcdef01234567";
        await using var server = await StartAsync();

        using var response = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/synchronize.payload.json"));
        await WaitForReviewAsync(server);

        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("its head moved to 0123456789abcdef", StringComparison.Ordinal));
        Assert.Empty(_github.CheckRuns);
    }

    [Fact]
    public async Task Deliver_DraftWithoutReviewDrafts_PublishesNothing()
    {
        _github.PullRequest["draft"] = true;
        await using var server = await StartAsync();

        using var response = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"));
        await WaitForReviewAsync(server);

        Assert.Contains(server.Logs.Entries, e => e.Message.Contains("it is a draft", StringComparison.Ordinal));
        Assert.Empty(_github.CheckRuns);
        Assert.Empty(_github.Comments);
    }

    [Fact]
    public async Task Deliver_OtherBotsCommentsCarryTheMarker_OnlyTheAppsOwnCommentIsEditedNoneDeleted()
    {
        _github.AppSlug = "reviewbot-acme";
        var workflow = _github.AddComment(CommentMarker.Value + "\nposted by a workflow", login: "github-actions[bot]", createdAt: DateTimeOffset.Parse("2026-01-01T08:00:00Z"));
        var linter = _github.AddComment(CommentMarker.Value + "\ntitle linter", login: "title-linter[bot]", createdAt: DateTimeOffset.Parse("2026-01-01T09:00:00Z"));
        var ours = _github.AddComment(CommentMarker.Value + "\nold result", login: "reviewbot-acme[bot]", createdAt: DateTimeOffset.Parse("2026-01-01T10:00:00Z"));
        await using var server = await StartAsync();

        using var opened = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"));
        await WaitForReviewAsync(server);
        using var rerun = await server.SendAsync("check_run", CheckRunRerequested());
        await WaitForReviewAsync(server, second: true);

        Assert.Equal(3, _github.Comments.Count);
        Assert.Equal(workflow.Body, _github.Comments.Single(c => c.Id == workflow.Id).Body);
        Assert.Equal(linter.Body, _github.Comments.Single(c => c.Id == linter.Id).Body);
        Assert.Contains("secret-in-code", _github.Comments.Single(c => c.Id == ours.Id).Body, StringComparison.Ordinal);
        Assert.Equal(0, _github.Requests.Count(r => r.Method == "DELETE"));
        var identity = Assert.Single(_github.Requests, r => r.Method == "GET" && r.Path == "/app");
        AssertAppJwt(identity.Headers["Authorization"]);
    }

    public void Dispose() => _github.Dispose();

    private Task<TestServer> StartAsync() => TestServer.StartAsync(TestServer.Environment(_github.ApiUrl), realReviewer: true);

    private static Task<string> WaitForReviewAsync(TestServer server, bool second = false)
    {
        var seen = 0;
        var needed = second ? 2 : 1;
        return server.Logs.WaitForAsync(
            m => (m.StartsWith("Review finished", StringComparison.Ordinal) || m.StartsWith("Review failed", StringComparison.Ordinal)) && ++seen >= needed,
            ReviewTimeout);
    }

    private JsonNode CheckRunRerequested()
    {
        var payload = WebhookEndpointTests.ReviewBotCheckRun();
        payload["repository"]!["name"] = _github.Name;
        payload["repository"]!["full_name"] = _github.FullName;
        payload["repository"]!["owner"]!["login"] = _github.Owner;
        payload["check_run"]!["head_sha"] = _github.HeadSha;
        return payload;
    }

    private static void AssertAppJwt(string authorization)
    {
        Assert.StartsWith("Bearer ", authorization);
        var parts = authorization["Bearer ".Length..].Split('.');
        using var key = RSA.Create();
        key.ImportFromPem(TestServer.PrivateKeyPem);
        Assert.True(key.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), Base64Url.DecodeFromChars(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        using var claims = JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1]));
        Assert.Equal(TestServer.AppId.ToString(System.Globalization.CultureInfo.InvariantCulture), claims.RootElement.GetProperty("iss").GetString());
    }
}
