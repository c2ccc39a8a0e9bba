using ReviewBot.Core.Agents;
using ReviewBot.Core.Llm;
using ReviewBot.Orchestration.RateLimiting;
using ReviewBot.Orchestration.Tests.Fakes;

namespace ReviewBot.Orchestration.Tests.RateLimiting;

/// <summary>One <see cref="LlmRateLimiters"/> per process: concurrent reviews (engines) share the deployment's buckets and lane order.</summary>
public sealed class SharedRateLimiterTests
{
    private static readonly LlmRequest Request = new("system", "user", 100) { EstimatedPromptTokens = 100 };

    [Fact]
    public async Task RunAsync_TwoEnginesShareLimiters_TheSecondReviewWaitsForTheFirstOnesRequest()
    {
        var time = TestRun.Clock();
        var shared = new LlmRateLimiters(time);
        var model = new FakeLanguageModel(time);

        // 6 requests a minute: the bucket holds one request per 10-second burst window.
        var first = TestRun.Engine(time, model: model, configure: b => b.WithRateLimiters(shared).ConfigureRateLimits(o => o.RequestsPerMinute = 6));
        var second = TestRun.Engine(time, model: model, configure: b => b.WithRateLimiters(shared).ConfigureRateLimits(o => o.RequestsPerMinute = 6));
        Assert.Same(first.Limiter, second.Limiter);

        var runA = TestRun.Run(first, [Caller("quality", Lane.High, "review-a")]);
        var runB = TestRun.Run(second, [Caller("quality", Lane.High, "review-b")]);
        Bounded.Until(() => model.Calls == 1 && first.Limiter!.Waiting == 1, "one review's call goes out, the other's waits for the shared bucket");

        time.Advance(TimeSpan.FromSeconds(10));
        await Task.WhenAll(runA, runB).Within();
        var received = model.Received.ToList();
        Assert.Equal(2, received.Count);
        Assert.Equal(TimeSpan.FromSeconds(10), received[1].At - received[0].At);
    }

    [Fact]
    public async Task RunAsync_TwoEnginesWithoutSharedLimiters_EachSpendsTheWholeQuota()
    {
        // The defect this class fixes: engines built per review had their own buckets.
        var time = TestRun.Clock();
        var model = new FakeLanguageModel(time);
        var first = TestRun.Engine(time, model: model, configure: b => b.ConfigureRateLimits(o => o.RequestsPerMinute = 6));
        var second = TestRun.Engine(time, model: model, configure: b => b.ConfigureRateLimits(o => o.RequestsPerMinute = 6));

        await Task.WhenAll(TestRun.Run(first, [Caller("quality", Lane.High, "a")]), TestRun.Run(second, [Caller("quality", Lane.High, "b")])).Within();

        Assert.NotSame(first.Limiter, second.Limiter);
        Assert.Equal(2, model.Calls);
    }

    [Fact]
    public async Task RunAsync_LowLaneOfOneReviewWaits_CriticalLaneOfAnotherReviewIsServedFirst()
    {
        var time = TestRun.Clock();
        var shared = new LlmRateLimiters(time);
        var model = new FakeLanguageModel(time);
        var low = TestRun.Engine(time, model: model, configure: b => b.WithRateLimiters(shared).ConfigureRateLimits(o => o.RequestsPerMinute = 6));
        var critical = TestRun.Engine(time, model: model, configure: b => b.WithRateLimiters(shared).ConfigureRateLimits(o => o.RequestsPerMinute = 6));

        var lowRun = TestRun.Run(low, [Caller("docs", Lane.Low, "docs-1", "docs-2", "docs-3")]);
        Bounded.Until(() => model.Calls == 1 && low.Limiter!.Waiting == 1, "the low lane took the bucket and waits for more");
        var criticalRun = TestRun.Run(critical, [Caller("governance", Lane.Critical, "governance")]);
        Bounded.Until(() => low.Limiter!.Waiting == 2, "the critical call of the other review waits too");

        time.Advance(TimeSpan.FromSeconds(10));
        await criticalRun.Within();
        time.Advance(TimeSpan.FromSeconds(10));
        Bounded.Until(() => model.Calls == 3, "the low lane goes on");
        time.Advance(TimeSpan.FromSeconds(10));
        await lowRun.Within();

        Assert.Equal(["docs-1", "governance", "docs-2", "docs-3"], model.Received.Select(r => r.User));
    }

    private static FakeAgent Caller(string name, Lane lane, params string[] prompts) =>
        FakeAgent.Create(name, lane, run: async (ctx, ct) =>
        {
            foreach (var prompt in prompts)
            {
                await ctx.Llm!.CompleteAsync(Request with { UserPrompt = prompt }, ct);
            }

            return AgentOutput.None;
        });
}
