using ReviewBot.TestUtils.GitHub;
using Xunit.Abstractions;

namespace ReviewBot.Cli.Tests.Action;

/// <summary>
/// The published <c>reviewbot action</c> run as a process in a simulated Actions job against a fake GitHub
/// (WireMock, real Octokit on the other side) with the recorded webhook payloads and a real git workspace.
/// </summary>
public sealed class ActionEndToEndTests(ITestOutputHelper output)
{
    private const string Marker = "<!-- reviewbot:comment -->";

    [Fact]
    public async Task Action_Opened_ChecksCommentsAnnotatesAndFails()
    {
        using var h = ActionHarness.Create();

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        var run = Assert.Single(h.GitHub.CheckRuns);
        Assert.Equal("ReviewBot", run["name"]!.GetValue<string>());
        Assert.Equal(h.HeadSha, run["head_sha"]!.GetValue<string>());
        Assert.Equal("completed", run["status"]!.GetValue<string>());
        Assert.Equal("failure", run["conclusion"]!.GetValue<string>());
        var annotation = Assert.Single(run["annotations"]!.AsArray())!;
        Assert.Equal("pipelines/load.py", annotation["path"]!.GetValue<string>());
        Assert.Equal(3, annotation["start_line"]!.GetValue<int>());
        Assert.Equal("failure", annotation["annotation_level"]!.GetValue<string>());
        Assert.Equal("in_progress", h.GitHub.CheckRunWrites[0]["status"]!.GetValue<string>());
        Assert.Equal($"https://github.com/{h.GitHub.FullName}/actions/runs/42", h.GitHub.CheckRunWrites[0]["details_url"]!.GetValue<string>());
        var comment = Assert.Single(h.GitHub.Comments);
        Assert.Contains(Marker, comment.Body, StringComparison.Ordinal);
        Assert.Equal(result.Report!["markdown"]!.GetValue<string>(), comment.Body);
        Assert.Equal("failure", result.Report["conclusion"]!.GetValue<string>());
        Assert.Equal("failure", result.Outputs["conclusion"]);
        Assert.Equal("1", result.Outputs["findings"]);
        Assert.Equal(".reviewbot/report.json", result.Outputs["report"]);
        var declared = File.ReadAllText(Path.Combine(WebhookFixtures.RepositoryRoot, "action.yml"));
        Assert.All(result.Outputs.Keys, key => Assert.Contains($"\n  {key}:\n    description:", declared, StringComparison.Ordinal));
        Assert.Contains("## ReviewBot: failed", result.Summary, StringComparison.Ordinal);
        Assert.Contains("::add-mask::ghs_e2eTokenValue", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("ghs_e2eTokenValue", result.Stderr, StringComparison.Ordinal);
        Assert.All(h.GitHub.Requests, r => Assert.Equal("Bearer ghs_e2eTokenValue", r.Headers["Authorization"]));
    }

    [Fact]
    public async Task Action_20FilePr_AtMostEightRequestsWithCheckout()
    {
        using var h = ActionHarness.Create(extraFiles: 18);

        var result = await h.RunAsync();

        Assert.Equal(20, h.GitHub.Files.Count);
        var requests = h.GitHub.Requests;
        output.WriteLine($"{requests.Count} GitHub API requests for a 20-file PR with a checkout:");
        foreach (var r in requests)
        {
            output.WriteLine($"  {r.Method} {r.Path}{r.Query}");
        }

        Assert.Equal(1, result.ExitCode);
        Assert.True(requests.Count <= 8, $"{requests.Count} requests");
    }

    [Fact]
    public async Task Action_20FilePrWithoutCheckout_OneArchivePerSide()
    {
        using var h = ActionHarness.Create(extraFiles: 18).WithoutCheckout();

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        var requests = h.GitHub.Requests;
        output.WriteLine($"{requests.Count} GitHub API requests for a 20-file PR through the API alone");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(2, requests.Count(r => r.Path.Contains("/tarball/", StringComparison.Ordinal)));
        Assert.Equal(1, h.GitHub.CountRequests("GET", "/contents/.github/reviewbot.yml"));
        Assert.Single(h.GitHub.CheckRuns[0]["annotations"]!.AsArray());
        // One tree listing: unchanged files an export-ignore hides from the archive must be found (issue 19).
        Assert.Equal(1, h.GitHub.TreeRequests);
        Assert.True(requests.Count <= 10, $"{requests.Count} requests");
    }

    [Fact]
    public async Task Action_Synchronize_EditsTheCommentNotDuplicated()
    {
        using var h = ActionHarness.Create("pull_request/synchronize.payload.json", withFinding: false);
        var existing = h.GitHub.AddComment(Marker + "\nResult of the previous push");
        h.GitHub.AddComment("Nice!", login: "Codertocat", userType: "User");

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("success", result.Outputs["conclusion"]);
        Assert.Equal(2, h.GitHub.Comments.Count);
        var edited = h.GitHub.Comments.Single(c => c.Id == existing.Id);
        Assert.Equal(result.Report!["markdown"]!.GetValue<string>(), edited.Body);
        Assert.Equal(0, h.GitHub.CountRequests("POST", "/issues/2/comments"));
        Assert.Equal("success", h.GitHub.CheckRuns.Single()["conclusion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Action_WorkflowDispatch_ResolvesPrNumberThroughTheApi()
    {
        using var h = ActionHarness.Create("workflow_dispatch/payload.json").WithoutCheckout();
        h.Event["inputs"] = new System.Text.Json.Nodes.JsonObject { ["pr_number"] = "2" };

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(h.HeadSha, h.GitHub.CheckRuns.Single()["head_sha"]!.GetValue<string>());
        Assert.True(h.GitHub.CountRequests("GET", "/pulls/2") >= 2);
        Assert.Single(h.GitHub.Comments);
    }

    [Fact]
    public async Task Action_WorkflowDispatchWithoutPrNumber_BadInput()
    {
        using var h = ActionHarness.Create("workflow_dispatch/payload.json");

        var result = await h.RunAsync();

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("pr_number", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(h.GitHub.Requests);
    }

    [Fact]
    public async Task Action_Closed_NoReviewNoRequests()
    {
        using var h = ActionHarness.Create("pull_request/closed.payload.json");

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        Assert.Equal(0, result.ExitCode);
        Assert.Equal("skipped", result.Outputs["conclusion"]);
        Assert.Empty(h.GitHub.Requests);
        Assert.Contains("closed", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Action_Draft_SkippedUnlessConfigured()
    {
        using var h = ActionHarness.Create("pull_request/converted_to_draft.payload.json");

        var skipped = await h.RunAsync();
        h.Environment["INPUT_REVIEW_DRAFTS"] = "true";
        var reviewed = await h.RunAsync();

        Assert.Equal(0, skipped.ExitCode);
        Assert.Equal("skipped", skipped.Outputs["conclusion"]);
        Assert.Equal(1, reviewed.ExitCode);
        Assert.Single(h.GitHub.CheckRuns);
    }

    [Fact]
    public async Task Action_350Files_PaginatedAndAllReviewed()
    {
        using var h = ActionHarness.Create(extraFiles: 348);

        var result = await h.RunAsync();
        output.WriteLine(result.Stderr);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(4, h.GitHub.CountRequests("GET", "/pulls/2/files"));
        Assert.Equal(350, result.Report!["coverage"]!["filesChanged"]!.GetValue<int>());
        Assert.Empty(result.Report["coverage"]!["skipped"]!.AsArray());
    }

    [Fact]
    public async Task Action_ForkWithReadOnlyToken_FallsBackToSummaryAnnotationsAndExitCode()
    {
        using var h = ActionHarness.Create();
        h.Event["pull_request"]!["head"]!["repo"]!["full_name"] = "someone/Hello-World";
        const string Forbidden = """{"message":"Resource not accessible by integration"}""";
        foreach (var (method, pattern) in (ValueTuple<string, string>[])[("POST", "/check-runs$"), ("PATCH", "/check-runs/"), ("POST", "/issues/2/comments$"), ("PATCH", "/issues/comments/")])
        {
            h.GitHub.Faults.Add(new FakeFault { Method = method, PathPattern = pattern, Status = 403, Body = Forbidden, Times = -1 });
        }

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Empty(h.GitHub.CheckRuns);
        Assert.Empty(h.GitHub.Comments);
        Assert.Contains("::error file=pipelines/load.py,line=3", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("checks: write", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("pull-requests: write", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("**not written**", result.Summary, StringComparison.Ordinal);
        Assert.Contains(Marker, result.Summary, StringComparison.Ordinal);
        Assert.Equal("failure", result.Outputs["conclusion"]);
    }

    [Fact]
    public async Task Action_5xxThenSuccess_Retried()
    {
        using var h = ActionHarness.Create();
        h.GitHub.Faults.Add(new FakeFault { Method = "GET", PathPattern = "/pulls/2/files$", Status = 502 });

        var result = await h.RunAsync();
        output.WriteLine(result.Stderr);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(2, h.GitHub.CountRequests("GET", "/pulls/2/files"));
        Assert.Contains("retry", result.Stderr, StringComparison.Ordinal);
        Assert.Equal("failure", h.GitHub.CheckRuns.Single()["conclusion"]!.GetValue<string>());
    }

    [Fact]
    public async Task Action_SecondaryRateLimitWithRetryAfter_WaitsAndSucceeds()
    {
        using var h = ActionHarness.Create(withFinding: false);
        h.GitHub.Faults.Add(new FakeFault
        {
            Method = "GET",
            PathPattern = "/issues/2/comments$",
            Status = 403,
            Body = """{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}""",
            Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
        });

        var result = await h.RunAsync();
        output.WriteLine(result.Stderr);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2, h.GitHub.CountRequests("GET", "/issues/2/comments"));
        Assert.Single(h.GitHub.Comments);
        Assert.Contains("secondary rate limit", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Action_HeadMovedDuringRun_CheckForOwnShaCommentUntouched()
    {
        using var h = ActionHarness.Create();
        var newer = h.GitHub.AddComment(Marker + "\nResult of the newer push");
        h.GitHub.HeadSha = "2222222222222222222222222222222222222222";

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(newer.Body, Assert.Single(h.GitHub.Comments).Body);
        var run = Assert.Single(h.GitHub.CheckRuns);
        Assert.Equal(h.HeadSha, run["head_sha"]!.GetValue<string>());
        Assert.Contains("head moved", run["output"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("newer run", result.Summary, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Action_TwoRunsRacing_AnyDuplicateIsRemovedKeepingTheOldest()
    {
        using var h = ActionHarness.Create();

        var first = h.RunAsync();
        var second = h.RunAsync();
        await Task.WhenAll(first, second);
        var afterRace = h.GitHub.Comments.Count;
        var oldest = h.GitHub.Comments.OrderBy(c => c.CreatedAt).ThenBy(c => c.Id).First();
        var third = await h.RunAsync();

        Assert.InRange(afterRace, 1, 2);
        Assert.Equal(1, third.ExitCode);
        var kept = Assert.Single(h.GitHub.Comments);
        Assert.Equal(oldest.Id, kept.Id);
    }

    [Fact]
    public async Task Action_TwoMarkerCommentsFromARace_OneKept()
    {
        using var h = ActionHarness.Create();
        var oldest = h.GitHub.AddComment(Marker + "\nrun A", createdAt: DateTimeOffset.Parse("2026-01-01T10:00:00Z"));
        h.GitHub.AddComment(Marker + "\nrun B", createdAt: DateTimeOffset.Parse("2026-01-01T10:00:02Z"));

        var result = await h.RunAsync();

        Assert.Equal(1, result.ExitCode);
        var kept = Assert.Single(h.GitHub.Comments);
        Assert.Equal(oldest.Id, kept.Id);
        Assert.Equal(result.Report!["markdown"]!.GetValue<string>(), kept.Body);
    }

    [Fact]
    public async Task Action_GhesApiUrl_HonouredExactly()
    {
        using var h = ActionHarness.Create();
        using var ghes = new FakeGitHub("/api/v3");
        ghes.BaseSha = h.BaseSha;
        ghes.HeadSha = h.HeadSha;
        foreach (var file in h.GitHub.Files)
        {
            ghes.Files.Add(file);
        }

        h.Environment["GITHUB_API_URL"] = ghes.ApiUrl;

        var result = await h.RunAsync();
        output.WriteLine(result.Stderr);

        Assert.Equal(1, result.ExitCode);
        Assert.NotEmpty(ghes.Requests);
        Assert.All(ghes.Requests, r => Assert.StartsWith("/api/v3/repos/", r.Path, StringComparison.Ordinal));
        Assert.Single(ghes.CheckRuns);
    }

    [Fact]
    public async Task Action_LlmConfiguredButNoSecretsAndSarifRequested_RulesOnlySaidPlainlySarifWritten()
    {
        using var h = ActionHarness.Create(config: ActionHarness.Config + "\nllm:\n  provider: azure-openai\n");
        h.Environment["INPUT_SARIF"] = "out/reviewbot.sarif";

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("The LLM pass did not run", result.Summary, StringComparison.Ordinal);
        Assert.Contains("The LLM pass did not run", h.GitHub.CheckRuns.Single()["output"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("out/reviewbot.sarif", result.Outputs["sarif"]);
        var sarif = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(h.Workspace, "out", "reviewbot.sarif")))!;
        Assert.Equal("2.1.0", sarif["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task Action_BadCredentials_FailsWithAnErrorNotACrash()
    {
        using var h = ActionHarness.Create("workflow_dispatch/payload.json");
        h.Event["inputs"] = new System.Text.Json.Nodes.JsonObject { ["pr_number"] = "2" };
        h.GitHub.Faults.Add(new FakeFault { Method = "GET", PathPattern = "/pulls/2$", Status = 401, Body = """{"message":"Bad credentials"}""", Times = -1 });

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("::error title=ReviewBot%3A not reviewed::ReviewBot could not start the review: GitHub API: 401", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("failure", result.Outputs["conclusion"]);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Action_UnsupportedEvent_BadInput()
    {
        using var h = ActionHarness.Create();
        h.Environment["GITHUB_EVENT_NAME"] = "push";

        var result = await h.RunAsync();

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'push' is not supported", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Action_InvalidBaseConfig_NotReviewedCheckAndExit2()
    {
        using var h = ActionHarness.Create().WithoutCheckout();
        h.GitHub.Trees[h.BaseSha][".github/reviewbot.yml"] = "fail_on: urgent\n";

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(".github/reviewbot.yml", result.Stderr, StringComparison.Ordinal);
        var run = Assert.Single(h.GitHub.CheckRuns);
        Assert.Equal("failure", run["conclusion"]!.GetValue<string>());
        Assert.StartsWith("Not reviewed", run["output"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
