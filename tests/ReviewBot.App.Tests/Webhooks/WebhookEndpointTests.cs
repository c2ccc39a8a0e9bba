using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ReviewBot.App.Webhooks;

namespace ReviewBot.App.Tests.Webhooks;

/// <summary>The real server on loopback, fed the recorded GitHub payloads.</summary>
public sealed class WebhookEndpointTests
{
    private const string OpenedHead = "ec26c3e57ca3a959ca5aad62de7213c562f8c821";

    [Fact]
    public async Task Deliver_SignedOpenedPullRequest_RunsOneReviewOfThatHead()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"), "d-opened-1");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith("queued", Outcome(response));
        var review = await server.Reviewer.WaitForAsync(_ => true);
        Assert.Equal(("Codertocat", "Hello-World", 2, OpenedHead, 1L), (review.Owner, review.Repository, review.Number, review.HeadSha, review.InstallationId));
        Assert.Equal("pull_request.opened", review.Trigger);
        await server.DrainAsync();
        Assert.Single(server.Reviewer.Finished, r => r.Number == 2);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("sha256=0000000000000000000000000000000000000000000000000000000000000000")]
    [InlineData("sha1=7d38cdd689735b008b3c702edd92eea23791c5f6")]
    [InlineData("garbage")]
    public async Task Deliver_MissingOrWrongSignature_Returns401AndReviewsNothing(string? signature)
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"), signature: signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("X-Hub-Signature-256", await response.Content.ReadAsStringAsync());
        await server.DrainAsync();
        Assert.DoesNotContain(server.Reviewer.Started, r => r.Number == 2);
    }

    [Fact]
    public async Task Deliver_SignedWithAnotherSecret_Returns401AndReviewsNothing()
    {
        await using var server = await TestServer.StartAsync();
        var body = Fixtures.Bytes("pull_request/opened.payload.json");

        using var response = await server.SendAsync("pull_request", body, signature: TestServer.Sign(body, "not the secret"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await server.DrainAsync();
        Assert.DoesNotContain(server.Reviewer.Started, r => r.Number == 2);
    }

    [Fact]
    public async Task Deliver_BodyChangedAfterSigning_Returns401()
    {
        await using var server = await TestServer.StartAsync();
        var body = Fixtures.Bytes("pull_request/opened.payload.json");
        var signature = TestServer.Sign(body);
        body[^2] ^= 0x01;

        using var response = await server.SendAsync("pull_request", body, signature: signature);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Deliver_SameDeliveryTwice_RunsOneReview()
    {
        await using var server = await TestServer.StartAsync();
        var body = Fixtures.Bytes("pull_request/synchronize.payload.json");

        using var first = await server.SendAsync("pull_request", body, "d-redelivered");
        await server.Reviewer.WaitForAsync(r => r.Number == 2);
        using var second = await server.SendAsync("pull_request", body, "d-redelivered");

        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.StartsWith("duplicate", Outcome(second));
        await server.DrainAsync();
        Assert.Single(server.Reviewer.Started, r => r.Number == 2);
    }

    [Fact]
    public async Task Deliver_BurstOf50SynchronizeForOnePullRequest_RunsAtMostTwoReviewsTheLastOnTheNewestHead()
    {
        await using var server = await TestServer.StartAsync();
        server.Reviewer.Hold();

        for (var i = 0; i < 50; i++)
        {
            var payload = Fixtures.PullRequest("synchronize", headSha: Fixtures.Sha(i));
            payload["after"] = Fixtures.Sha(i);
            using var response = await server.SendAsync("pull_request", payload, $"d-burst-{i}");

            // Queued or coalesced: each is work for later.
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        server.Reviewer.Release();
        await server.Reviewer.WaitForAsync(r => r.HeadSha == Fixtures.Sha(49));
        await server.DrainAsync();

        var reviews = server.Reviewer.Finished.Where(r => r.Number == 2).ToList();
        Assert.InRange(reviews.Count, 1, 2);
        Assert.Equal(Fixtures.Sha(49), reviews[^1].HeadSha);
    }

    [Fact]
    public async Task Deliver_SynchronizeWhileReviewRuns_ReviewsTheNewHeadAfterIt()
    {
        await using var server = await TestServer.StartAsync();
        server.Reviewer.Hold();
        using var first = await server.SendAsync("pull_request", Fixtures.PullRequest("synchronize", headSha: Fixtures.Sha(1)));
        await server.Reviewer.WaitForStartedAsync(1);

        using var second = await server.SendAsync("pull_request", Fixtures.PullRequest("synchronize", headSha: Fixtures.Sha(2)));
        using var third = await server.SendAsync("pull_request", Fixtures.PullRequest("synchronize", headSha: Fixtures.Sha(3)));
        server.Reviewer.Release();
        await server.DrainAsync();

        Assert.StartsWith("queued", Outcome(second));
        Assert.StartsWith("coalesced", Outcome(third));
        Assert.Equal([Fixtures.Sha(1), Fixtures.Sha(3)], server.Reviewer.Finished.Where(r => r.Number == 2).Select(r => r.HeadSha));
    }

    [Fact]
    public async Task Deliver_Ping_Returns200AndReviewsNothing()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.SendAsync("ping", Fixtures.Bytes("ping/payload.json"));
        using var withAppId = await server.SendAsync("ping", Fixtures.Bytes("ping/with-app_id.payload.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, withAppId.StatusCode);
        Assert.Equal("pong", Outcome(response));
        await server.DrainAsync();
        Assert.Single(server.Reviewer.Started);
    }

    [Theory]
    [InlineData("closed")]
    [InlineData("labeled")]
    [InlineData("converted_to_draft")]
    public async Task Deliver_PullRequestActionThatChangesNoCode_ReviewsNothing(string action)
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.SendAsync("pull_request", Fixtures.Bytes($"pull_request/{action}.payload.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("ignored", Outcome(response));
        await server.DrainAsync();
        Assert.Single(server.Reviewer.Started);
    }

    [Theory]
    [InlineData("reopened")]
    [InlineData("synchronize")]
    public async Task Deliver_PullRequestActionThatNeedsReview_QueuesReview(string action)
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.SendAsync("pull_request", Fixtures.Bytes($"pull_request/{action}.payload.json"));

        Assert.StartsWith("queued", Outcome(response));
        var review = await server.Reviewer.WaitForAsync(r => r.Number == 2);
        Assert.Equal($"pull_request.{action}", review.Trigger);
    }

    [Fact]
    public async Task Deliver_ReadyForReviewFromAnAppInstallation_QueuesReview()
    {
        await using var server = await TestServer.StartAsync();
        var payload = Fixtures.Load("pull_request/ready_for_review.payload.json");
        payload["installation"] = new JsonObject { ["id"] = 77, ["node_id"] = "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uNzc=" };

        using var response = await server.SendAsync("pull_request", payload);

        Assert.StartsWith("queued", Outcome(response));
        var review = await server.Reviewer.WaitForAsync(_ => true);
        Assert.Equal(77, review.InstallationId);
    }

    [Fact]
    public async Task Deliver_PullRequestWithoutInstallation_Returns422WithReason()
    {
        // The recorded ready_for_review comes from a repository webhook, not an App: there is no token to act with.
        await using var server = await TestServer.StartAsync();

        using var response = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/ready_for_review.payload.json"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains("installation", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Deliver_SentByABot_ReviewsNothing()
    {
        await using var server = await TestServer.StartAsync();
        var payload = Fixtures.PullRequest("synchronize");
        payload["sender"]!["type"] = "Bot";
        payload["sender"]!["login"] = "reviewbot[bot]";

        using var response = await server.SendAsync("pull_request", payload);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ignored: sent by the bot reviewbot[bot]", Outcome(response));
        await server.DrainAsync();
        Assert.Single(server.Reviewer.Started);
    }

    [Fact]
    public async Task Deliver_CheckRunRerequestedForReviewBot_ReviewsThePullRequestAtTheCheckedHead()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.SendAsync("check_run", ReviewBotCheckRun());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.StartsWith("queued", Outcome(response));
        var review = await server.Reviewer.WaitForAsync(_ => true);
        Assert.Equal((2, "d6fde92930d4715a2b49857d24b940956b26d2d3", "check_run.rerequested"), (review.Number, review.HeadSha, review.Trigger));
    }

    [Fact]
    public async Task Deliver_CheckRunRerequestedForAnotherCheck_ReviewsNothing()
    {
        await using var server = await TestServer.StartAsync();

        // As recorded: another App's check ("randscape") with no pull request.
        using var recorded = await server.SendAsync("check_run", Fixtures.Bytes("check_run/rerequested.payload.json"));
        var otherApp = ReviewBotCheckRun();
        otherApp["check_run"]!["app"]!["id"] = 1;
        using var fromOtherApp = await server.SendAsync("check_run", otherApp);

        Assert.Equal(HttpStatusCode.OK, recorded.StatusCode);
        Assert.StartsWith("ignored", Outcome(recorded));
        Assert.StartsWith("ignored", Outcome(fromOtherApp));
        await server.DrainAsync();
        Assert.Single(server.Reviewer.Started);
    }

    [Fact]
    public async Task Deliver_CheckSuiteRerequestedForReviewBot_ReviewsItsPullRequests()
    {
        await using var server = await TestServer.StartAsync();
        var payload = Fixtures.Load("check_suite/rerequested.payload.json");
        payload["sender"]!["type"] = "User";
        payload["check_suite"]!["app"]!["id"] = TestServer.AppId;

        using var response = await server.SendAsync("check_suite", payload);

        Assert.StartsWith("queued", Outcome(response));
        var review = await server.Reviewer.WaitForAsync(_ => true);
        Assert.Equal((957387L, 2, OpenedHead, "check_suite.rerequested"), (review.InstallationId, review.Number, review.HeadSha, review.Trigger));
    }

    [Fact]
    public async Task Deliver_CheckSuiteRerequestedAsRecorded_IgnoresTheBotAndTheOtherApp()
    {
        await using var server = await TestServer.StartAsync();
        var fromUser = Fixtures.Load("check_suite/rerequested.payload.json");
        fromUser["sender"]!["type"] = "User";

        // As recorded: sent by another App's bot, for that App's suite.
        using var recorded = await server.SendAsync("check_suite", Fixtures.Bytes("check_suite/rerequested.payload.json"));
        using var otherApp = await server.SendAsync("check_suite", fromUser);

        Assert.StartsWith("ignored: sent by the bot", Outcome(recorded));
        Assert.Equal("ignored: the check suite is not ReviewBot's", Outcome(otherApp));
        await server.DrainAsync();
        Assert.Single(server.Reviewer.Started);
    }

    [Fact]
    public async Task Deliver_UnsubscribedButKnownEvent_Returns200Ignored()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.SendAsync("installation", Fixtures.Bytes("installation/created.payload.json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("ignored", Outcome(response));
    }

    [Fact]
    public async Task Deliver_SignedMalformedJson_Returns400WithReasonAndKeepsServing()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.SendAsync("pull_request", Encoding.UTF8.GetBytes("{\"action\": \"opened\", \"pull_request\": "));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("not valid JSON", await response.Content.ReadAsStringAsync());
        using var health = await server.Client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Deliver_MalformedJsonThenRedeliveredFixed_TheFixedOneIsTaken()
    {
        await using var server = await TestServer.StartAsync();

        using var bad = await server.SendAsync("pull_request", Encoding.UTF8.GetBytes("[1,"), "d-fixed-later");
        using var good = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"), "d-fixed-later");

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.StartsWith("queued", Outcome(good));
    }

    [Fact]
    public async Task Deliver_ValidJsonWithoutPullRequest_Returns400WithReason()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.SendAsync("pull_request", Encoding.UTF8.GetBytes("""{"action":"opened","installation":{"id":1}}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("pull_request", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Deliver_UnknownEvent_Returns4xxWithReason()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.SendAsync("no_such_event", Encoding.UTF8.GetBytes("{}"));

        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Contains("no_such_event", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Deliver_FormEncodedBody_Returns415()
    {
        await using var server = await TestServer.StartAsync();
        var body = Encoding.UTF8.GetBytes("payload=%7B%7D");

        using var response = await server.SendAsync("ping", body, contentType: "application/x-www-form-urlencoded");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Deliver_WithoutDeliveryId_Returns400()
    {
        await using var server = await TestServer.StartAsync();
        var body = Fixtures.Bytes("ping/payload.json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-GitHub-Event", "ping");
        request.Headers.Add("X-Hub-Signature-256", TestServer.Sign(body));

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("X-GitHub-Delivery", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Deliver_BodyOver25MB_Returns413()
    {
        await using var server = await TestServer.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks") { Content = new ByteArrayContent(new byte[(25 * 1024 * 1024) + 1]) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-GitHub-Event", "pull_request");
        request.Headers.Add("X-GitHub-Delivery", "d-huge");
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + new string('0', 64));
        // The server answers from the headers; without 100-continue the client would still be writing when it closes.
        request.Headers.ExpectContinue = true;

        using var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Healthz_Returns200()
    {
        await using var server = await TestServer.StartAsync();

        using var response = await server.Client.GetAsync("/healthz");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("ok", await response.Content.ReadAsStringAsync());
    }

    internal static JsonNode ReviewBotCheckRun()
    {
        var payload = Fixtures.Load("check_run/rerequested.payload.json");
        var run = payload["check_run"]!;
        run["name"] = ReviewBotWebhookProcessor.CheckName;
        run["app"]!["id"] = TestServer.AppId;
        run["pull_requests"] = new JsonArray(new JsonObject
        {
            ["url"] = "https://api.github.com/repos/Codertocat/Hello-World/pulls/2",
            ["id"] = 279147437,
            ["number"] = 2,
            ["head"] = new JsonObject { ["ref"] = "changes", ["sha"] = run["head_sha"]!.GetValue<string>(), ["repo"] = new JsonObject { ["id"] = 186853002, ["url"] = "https://api.github.com/repos/Codertocat/Hello-World", ["name"] = "Hello-World" } },
            ["base"] = new JsonObject { ["ref"] = "master", ["sha"] = "f95f852bd8fca8fcc58a9a2d6c842781e32a215e", ["repo"] = new JsonObject { ["id"] = 186853002, ["url"] = "https://api.github.com/repos/Codertocat/Hello-World", ["name"] = "Hello-World" } },
        });
        return payload;
    }

    private static string Outcome(HttpResponseMessage response) =>
        response.Headers.TryGetValues(ReviewBotWebhookProcessor.OutcomeHeader, out var values) ? values.Single() : "(no outcome header)";
}
