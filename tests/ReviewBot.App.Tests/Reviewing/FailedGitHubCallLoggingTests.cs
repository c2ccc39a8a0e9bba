using Microsoft.Extensions.Logging;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.App.Tests.Reviewing;

/// <summary>A GitHub call that fails for good: one structured log line, stack traces at debug level only (issue 18).</summary>
public sealed class FailedGitHubCallLoggingTests : IDisposable
{
    private readonly FakeGitHub _github = new();

    public FailedGitHubCallLoggingTests()
    {
        _github.AddFile("models/orders.sql", "added", "@@ -0,0 +1 @@\n+select 1 as id");
        _github.Trees[_github.BaseSha] = new() { ["README.md"] = "# shop\n" };
        _github.Trees[_github.HeadSha] = new() { ["README.md"] = "# shop\n", ["models/orders.sql"] = "select 1 as id\n" };
    }

    public void Dispose() => _github.Dispose();

    [Fact]
    public async Task Review_GitHubAnswers500ForGood_OneLineWithStatusRequestAndNextStepNoStackTraceAboveDebug()
    {
        _github.Faults.Add(new FakeFault { Method = "GET", PathPattern = "/pulls/2/files$", Status = 502, Times = -1 });
        await using var server = await TestServer.StartAsync(TestServer.Environment(_github.ApiUrl), realReviewer: true);

        using var response = await server.SendAsync("pull_request", Fixtures.Bytes("pull_request/opened.payload.json"));
        var line = await server.Logs.WaitForAsync(m => m.StartsWith("Review failed", StringComparison.Ordinal), TimeSpan.FromSeconds(120));

        Assert.Matches(@"GitHub API: GET /repos/[^/]+/[^/]+/pulls/2/files answered 502", line);
        Assert.Contains("the check run says 'Not reviewed: ReviewBot failed'", line, StringComparison.Ordinal);
        Assert.Contains("re-run the check or push again to retry", line, StringComparison.Ordinal);
        Assert.Single(server.Logs.Entries, e => e.Level >= LogLevel.Warning && e.Message.Contains("pulls/2/files", StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.WithException, e => e.Level >= LogLevel.Information);
        Assert.Equal("failure", Assert.Single(_github.CheckRuns)["conclusion"]!.GetValue<string>());
    }
}
