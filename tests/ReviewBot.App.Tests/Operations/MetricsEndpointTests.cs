using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using ReviewBot.TestUtils.GitHub;
using ReviewBot.TestUtils.Llm;

namespace ReviewBot.App.Tests.Operations;

/// <summary><c>GET /metrics</c> scraped over HTTP after a real review (the real reviewer, the GitHub fake, the Azure OpenAI fake).</summary>
public sealed class MetricsEndpointTests : IDisposable
{
    private readonly FakeGitHub _github = new();

    public MetricsEndpointTests()
    {
        _github.AddFile("models/orders.sql", "added", "@@ -0,0 +1,1 @@\n+select id from raw.orders");
        _github.Trees[_github.BaseSha] = new() { ["README.md"] = "# shop\n", [".github/reviewbot.yml"] = "llm:\n  provider: azure-openai\n  deployment: gpt-metrics\n" };
        _github.Trees[_github.HeadSha] = new(_github.Trees[_github.BaseSha]) { ["models/orders.sql"] = "select id from raw.orders\n" };
    }

    [Fact]
    public async Task Metrics_AfterARealReview_ExposesQueueLeaseLlmAndGitHubCounters()
    {
        // A review that outlasts one lease renewal (every second), so the lease counter sees one.
        using var llm = ChatCompletionsStub.StartAzure("gpt-metrics");
        llm.Answer("{\"findings\":[]}", promptTokens: 120, completionTokens: 7, delay: TimeSpan.FromMilliseconds(1_500));
        var env = TestServer.Environment(_github.ApiUrl);
        env["AZURE_OPENAI_ENDPOINT"] = llm.Endpoint;
        env["AZURE_OPENAI_API_KEY"] = "test-key";
        env["AZURE_OPENAI_DEPLOYMENT"] = "gpt-metrics";
        await using var server = await TestServer.StartAsync(env, realReviewer: true);

        using var before = await server.Client.GetAsync("/metrics");
        using var delivered = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"));
        await server.Logs.WaitForAsync(m => m.StartsWith("Review finished", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        using var after = await server.Client.GetAsync("/metrics");
        var text = await after.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.StartsWith("text/plain", after.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("reviewbot_reviews_completed_total", await before.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1, Value(text, "reviewbot_deliveries_total{outcome=\"queued\"}"));
        Assert.Equal(1, Value(text, "reviewbot_reviews_completed_total{outcome=\"succeeded\"}"));
        Assert.Equal(1, Value(text, "reviewbot_review_duration_seconds_count{outcome=\"succeeded\"}"));
        Assert.Equal(0, Value(text, "reviewbot_reviews_running"));
        Assert.Equal(0, Value(text, "reviewbot_queue_depth"));
        Assert.Equal(1, Value(text, "reviewbot_leases_total{event=\"claimed\"}"));
        Assert.True(Value(text, "reviewbot_leases_total{event=\"renewed\"}") >= 1, text);
        Assert.Equal(llm.RequestCount * 120, Value(text, "reviewbot_llm_tokens_total{type=\"prompt\"}"));
        Assert.Equal(llm.RequestCount * 7, Value(text, "reviewbot_llm_tokens_total{type=\"completion\"}"));
        Assert.True(llm.RequestCount >= 1);
        // Every API request of the review goes through the installation's budget (the token exchange does not).
        Assert.Equal(_github.Requests.Count(r => r.Path.StartsWith("/repos/", StringComparison.Ordinal)), Value(text, "reviewbot_github_requests_total"));
        Assert.Equal(0, Value(text, "reviewbot_github_budget_waits_total"));
        Assert.Contains("# TYPE reviewbot_llm_tokens_total counter", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE reviewbot_queue_depth gauge", text, StringComparison.Ordinal);
    }

    public void Dispose() => _github.Dispose();

    private static double Value(string text, string series)
    {
        var match = Regex.Match(text, "^" + Regex.Escape(series) + " (\\S+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"no series {series} in:\n{text}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
