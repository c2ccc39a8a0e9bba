using System.Net;
using Microsoft.Extensions.Time.Testing;
using ReviewBot.GitHub.Http;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.GitHub.Tests.Http;

public sealed class GitHubRequestBudgetTests
{
    private static FakeTimeProvider Clock() => new(new DateTimeOffset(2026, 11, 23, 17, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task AcquireAsync_81stWriteInAMinute_WaitsForTheSecondaryLimitToRefill()
    {
        var time = Clock();
        using var budget = new GitHubRequestBudget(time);
        for (var i = 0; i < 80; i++)
        {
            (await budget.AcquireAsync(contentCreating: true, default)).Dispose();
        }

        var write = budget.AcquireAsync(contentCreating: true, default);
        var read = budget.AcquireAsync(contentCreating: false, default);
        Assert.True(read.IsCompletedSuccessfully, "a read is not held by the write limit");
        Assert.False(write.IsCompleted);

        // 80 a minute: one permit comes back every 750 ms.
        time.Advance(TimeSpan.FromMilliseconds(749));
        Assert.False(write.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        (await write.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.Equal(1, budget.Waits);
    }

    [Fact]
    public async Task AcquireAsync_PrimaryLimitSpent_WaitsForItsHourlyRefill()
    {
        var time = Clock();
        using var budget = new GitHubRequestBudget(time, new GitHubRequestBudgetOptions { RequestsPerHour = 2 });
        (await budget.AcquireAsync(false, default)).Dispose();
        (await budget.AcquireAsync(false, default)).Dispose();

        var third = budget.AcquireAsync(false, default);
        time.Advance(TimeSpan.FromMinutes(29));
        Assert.False(third.IsCompleted);
        time.Advance(TimeSpan.FromMinutes(1));
        (await third.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task AcquireAsync_MaxConcurrentInFlight_TheNextWaitsForOneToFinish()
    {
        using var budget = new GitHubRequestBudget(Clock(), new GitHubRequestBudgetOptions { MaxConcurrent = 100 });
        var held = new List<IDisposable>();
        for (var i = 0; i < 100; i++)
        {
            held.Add(await budget.AcquireAsync(false, default));
        }

        var next = budget.AcquireAsync(false, default);
        Assert.Equal(100, budget.InFlight);
        Assert.False(next.IsCompleted);
        held[0].Dispose();
        held[0].Dispose();
        (await next.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        Assert.Equal(99, budget.InFlight);
        held.ForEach(h => h.Dispose());
        Assert.Equal(0, budget.InFlight);
    }

    [Fact]
    public async Task Observe_RemainingZero_HoldsEveryRequestUntilTheReset()
    {
        var time = Clock();
        using var budget = new GitHubRequestBudget(time);
        using var response = new HttpResponseMessage(HttpStatusCode.OK);
        response.Headers.Add("x-ratelimit-remaining", "0");
        response.Headers.Add("x-ratelimit-reset", (time.GetUtcNow() + TimeSpan.FromSeconds(90)).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture));
        budget.Observe(response);

        var next = budget.AcquireAsync(false, default);
        time.Advance(TimeSpan.FromSeconds(89));
        Assert.False(next.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        (await next.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    [Fact]
    public async Task Create_TwoClientsShareABudget_EveryRequestOfBothTakesAPermit()
    {
        using var github = new FakeGitHub();
        var time = new AutoAdvancingTimeProvider();
        using var budget = new GitHubRequestBudget(time, new GitHubRequestBudgetOptions { RequestsPerHour = 2 });
        GitHubApi Client() => GitHubClientFactory.Create(new GitHubOptions { ApiUrl = new Uri(github.ApiUrl), Token = "ghs_x", TimeProvider = time, RequestBudget = budget });
        using var first = Client();
        using var second = Client();

        await first.CallAsync(c => c.PullRequest.Get(github.Owner, github.Name, github.Number), CancellationToken.None);
        await second.CallAsync(c => c.PullRequest.Get(github.Owner, github.Name, github.Number), CancellationToken.None);
        Assert.Equal(0, budget.Waits);
        await first.CallAsync(c => c.PullRequest.Get(github.Owner, github.Name, github.Number), CancellationToken.None);

        // The third request of the pair waited half an hour (2 an hour) on the shared budget.
        Assert.Equal(1, budget.Waits);
        Assert.Contains(time.Delays, d => d >= TimeSpan.FromMinutes(29));
    }
}
