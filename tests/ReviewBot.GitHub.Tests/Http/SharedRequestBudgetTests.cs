using Microsoft.Extensions.Time.Testing;
using ReviewBot.Core.Limits;
using ReviewBot.GitHub.Http;

namespace ReviewBot.GitHub.Tests.Http;

/// <summary>The installation budget with buckets shared across replicas: the shared store's refusal holds a request, its grant is also taken locally.</summary>
public sealed class SharedRequestBudgetTests
{
    [Fact]
    public async Task AcquireAsync_SharedStoreRefuses_WaitsAsLongAsItSaysThenAsksAgain()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        var shared = new ScriptedBuckets(new SharedTake(false, TimeSpan.FromSeconds(3)), new SharedTake(true, TimeSpan.Zero));
        using var budget = new GitHubRequestBudget(time, null, shared, "github:7");

        var write = budget.AcquireAsync(contentCreating: true, default);
        Assert.False(write.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(2_999));
        Assert.False(write.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        (await write.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();

        Assert.Equal(2, shared.Draws.Count);
        Assert.All(shared.Draws, d => Assert.Equal(("github:7", 1.0, 1.0, 5_000.0, 80.0), (d.Key, d.First.Permits, d.Second.Permits, d.First.Capacity, d.Second.Capacity)));
        Assert.Equal(1, budget.Waits);
    }

    [Fact]
    public async Task AcquireAsync_SharedStoreUnreachable_TheLocalBudgetStillHoldsTheReplicasOwnLimit()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 12, 0, 0, TimeSpan.Zero));
        using var budget = new GitHubRequestBudget(time, new GitHubRequestBudgetOptions { ContentCreatingPerMinute = 2 }, new ScriptedBuckets(SharedTake.Local), "github:7");

        (await budget.AcquireAsync(true, default)).Dispose();
        (await budget.AcquireAsync(true, default)).Dispose();
        var third = budget.AcquireAsync(true, default);
        var read = budget.AcquireAsync(false, default);

        Assert.False(third.IsCompleted);
        (await read.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
        time.Advance(TimeSpan.FromSeconds(30));
        (await third.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }

    /// <summary>Answers the given takes in order, the last one repeating; records every draw.</summary>
    private sealed class ScriptedBuckets(params SharedTake[] answers) : ISharedRateBuckets
    {
        public List<(string Key, BucketDraw First, BucketDraw Second)> Draws { get; } = [];

        public Task<SharedTake> TryTakeAsync(string key, BucketDraw first, BucketDraw second, CancellationToken cancellationToken)
        {
            lock (Draws)
            {
                Draws.Add((key, first, second));
                return Task.FromResult(answers[Math.Min(Draws.Count, answers.Length) - 1]);
            }
        }
    }
}
