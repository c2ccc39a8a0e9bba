using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ReviewBot.TestUtils.GitHub;
using ReviewBot.TestUtils.Llm;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;

namespace ReviewBot.Cli.Tests.Reliability;

/// <summary>What a scenario must end with (DESIGN.md §3 "Honest outcome").</summary>
public enum Expected
{
    /// <summary>Fully reviewed: the blocking secrets fail the check; one comment; one completed check run.</summary>
    Reviewed,

    /// <summary>Reviewed, but the head moved during the run: the check is for its own SHA and the comment is left to the newer run.</summary>
    ReviewedCommentLeft,

    /// <summary>Reviewed, but GitHub would not take the comment: the check run and the job summary carry the whole result.</summary>
    ReviewedCommentNotWritten,

    /// <summary>Could not review: a failed check titled "Not reviewed: ...", no comment claiming a result, exit code 1.</summary>
    NotReviewed,
}

/// <summary>
/// The fault matrix: each scenario runs the real <c>reviewbot action</c> (Octokit, Azure OpenAI client, pipeline)
/// in-process against WireMock fakes that fail in one way, then checks the invariants every run must keep:
/// an honest conclusion (never a false green), at most one comment and one check run, every computed finding
/// visible, and no secret or token anywhere in what was written.
/// </summary>
public sealed class FaultMatrixTests(ITestOutputHelper output)
{
    private const string SecondaryRateLimit = """{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}""";

    /// <summary>Scenario name -> (arrange, expected outcome).</summary>
    private static readonly Dictionary<string, (Action<InProcessAction> Arrange, Expected Expected)> Scenarios = new(StringComparer.Ordinal)
    {
        // GitHub reads
        ["github-read-500-once"] = (a => Fault(a, "GET", "/pulls/2/files$", 500), Expected.Reviewed),
        ["github-read-502-twice"] = (a => Fault(a, "GET", "/pulls/2/files$", 502, times: 2), Expected.Reviewed),
        ["github-read-503-outage"] = (a => Fault(a, "GET", "/pulls/2/files$", 503, times: -1), Expected.NotReviewed),
        ["github-read-403-secondary-rate-limit-retry-after"] = (a => Fault(a, "GET", "/pulls/2/files$", 403, body: SecondaryRateLimit, retryAfter: "2"), Expected.Reviewed),
        ["github-read-403-secondary-rate-limit-no-retry-after"] = (a => Fault(a, "GET", "/issues/2/comments$", 403, body: SecondaryRateLimit), Expected.Reviewed),
        ["github-read-429-retry-after"] = (a => Fault(a, "GET", "/pulls/2/files$", 429, retryAfter: "1"), Expected.Reviewed),
        ["github-read-empty-response"] = (a => Fault(a, "GET", "/pulls/2/files$", 200, wire: FaultType.EMPTY_RESPONSE), Expected.Reviewed),
        ["github-read-malformed-chunk"] = (a => Fault(a, "GET", "/pulls/2/files$", 200, wire: FaultType.MALFORMED_RESPONSE_CHUNK), Expected.NotReviewed),
        ["github-read-comments-503-once"] = (a => Fault(a, "GET", "/issues/2/comments$", 503), Expected.Reviewed),
        ["github-read-comments-outage"] = (a => Fault(a, "GET", "/issues/2/comments$", 502, times: -1), Expected.ReviewedCommentNotWritten),
        ["github-read-pull-outage-at-publish"] = (a => Fault(a, "GET", "/pulls/2$", 503, times: -1), Expected.Reviewed),

        // GitHub writes
        ["github-write-comment-502"] = (a => Fault(a, "POST", "/issues/2/comments$", 502), Expected.Reviewed),
        ["github-write-comment-malformed-chunk"] = (a => Fault(a, "POST", "/issues/2/comments$", 200, wire: FaultType.MALFORMED_RESPONSE_CHUNK), Expected.Reviewed),
        ["github-write-comment-403-secondary-rate-limit"] = (a => Fault(a, "POST", "/issues/2/comments$", 403, body: SecondaryRateLimit, retryAfter: "1"), Expected.Reviewed),
        ["github-write-comment-update-500"] = (a =>
        {
            a.GitHub.AddComment(InProcessAction.Marker + "\nan older result");
            Fault(a, "PATCH", "/issues/comments/", 500);
        }, Expected.Reviewed),
        ["github-write-check-create-500"] = (a => Fault(a, "POST", "/check-runs$", 500), Expected.Reviewed),
        ["github-write-check-create-empty-response"] = (a => Fault(a, "POST", "/check-runs$", 200, wire: FaultType.EMPTY_RESPONSE), Expected.Reviewed),
        ["github-write-check-complete-502"] = (a => Fault(a, "PATCH", "/check-runs/", 502, bodyContains: "\"conclusion\""), Expected.Reviewed),
        ["github-write-check-complete-503-twice"] = (a => Fault(a, "PATCH", "/check-runs/", 503, times: 2, bodyContains: "\"conclusion\""), Expected.Reviewed),
        ["github-write-annotations-422"] = (a => Fault(a, "PATCH", "/check-runs/", 422, body: """{"message":"Validation Failed","errors":[{"resource":"CheckRun","code":"invalid","field":"annotations"}]}""", bodyContains: "\"annotations\""), Expected.Reviewed),

        // GitHub without a checkout (archives and the contents API)
        ["github-api-only-archive-500-once"] = (a => Fault(a, "GET", "/tarball/", 500), Expected.Reviewed),
        ["github-api-only-archive-malformed-chunk"] = (a => Fault(a, "GET", "/tarball/", 200, wire: FaultType.MALFORMED_RESPONSE_CHUNK), Expected.NotReviewed),
        ["github-api-only-config-503-once"] = (a => Fault(a, "GET", "/contents/", 503), Expected.Reviewed),
        ["github-api-only-config-outage"] = (a => Fault(a, "GET", "/contents/", 503, times: -1), Expected.NotReviewed),

        // The head moves while the run is going
        ["head-sha-moved-mid-run"] = (a => a.GitHub.HeadSha = "3333333333333333333333333333333333333333", Expected.ReviewedCommentLeft),

        // Azure OpenAI
        ["llm-valid-answer"] = (a => a.WithAzureOpenAi().Answer("""{"findings":[]}"""), Expected.Reviewed),
        ["llm-429-storm"] = (a => a.WithAzureOpenAi().Fail(429, ChatCompletionsStub.ErrorJson("429", "Rate limit is exceeded."), new Dictionary<string, string> { ["retry-after-ms"] = "400" }), Expected.Reviewed),
        ["llm-429-without-retry-after"] = (a => a.WithAzureOpenAi().Fail(429, ChatCompletionsStub.ErrorJson("429", "Rate limit is exceeded.")), Expected.Reviewed),
        ["llm-500"] = (a => a.WithAzureOpenAi().Fail(500, ChatCompletionsStub.ErrorJson("InternalServerError", "boom")), Expected.Reviewed),
        ["llm-503-html"] = (a => a.WithAzureOpenAi().Fail(503, "<html><body>Service Unavailable</body></html>"), Expected.Reviewed),
        ["llm-body-not-json"] = (a => a.WithAzureOpenAi().Fail(200, "this is not json"), Expected.Reviewed),
        ["llm-body-truncated-json"] = (a =>
        {
            var full = ChatCompletionsStub.CompletionJson("""{"findings":[]}""", 100, 20, "stop");
            a.WithAzureOpenAi().Fail(200, full[..(full.Length / 2)]);
        }, Expected.Reviewed),
        ["llm-answer-truncated-at-length"] = (a => a.WithAzureOpenAi().Answer("""{"findings":[{"file":"pipelines/load.py","line":4,"sev""", finishReason: "length"), Expected.Reviewed),
        ["llm-200-without-choices"] = (a => a.WithAzureOpenAi().Fail(200, """{"id":"chatcmpl-x","object":"chat.completion","model":"gpt-4o"}"""), Expected.Reviewed),
        ["llm-answer-not-findings"] = (a => a.WithAzureOpenAi().Answer("Sure! Here is my review: looks good to me."), Expected.Reviewed),
        ["llm-empty-response-fault"] = (a => a.WithAzureOpenAi().Server.Given(Request.Create().UsingPost()).AtPriority(-10).RespondWith(Response.Create().WithFault(FaultType.EMPTY_RESPONSE)), Expected.Reviewed),
        ["llm-malformed-chunk-fault"] = (a => a.WithAzureOpenAi().Server.Given(Request.Create().UsingPost()).AtPriority(-10).RespondWith(Response.Create().WithFault(FaultType.MALFORMED_RESPONSE_CHUNK)), Expected.Reviewed),
    };

    public static TheoryData<string> ScenarioNames => new(Scenarios.Keys);

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public async Task Action_Fault_HonestOutcomeNothingLostNothingLeaked(string scenario)
    {
        var (arrange, expected) = Scenarios[scenario];
        using var action = InProcessAction.Create(checkout: !scenario.StartsWith("github-api-only", StringComparison.Ordinal));
        arrange(action);

        var result = await action.RunAsync();
        output.WriteLine(result.ToString());

        Invariants.Check(action, result, expected);
    }

    [Fact]
    public async Task Action_LlmConnectionsReset_RulesStandAgentsDegraded()
    {
        using var action = InProcessAction.Create();
        using var reset = new ResettingServer();
        action.WithAzureOpenAiAt(reset.Url);

        var result = await action.RunAsync();
        output.WriteLine(result.ToString());

        Invariants.Check(action, result, Expected.Reviewed);
        Assert.True(reset.Accepted > 0);
        Assert.Contains(result.Report!["agents"]!.AsArray(), a => a!["status"]!.GetValue<string>() == "degraded");
    }

    [Fact]
    public async Task Action_LlmNeverAnswers_BoundedByTheAgentBudgetAndRuleFindingsKept()
    {
        var config = InProcessAction.DefaultConfig.Replace("timeout: 60m", "timeout: 10m", StringComparison.Ordinal);
        using var action = InProcessAction.Create(config);
        action.WithAzureOpenAi().Answer("""{"findings":[]}""", delay: TimeSpan.FromMinutes(10));

        var result = await action.RunAsync();
        output.WriteLine(result.ToString());

        Assert.True(result.Elapsed < TimeSpan.FromSeconds(60), $"took {result.Elapsed}");
        Invariants.Check(action, result, Expected.Reviewed);
        var governance = result.Report!["agents"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "governance")!;
        Assert.Equal("degraded", governance["status"]!.GetValue<string>());
        Assert.Contains("no answer within", governance["reason"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Action_CancelledWhileGitHubHangs_NotReviewedCancelledNoComment()
    {
        using var action = InProcessAction.Create();
        action.GitHub.Server.Given(Request.Create().WithPath($"/repos/{action.GitHub.FullName}/pulls/2/files").UsingGet()).AtPriority(-10)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("[]").WithDelay(TimeSpan.FromMinutes(5)));
        using var cancel = new CancellationTokenSource();
        var run = action.RunAsync(cancellationToken: cancel.Token);
        await WaitForAsync(() => action.GitHub.CheckRunWrites.Count > 0);
        await cancel.CancelAsync();

        var result = await run.WaitAsync(TimeSpan.FromSeconds(60));
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        var check = Assert.Single(action.GitHub.CheckRuns);
        Assert.Equal("failure", check["conclusion"]!.GetValue<string>());
        Assert.Equal("Not reviewed: cancelled", check["output"]!["title"]!.GetValue<string>());
        Assert.Empty(action.GitHub.Comments);
        Assert.Contains("not reviewed (cancelled)", result.Summary, StringComparison.Ordinal);
        Invariants.NoSecretAnywhere(action, result);
    }

    [Fact]
    public async Task Action_NewerRunCancelsOlder_NewerResultStandsAlone()
    {
        using var action = InProcessAction.Create();
        var hang = Guid.NewGuid();
        action.GitHub.Server.Given(Request.Create().WithPath($"/repos/{action.GitHub.FullName}/pulls/2/files").UsingGet()).AtPriority(-10).WithGuid(hang)
            .RespondWith(Response.Create().WithStatusCode(200).WithBody("[]").WithDelay(TimeSpan.FromMinutes(5)));
        using var cancel = new CancellationTokenSource();
        var older = action.RunAsync(cancellationToken: cancel.Token);
        await WaitForAsync(() => action.GitHub.CheckRunWrites.Count > 0);
        await cancel.CancelAsync();
        var first = await older.WaitAsync(TimeSpan.FromSeconds(60));
        action.GitHub.Server.DeleteMapping(hang);

        var newer = await action.RunAsync();
        output.WriteLine(first.ToString());
        output.WriteLine(newer.ToString());

        Assert.Equal(1, first.ExitCode);
        Assert.Equal("Not reviewed: cancelled", action.GitHub.CheckRunWrites.First(w => w["conclusion"] is not null)["output"]!["title"]!.GetValue<string>());
        Invariants.Check(action, newer, Expected.Reviewed, checkRunsOnHead: 2);
        Assert.Equal("failure", action.GitHub.CheckRuns[^1]["conclusion"]!.GetValue<string>());
        Assert.DoesNotContain("Not reviewed", action.GitHub.CheckRuns[^1]["output"]!["title"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    private static void Fault(InProcessAction a, string method, string pattern, int status, int times = 1, string? body = null, string? retryAfter = null, FaultType? wire = null, string? bodyContains = null)
    {
        var headers = new Dictionary<string, string>();
        if (retryAfter is not null)
        {
            headers["Retry-After"] = retryAfter;
        }

        a.GitHub.Faults.Add(new FakeFault
        {
            Method = method,
            PathPattern = pattern,
            Status = status,
            Times = times,
            Body = body ?? """{"message":"Server Error"}""",
            Headers = headers,
            Wire = wire,
            BodyContains = bodyContains,
        });
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!condition())
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    /// <summary>A TCP endpoint that accepts each connection and resets it at once (RST), like a crashing proxy.</summary>
    private sealed class ResettingServer : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private int _accepted;

        public ResettingServer()
        {
            _listener.Start();
            Url = $"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/";
            _ = Task.Run(AcceptAsync);
        }

        public string Url { get; }

        public int Accepted => Volatile.Read(ref _accepted);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                try
                {
                    using var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    Interlocked.Increment(ref _accepted);
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }
            }
        }
    }
}
