using Octokit;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.GitHub.Tests.Http;

public sealed class GitHubResilienceTests
{
    [Fact]
    public async Task Read_5xxThenSuccess_RetriedWithBackoff()
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault { Method = "GET", PathPattern = "/pulls/2$", Status = 502, Times = 2 });
        var time = new AutoAdvancingTimeProvider();
        using var api = TestApi.For(fake, time);

        var pr = await api.CallAsync(c => c.PullRequest.Get(fake.Owner, fake.Name, fake.Number), CancellationToken.None);

        Assert.Equal(2, pr.Number);
        Assert.Equal(3, fake.CountRequests("GET", "/pulls/2"));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], time.Delays);
        Assert.Equal(3, api.Requests.Count);
    }

    [Fact]
    public async Task Read_SecondaryRateLimitWithRetryAfter_WaitsExactlyThatLong()
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault
        {
            Method = "GET",
            PathPattern = "/pulls/2/files$",
            Status = 403,
            Body = """{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}""",
            Headers = new Dictionary<string, string> { ["Retry-After"] = "7" },
        });
        fake.AddFile("a.sql", patch: "@@ -1 +1 @@\n-a\n+b");
        var time = new AutoAdvancingTimeProvider();
        using var api = TestApi.For(fake, time);

        var files = await api.CallAsync(c => c.PullRequest.Files(fake.Owner, fake.Name, fake.Number), CancellationToken.None);

        Assert.Single(files);
        Assert.Equal([TimeSpan.FromSeconds(7)], time.Delays);
    }

    [Fact]
    public async Task Read_SecondaryRateLimitWithoutRetryAfter_WaitsOneMinute()
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault
        {
            Method = "GET",
            PathPattern = "/pulls/2$",
            Status = 403,
            Body = """{"message":"You have exceeded a secondary rate limit."}""",
        });
        var time = new AutoAdvancingTimeProvider();
        using var api = TestApi.For(fake, time);

        await api.CallAsync(c => c.PullRequest.Get(fake.Owner, fake.Name, fake.Number), CancellationToken.None);

        Assert.Equal([TimeSpan.FromSeconds(60)], time.Delays);
    }

    [Fact]
    public async Task Read_429_RetriedHonouringRetryAfter()
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault { Method = "GET", PathPattern = "/pulls/2$", Status = 429, Headers = new Dictionary<string, string> { ["Retry-After"] = "3" } });
        var time = new AutoAdvancingTimeProvider();
        using var api = TestApi.For(fake, time);

        await api.CallAsync(c => c.PullRequest.Get(fake.Owner, fake.Name, fake.Number), CancellationToken.None);

        Assert.Equal([TimeSpan.FromSeconds(3)], time.Delays);
    }

    [Fact]
    public async Task Read_RetryAfterLongerThanAllowed_FailsAtOnce()
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault
        {
            Method = "GET",
            PathPattern = "/pulls/2$",
            Status = 403,
            Body = """{"message":"You have exceeded a secondary rate limit."}""",
            Headers = new Dictionary<string, string> { ["Retry-After"] = "3600" },
        });
        var time = new AutoAdvancingTimeProvider();
        using var api = TestApi.For(fake, time);

        await Assert.ThrowsAnyAsync<ApiException>(() => api.CallAsync(c => c.PullRequest.Get(fake.Owner, fake.Name, fake.Number), CancellationToken.None));

        Assert.Equal(1, fake.CountRequests("GET", "/pulls/2"));
        Assert.Empty(time.Delays);
    }

    [Fact]
    public async Task Read_PersistentOutage_StopsAfterBoundedRetries()
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault { Method = "GET", PathPattern = "/pulls/2$", Status = 503, Times = -1 });
        var time = new AutoAdvancingTimeProvider();
        using var api = TestApi.For(fake, time);

        await Assert.ThrowsAnyAsync<ApiException>(() => api.CallAsync(c => c.PullRequest.Get(fake.Owner, fake.Name, fake.Number), CancellationToken.None));

        Assert.Equal(5, fake.CountRequests("GET", "/pulls/2"));
        Assert.True(time.Delays.Aggregate(TimeSpan.Zero, (a, b) => a + b) <= TimeSpan.FromMinutes(3));
    }

    [Fact]
    public async Task Read_PlainForbidden_NotRetried()
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault { Method = "GET", PathPattern = "/pulls/2$", Status = 403, Body = """{"message":"Resource not accessible by integration"}""" });
        var time = new AutoAdvancingTimeProvider();
        using var api = TestApi.For(fake, time);

        await Assert.ThrowsAsync<ForbiddenException>(() => api.CallAsync(c => c.PullRequest.Get(fake.Owner, fake.Name, fake.Number), CancellationToken.None));

        Assert.Equal(1, fake.CountRequests("GET", "/pulls/2"));
    }

    [Fact]
    public async Task Write_5xx_NotRetried()
    {
        using var fake = new FakeGitHub();
        fake.Faults.Add(new FakeFault { Method = "POST", PathPattern = "/issues/2/comments$", Status = 502 });
        using var api = TestApi.For(fake);

        await Assert.ThrowsAnyAsync<ApiException>(() => api.CallAsync(c => c.Issue.Comment.Create(fake.Owner, fake.Name, fake.Number, "x"), CancellationToken.None));

        Assert.Equal(1, fake.CountRequests("POST", "/issues/2/comments"));
    }
}
