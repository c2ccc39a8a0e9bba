using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ReviewBot.App.Tests.Queue;
using ReviewBot.App.Webhooks;
using ReviewBot.TestUtils.GitHub;
using ReviewBot.TestUtils.Llm;

namespace ReviewBot.App.Tests.Replicas;

/// <summary>
/// Two real App processes on loopback sharing one PostgreSQL database and the GitHub fake: deliveries spread
/// over both, a replica killed mid-review, a restart, a flood of pushes for one pull request.
/// </summary>
public sealed class TwoReplicaTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    // Short for the test, long enough that a loaded 2-core machine does not starve a renewal into a takeover.
    private const int LeaseSeconds = 10;
    private readonly FakeGitHub _github = new();
    private readonly List<AppProcess> _apps = [];
    private TestDatabase? _database;

    public TwoReplicaTests()
    {
        _github.AddFile("models/orders.sql", "added", "@@ -0,0 +1,1 @@\n+select 1 as id");
        _github.Trees[_github.BaseSha] = new() { ["README.md"] = "# shop\n" };
        _github.Trees[_github.HeadSha] = new() { ["README.md"] = "# shop\n", ["models/orders.sql"] = "select 1 as id\n" };
    }

    public async Task InitializeAsync()
    {
        if (TestPostgres.Enabled)
        {
            _database = await TestDatabase.CreateAsync();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        _github.Dispose();
    }

    [PostgresFact]
    public async Task TwoReplicas_FloodOfPushesForOnePullRequest_OneReviewOfTheNewestHeadOneCommentEveryCheckCompleted()
    {
        var a = await StartAsync("a");
        var b = await StartAsync("b");
        const int Pushes = 24;
        var heads = Enumerable.Range(0, Pushes).Select(i => $"{i:x4}" + new string('f', 36)).ToList();
        var outcomes = new List<string>();

        for (var i = 0; i < Pushes; i++)
        {
            // The pull request's head moves with each push, as on GitHub; every replica gets some of the flood.
            _github.Trees[heads[i]] = _github.Trees[_github.HeadSha];
            _github.HeadSha = heads[i];
            using var response = await (i % 2 == 0 ? a : b).SendAsync("pull_request", Synchronize(heads[i]), $"flood-{i}");
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            outcomes.Add(Outcome(response));
        }

        await DrainedAsync();

        Assert.All(outcomes, o => Assert.Matches("^(queued|coalesced)", o));
        var newest = heads[^1];
        var published = _apps.Sum(app => app.Count(l => l.Contains("Review published", StringComparison.Ordinal) && l.Contains(newest[..7], StringComparison.Ordinal)));
        Assert.Equal(1, published);
        Assert.Single(_github.Comments);
        Assert.All(_github.CheckRuns, r => Assert.Equal("completed", r["status"]!.GetValue<string>()));
        var reviewed = _github.CheckRuns.Where(r => r["head_sha"]!.GetValue<string>() == newest).ToList();
        Assert.Single(reviewed, r => !r["output"]!["title"]!.GetValue<string>().StartsWith("Not reviewed", StringComparison.Ordinal));
        // An older head is either superseded or, when its review finished before the next push arrived (a quiet
        // machine), reviewed for real; never left as "Not reviewed" or in progress.
        Assert.All(_github.CheckRuns.Where(r => r["head_sha"]!.GetValue<string>() != newest), r =>
            Assert.DoesNotMatch("^Not reviewed", r["output"]!["title"]!.GetValue<string>()));
        Assert.Equal(Pushes, await _database!.CountAsync("select count(*) from reviewbot.deliveries"));
    }

    [PostgresFact]
    public async Task TwoReplicas_OneKilledMidReview_TheOtherFinishesItWithinTheLeasePlusFiveSeconds()
    {
        // A slow LLM keeps the review running long enough to kill the replica that has it.
        using var llm = ChatCompletionsStub.StartAzure("gpt-slow");
        llm.Answer("{\"findings\":[]}", delay: TimeSpan.FromSeconds(4));
        _github.Trees[_github.BaseSha][".github/reviewbot.yml"] = "llm:\n  provider: azure-openai\n  deployment: gpt-slow\n";
        var extra = new Dictionary<string, string?> { ["AZURE_OPENAI_ENDPOINT"] = llm.Endpoint, ["AZURE_OPENAI_API_KEY"] = "test-key", ["AZURE_OPENAI_DEPLOYMENT"] = "gpt-slow" };
        var a = await StartAsync("a", extra);
        var b = await StartAsync("b", extra);

        using var response = await a.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"), "kill-1");
        Assert.StartsWith("queued", Outcome(response), StringComparison.Ordinal);
        var holder = await FirstToLogAsync(a, b, "Review started");
        var other = holder == a ? b : a;
        await WaitUntilAsync(() => llm.RequestCount > 0 && _github.CheckRuns.Count == 1, "the review started its check and reached its LLM call");
        holder.Kill();
        var killedAt = Stopwatch.GetTimestamp();

        await other.WaitForLineAsync(l => l.Contains("Review started", StringComparison.Ordinal), Wait);
        var takeover = Stopwatch.GetElapsedTime(killedAt);
        await other.WaitForLineAsync(l => l.Contains("Review finished", StringComparison.Ordinal), Wait);

        Assert.InRange(takeover, TimeSpan.Zero, TimeSpan.FromSeconds(LeaseSeconds + 5));
        Assert.Single(_github.Comments);
        Assert.All(_github.CheckRuns, r => Assert.Equal("completed", r["status"]!.GetValue<string>()));
        Assert.Contains(_github.CheckRuns, r => r["output"]!["title"]!.GetValue<string>() == "Not reviewed: interrupted");
        Assert.DoesNotContain("Not reviewed", _github.CheckRuns[^1]["output"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [PostgresFact]
    public async Task Replica_KilledRightAfterAcceptingThenRestarted_ReviewsTheDeliveryAndDropsItsRedelivery()
    {
        // Killed as soon as it answered: its worker may not have started the review, or may be in the middle of it.
        var first = await StartAsync("first");
        using var accepted = await first.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"), "restart-1");
        Assert.StartsWith("queued", Outcome(accepted), StringComparison.Ordinal);
        first.Kill();

        var restarted = await StartAsync("restarted");
        await restarted.WaitForLineAsync(l => l.Contains("Review finished", StringComparison.Ordinal), Wait);
        using var redelivered = await restarted.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"), "restart-1");

        Assert.StartsWith("duplicate", Outcome(redelivered), StringComparison.Ordinal);
        Assert.Single(_github.Comments);
        Assert.All(_github.CheckRuns, r => Assert.Equal("completed", r["status"]!.GetValue<string>()));
        Assert.DoesNotContain("Not reviewed", _github.CheckRuns[^1]["output"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private async Task<AppProcess> StartAsync(string name, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var env = TestServer.Environment(_github.ApiUrl);
        env["REVIEWBOT_POSTGRES"] = _database!.ConnectionString;
        env["REVIEWBOT_LEASE_SECONDS"] = LeaseSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        env["REVIEWBOT_POLL_MILLISECONDS"] = "100";
        env["REVIEWBOT_RETRY_SECONDS"] = "1";
        env["REVIEWBOT_WORKERS"] = "2";

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            env[key] = value;
        }

        var app = await AppProcess.StartAsync(name, env);
        _apps.Add(app);
        return app;
    }

    private async Task DrainedAsync()
    {
        await WaitUntilAsync(
            async () => await _database!.CountAsync("select count(*) from reviewbot.reviews where state in ('queued', 'running')") == 0,
            "every review finished");
    }

    private static async Task<AppProcess> FirstToLogAsync(AppProcess a, AppProcess b, string text)
    {
        bool Logged(AppProcess app) => app.Lines.Any(l => l.Contains(text, StringComparison.Ordinal));
        await WaitUntilAsync(() => Task.FromResult(Logged(a) || Logged(b)), $"a replica logged '{text}'");
        return Logged(a) ? a : b;
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) => WaitUntilAsync(() => Task.FromResult(condition()), what);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.GetTimestamp();
        while (!await condition())
        {
            if (Stopwatch.GetElapsedTime(deadline) > Wait)
            {
                throw new TimeoutException($"Not reached within {Wait}: {what}.");
            }

            await Task.Delay(100);
        }
    }

    private byte[] Synchronize(string head)
    {
        var payload = JsonNode.Parse(Fixtures.Bytes("pull_request/synchronize.payload.json"))!;
        payload["pull_request"]!["head"]!["sha"] = head;
        payload["after"] = head;
        payload["repository"]!["name"] = _github.Name;
        payload["repository"]!["owner"]!["login"] = _github.Owner;
        payload["pull_request"]!["number"] = _github.Number;
        payload["number"] = _github.Number;
        return Encoding.UTF8.GetBytes(payload.ToJsonString());
    }

    private static string Outcome(HttpResponseMessage response) =>
        response.Headers.TryGetValues(ReviewBotWebhookProcessor.OutcomeHeader, out var values) ? values.Single() : "(no outcome header)";
}
