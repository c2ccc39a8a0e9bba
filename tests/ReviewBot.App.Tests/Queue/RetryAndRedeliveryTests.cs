using System.Net;
using ReviewBot.App.Webhooks;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.App.Tests.Queue;

/// <summary>
/// The real App and reviewer against the GitHub fake: a failed review is retried with backoff, the last failure
/// completes the check as "Not reviewed: reason", a redelivery of that delivery runs again, and a signed delivery
/// replayed under a new id is dropped.
/// </summary>
public sealed class RetryAndRedeliveryTests : IDisposable
{
    private static readonly TimeSpan ReviewTimeout = TimeSpan.FromSeconds(60);
    private readonly FakeGitHub _github = new();

    public RetryAndRedeliveryTests()
    {
        _github.AddFile("models/orders.sql", "added", "@@ -0,0 +1,1 @@\n+select 1 as id");
        _github.Trees[_github.BaseSha] = new() { ["README.md"] = "# shop\n" };
        _github.Trees[_github.HeadSha] = new() { ["README.md"] = "# shop\n", ["models/orders.sql"] = "select 1 as id\n" };
    }

    [Fact]
    public async Task Deliver_GitHub5xxStormDuringTheFirstAttempt_RetriesAndPublishesTheReview()
    {
        // Five 502s: the first attempt's read of the files fails after its own retries; the second attempt works.
        _github.Faults.Add(FilesFault(times: 5));
        await using var server = await StartAsync(attempts: 3);

        using var response = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"));
        await server.Logs.WaitForAsync(m => m.StartsWith("Review finished", StringComparison.Ordinal), ReviewTimeout);

        Assert.Contains(server.Logs.Entries, e => e.Message.StartsWith("Review failed, retry at", StringComparison.Ordinal));
        Assert.Contains(_github.CheckRunWrites, w => w["output"]?["title"]?.GetValue<string>() == "Not reviewed yet: attempt 1 of 3 failed, retrying");
        // Each attempt writes its own check run (GitHub shows the newest); none is left in progress.
        Assert.All(_github.CheckRuns, r => Assert.Equal("completed", r["status"]!.GetValue<string>()));
        Assert.DoesNotContain("Not reviewed", _github.CheckRuns[^1]["output"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(_github.Comments);
    }

    [Fact]
    public async Task Deliver_GitHubFailsOnEveryAttempt_CompletesTheCheckNotReviewedThenARedeliveryRunsAgain()
    {
        var fault = FilesFault(times: -1);
        _github.Faults.Add(fault);
        await using var server = await StartAsync(attempts: 2);

        using var first = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"), "d-storm");
        await server.Logs.WaitForAsync(m => m.StartsWith("Review failed, no retry left", StringComparison.Ordinal), ReviewTimeout);

        var failed = _github.CheckRuns[^1];
        Assert.All(_github.CheckRuns, r => Assert.Equal("completed", r["status"]!.GetValue<string>()));
        Assert.Equal(("completed", "failure"), (failed["status"]!.GetValue<string>(), failed["conclusion"]!.GetValue<string>()));
        Assert.StartsWith("Not reviewed: ", failed["output"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.DoesNotContain("yet", failed["output"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("each of its 2 attempts", failed["output"]!["summary"]!.GetValue<string>(), StringComparison.Ordinal);

        // GitHub is back; someone presses "Redeliver" on the failed delivery (same delivery id).
        _github.Faults.Remove(fault);
        using var redelivered = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"), "d-storm");
        Assert.StartsWith("requeued", Outcome(redelivered), StringComparison.Ordinal);
        await server.Logs.WaitForAsync(m => m.StartsWith("Review finished", StringComparison.Ordinal), ReviewTimeout);

        Assert.All(_github.CheckRuns, r => Assert.Equal("completed", r["status"]!.GetValue<string>()));
        Assert.DoesNotContain("Not reviewed", _github.CheckRuns[^1]["output"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Single(_github.Comments);
    }

    [Fact]
    public async Task Deliver_SignedDeliveryReplayedUnderANewId_IsDroppedAsAReplay()
    {
        await using var server = await StartAsync(attempts: 3);
        var body = Fixtures.Bytes("pull_request/opened.payload.json");

        using var original = await server.SendAsync("pull_request", body, "d-original");
        await server.Logs.WaitForAsync(m => m.StartsWith("Review finished", StringComparison.Ordinal), ReviewTimeout);
        using var replayed = await server.SendAsync("pull_request", body, "d-captured-and-replayed");
        using var redelivered = await server.SendAsync("pull_request", body, "d-original");

        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.StartsWith("duplicate: replay", Outcome(replayed), StringComparison.Ordinal);
        Assert.StartsWith("duplicate", Outcome(redelivered), StringComparison.Ordinal);
        Assert.Single(_github.CheckRuns);
        Assert.Single(_github.Requests, r => r.Method == "POST" && r.Path.EndsWith("/check-runs", StringComparison.Ordinal));
    }

    public void Dispose() => _github.Dispose();

    private FakeFault FilesFault(int times) => new()
    {
        Method = "GET",
        PathPattern = $"/pulls/{_github.Number}/files",
        Status = 502,
        Body = """{"message":"Bad Gateway"}""",
        Headers = new Dictionary<string, string> { ["Retry-After"] = "0" },
        Times = times,
    };

    private Task<TestServer> StartAsync(int attempts)
    {
        var env = TestServer.Environment(_github.ApiUrl);
        env["REVIEWBOT_REVIEW_ATTEMPTS"] = attempts.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["REVIEWBOT_RETRY_SECONDS"] = "1";
        return TestServer.StartAsync(env, realReviewer: true);
    }

    private static string Outcome(HttpResponseMessage response) =>
        response.Headers.TryGetValues(ReviewBotWebhookProcessor.OutcomeHeader, out var values) ? values.Single() : "(no outcome header)";
}
