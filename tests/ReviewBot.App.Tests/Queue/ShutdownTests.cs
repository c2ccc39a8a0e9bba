using Microsoft.Extensions.Logging;

namespace ReviewBot.App.Tests.Queue;

public sealed class ShutdownTests
{
    [Fact]
    public async Task Stop_WithARunningAndAWaitingReview_FinishesTheRunningOneAndLogsTheWaitingOne()
    {
        await using var server = await TestServer.StartAsync();
        server.Reviewer.Hold();
        using var running = await server.SendAsync("pull_request", Fixtures.PullRequest("opened", number: 1));
        await server.Reviewer.WaitForStartedAsync(1);
        using var waiting = await server.SendAsync("pull_request", Fixtures.PullRequest("opened", number: 2));

        var stopping = server.StopAsync();
        await server.Logs.WaitForAsync("Shutdown: waiting for 1 running review");
        server.Reviewer.Release();
        await stopping;

        Assert.Equal([1], server.Reviewer.Finished.Select(r => r.Number));
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("Not reviewed (shutdown before it started): Codertocat/Hello-World#2", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stop_ReviewOutlastsShutdownTimeout_CancelsItAndLogsItNotPublished()
    {
        var env = TestServer.Environment();
        env["REVIEWBOT_SHUTDOWN_SECONDS"] = "1";
        await using var server = await TestServer.StartAsync(env);
        server.Reviewer.Hold();
        using var running = await server.SendAsync("pull_request", Fixtures.PullRequest("opened", number: 1));
        await server.Reviewer.WaitForStartedAsync(1);

        await server.StopAsync();

        Assert.Empty(server.Reviewer.Finished);
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Error && e.Message.StartsWith("Review cancelled by shutdown, not published: Codertocat/Hello-World#1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deliver_WhenQueueIsFull_Returns503WithRetryAfterAndTakesTheRedeliveryLater()
    {
        var env = TestServer.Environment();
        env["REVIEWBOT_QUEUE_CAPACITY"] = "1";
        await using var server = await TestServer.StartAsync(env);
        server.Reviewer.Hold();
        using var first = await server.SendAsync("pull_request", Fixtures.PullRequest("opened", number: 1));
        await server.Reviewer.WaitForStartedAsync(1);
        using var second = await server.SendAsync("pull_request", Fixtures.PullRequest("opened", number: 2));

        using var refused = await server.SendAsync("pull_request", Fixtures.PullRequest("opened", number: 3), "d-full");
        server.Reviewer.Release();
        await server.Reviewer.WaitForAsync(r => r.Number == 2);
        using var redelivered = await server.SendAsync("pull_request", Fixtures.PullRequest("opened", number: 3), "d-full");

        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, redelivered.StatusCode);
        await server.Reviewer.WaitForAsync(r => r.Number == 3);
    }
}
