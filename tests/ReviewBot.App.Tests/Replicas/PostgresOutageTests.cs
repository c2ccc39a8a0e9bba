using System.Net;
using ReviewBot.App.Tests.Queue;

namespace ReviewBot.App.Tests.Replicas;

/// <summary>The App on PostgreSQL when the database goes away: readiness says so and deliveries get 503 (nothing half-recorded).</summary>
public sealed class PostgresOutageTests
{
    [PostgresFact]
    public async Task Deliver_DatabaseGoneAfterStart_Answers503WithRetryAfterAndReadyzFails()
    {
        var database = await TestDatabase.CreateAsync();
        var env = TestServer.Environment();
        env["REVIEWBOT_POSTGRES"] = database.ConnectionString + ";Timeout=3";
        await using var server = await TestServer.StartAsync(env);
        server.Reviewer.Hold();

        using var ready = await server.Client.GetAsync("/readyz");
        using var accepted = await server.SendAsync("pull_request", Fixtures.PullRequest("opened", number: 1));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);

        await database.DisposeAsync();
        using var refused = await server.SendAsync("pull_request", Fixtures.PullRequest("opened", number: 2));
        using var notReady = await server.Client.GetAsync("/readyz");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.Contains("review queue is unavailable", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        Assert.StartsWith("not ready: PostgreSQL unreachable", await notReady.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
