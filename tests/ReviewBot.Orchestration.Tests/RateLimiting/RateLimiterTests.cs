using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;
using ReviewBot.Orchestration.Budget;
using ReviewBot.Orchestration.RateLimiting;
using ReviewBot.Orchestration.Tests.Fakes;

namespace ReviewBot.Orchestration.Tests.RateLimiting;

public sealed class RateLimiterTests
{
    private static readonly LlmRequest Request = new("system", "user", 100) { EstimatedPromptTokens = 100 };

    private static LlmRequest Ask(string who) => Request with { UserPrompt = who };

    [Fact]
    public async Task RunAsync_429WithRetryAfter_PausesEveryCallerOfTheDeployment()
    {
        var time = TestRun.Clock();
        var observer = new RecordingObserver();
        var model = new FakeLanguageModel(time, (request, call, _) => call == 1
            ? Task.FromException<LlmCompletion>(new LlmException(LlmFailureKind.RateLimited, "429 Too Many Requests", TimeSpan.FromSeconds(5)))
            : Task.FromResult(new LlmCompletion("[]", 100, 20)));
        var engine = TestRun.Engine(time, model: model);
        var first = FakeAgent.Create("quality", Lane.High, run: async (ctx, ct) =>
        {
            await ctx.Llm!.CompleteAsync(Ask("quality"), ct);
            return AgentOutput.None;
        });
        var second = FakeAgent.Create("cost", Lane.Normal, run: async (ctx, ct) =>
        {
            await observer.When("alert", "quality");
            await ctx.Llm!.CompleteAsync(Ask("cost"), ct);
            return AgentOutput.None;
        });

        var runTask = TestRun.Run(engine, [first, second], observer);
        var limiter = engine.Limiter!;
        Bounded.Until(() => limiter.Waiting == 2, "the retried call and the other agent's call wait in the limiter");
        Assert.Equal(time.GetUtcNow() + TimeSpan.FromSeconds(5), limiter.PausedUntil);
        Assert.Contains("429", Assert.Single(observer.Alerts).Message);

        time.Advance(TimeSpan.FromMilliseconds(4_999));
        Assert.Equal(2, limiter.Waiting);
        Assert.Equal(1, model.Calls);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(0, limiter.Waiting);
        var run = await runTask.Within();

        var received = model.Received.ToList();
        Assert.Equal(3, received.Count);
        Assert.All(received.Skip(1), r => Assert.Equal(TimeSpan.FromSeconds(5), r.At - received[0].At));
        Assert.Equal(["quality", "cost"], received.Skip(1).Select(r => r.User).Order().Reverse());
        Assert.All(run.Agents, a => Assert.Equal(AgentStatus.Completed, a.Status));
        Assert.Equal((100, 20), (run.Agents[0].PromptTokens, run.Agents[0].CompletionTokens));
    }

    [Fact]
    public async Task RunAsync_429RepeatedBeyondRetries_AgentSeesTheRateLimitError()
    {
        var time = TestRun.Clock();
        var model = new FakeLanguageModel(time, (_, _, _) =>
            Task.FromException<LlmCompletion>(new LlmException(LlmFailureKind.RateLimited, "429", TimeSpan.FromSeconds(1))));
        var engine = TestRun.Engine(time, model: model, configure: b => b.ConfigureRateLimits(o => o.MaxRateLimitRetries = 1));
        var agent = FakeAgent.Create("quality", Lane.High, run: async (ctx, ct) =>
        {
            try
            {
                await ctx.Llm!.CompleteAsync(Request, ct);
                return AgentOutput.None;
            }
            catch (LlmException ex) when (ex.Kind == LlmFailureKind.RateLimited)
            {
                return new AgentOutput([]) { DegradedReason = "LLM pass rate-limited" };
            }
        });

        var runTask = TestRun.Run(engine, [agent]);
        Bounded.Until(() => engine.Limiter!.Waiting == 1, "the call waits for the pause to end");
        time.Advance(TimeSpan.FromSeconds(1));
        var run = await runTask.Within();

        Assert.Equal(2, model.Calls);
        Assert.Equal(AgentStatus.Degraded, run.Agents[0].Status);
    }

    [Fact]
    public async Task Limiter_Saturated_ServesTheHighestLaneFirstWhenTokensReturn()
    {
        var time = TestRun.Clock();
        var limiter = new DeploymentRateLimiter("gpt", new RateLimitOptions { RequestsPerMinute = 6 }, time);

        Assert.True(limiter.AcquireAsync(new AgentName("first"), Lane.Normal, 10, 0, null, default).IsCompletedSuccessfully);
        var lowA = limiter.AcquireAsync(new AgentName("low-a"), Lane.Low, 10, 0, null, default);
        var lowB = limiter.AcquireAsync(new AgentName("low-b"), Lane.Low, 10, 0, null, default);
        var high = limiter.AcquireAsync(new AgentName("high"), Lane.High, 10, 0, null, default);
        var critical = limiter.AcquireAsync(new AgentName("critical"), Lane.Critical, 10, 0, null, default);

        time.Advance(TimeSpan.FromSeconds(10));
        await critical.Within();
        Assert.False(high.IsCompleted || lowA.IsCompleted || lowB.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(10));
        await high.Within();
        Assert.False(lowA.IsCompleted || lowB.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(10));
        await lowA.Within();
        Assert.False(lowB.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(10));
        await lowB.Within();
    }

    [Fact]
    public async Task Limiter_LowerLanesDrainTheBucket_CriticalReserveStillServesAtOnce()
    {
        var time = TestRun.Clock();
        var limiter = new DeploymentRateLimiter("gpt", new RateLimitOptions { RequestsPerMinute = 60, CriticalReserve = 0.2 }, time);
        var low = Enumerable.Range(0, 10).Select(_ => limiter.AcquireAsync(new AgentName("docs"), Lane.Low, 10, 0, null, default)).ToList();

        Assert.Equal(8, low.Count(t => t.IsCompletedSuccessfully));
        var critical = Enumerable.Range(0, 2).Select(_ => limiter.AcquireAsync(AgentName.Governance, Lane.Critical, 10, 0, null, default)).ToList();
        Assert.All(critical, t => Assert.True(t.IsCompletedSuccessfully));
        var thirdCritical = limiter.AcquireAsync(AgentName.Governance, Lane.Critical, 10, 0, null, default);
        Assert.False(thirdCritical.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        await thirdCritical.Within();
        Assert.Equal(8, low.Count(t => t.IsCompleted));
    }

    [Fact]
    public async Task Limiter_TokenBucket_HoldsCallsUntilTokensPerMinuteAllow()
    {
        var time = TestRun.Clock();
        var limiter = new DeploymentRateLimiter("gpt", new RateLimitOptions { RequestsPerMinute = 600, TokensPerMinute = 6_000, CriticalReserve = 0 }, time);

        // The bucket holds 10 s of tokens (1,000); 600 are taken, the next 600 must wait for 200 more (2 s at 100/s).
        Assert.True(limiter.AcquireAsync(AgentName.Cost, Lane.Normal, 600, 0, null, default).IsCompletedSuccessfully);
        var second = limiter.AcquireAsync(AgentName.Cost, Lane.Normal, 600, 0, null, default);
        time.Advance(TimeSpan.FromMilliseconds(1_900));
        Assert.False(second.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(100));
        await second.Within();
    }

    [Fact]
    public async Task Limiter_WaitingCallCancelled_LeavesTheQueue()
    {
        var time = TestRun.Clock();
        var limiter = new DeploymentRateLimiter("gpt", new RateLimitOptions { RequestsPerMinute = 6 }, time);
        using var cts = new CancellationTokenSource();
        await limiter.AcquireAsync(AgentName.Docs, Lane.Low, 1, 0, null, default).Within();
        var waiting = limiter.AcquireAsync(AgentName.Docs, Lane.Low, 1, 0, null, cts.Token);

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.Within());
        Assert.Equal(0, limiter.Waiting);
    }

    [Fact]
    public async Task Limiter_PausedByAnotherCaller_NoCallPassesUntilThePauseEnds()
    {
        var time = TestRun.Clock();
        var limiter = new DeploymentRateLimiter("gpt", new RateLimitOptions(), time);
        limiter.PauseFor(TimeSpan.FromMilliseconds(1_500));

        var call = limiter.AcquireAsync(AgentName.Governance, Lane.Critical, 1, 0, null, default);
        time.Advance(TimeSpan.FromMilliseconds(1_499));
        Assert.False(call.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        await call.Within();
    }

    [Fact]
    public async Task RunAsync_TwoRunsOfOneEngine_ShareTheDeploymentLimiter()
    {
        var time = TestRun.Clock();
        var model = new FakeLanguageModel(time);
        var engine = TestRun.Engine(time, new ReviewConfig { Llm = new LlmConfig { RequestsPerMinute = 6 } }, model);
        FakeAgent Caller(string name) => FakeAgent.Create(name, run: async (ctx, ct) =>
        {
            await ctx.Llm!.CompleteAsync(Request, ct);
            return AgentOutput.None;
        });

        await TestRun.Run(engine, [Caller("one")]).Within();
        var second = TestRun.Run(engine, [Caller("two")]);
        Bounded.Until(() => engine.Limiter!.Waiting == 1, "the second run's call waits for the shared bucket");
        time.Advance(TimeSpan.FromSeconds(10));
        await second.Within();

        Assert.Equal(TimeSpan.FromSeconds(10), model.Received.Last().At - model.Received.First().At);
    }

    [Fact]
    public async Task RunAsync_TimeoutWhileWaitingForTheLimiter_CallLeavesTheQueueAndAgentTimesOut()
    {
        var time = TestRun.Clock();
        var model = new FakeLanguageModel(time);
        var engine = TestRun.Engine(time, new ReviewConfig { Llm = new LlmConfig { RequestsPerMinute = 6 } }, model);
        var first = FakeAgent.Create("quality", Lane.High, run: async (ctx, ct) =>
        {
            await ctx.Llm!.CompleteAsync(Request, ct);
            return AgentOutput.None;
        });
        var second = FakeAgent.Create("docs", Lane.Low, timeout: TimeSpan.FromSeconds(5), reads: [ReviewBot.Core.Agents.Resources.FindingsOf(AgentName.Quality)], run: async (ctx, ct) =>
        {
            await ctx.Llm!.CompleteAsync(Request, ct);
            return AgentOutput.None;
        });

        var runTask = TestRun.Run(engine, [first, second]);
        Bounded.Until(() => engine.Limiter!.Waiting == 1, "the second call waits for the next request permit (10 s away)");
        time.Advance(TimeSpan.FromSeconds(5));
        var run = await runTask.Within();

        Assert.Equal(AgentStatus.TimedOut, run.Agents[1].Status);
        Assert.Equal(0, engine.Limiter!.Waiting);
        Assert.Equal(1, model.Calls);
    }

    [Fact]
    public async Task RunAsync_NoLanguageModel_AgentsSeeNoLlm()
    {
        var time = TestRun.Clock();
        var agent = FakeAgent.Create("docs");

        var run = await TestRun.Run(TestRun.Engine(time), [agent]).Within();

        Assert.Null(Assert.Single(agent.Contexts).Llm);
        Assert.Equal("none", run.Budget.Llm);
    }

    [Fact]
    public async Task GovernedModel_ReportsUsageFromTheServiceNotTheEstimate()
    {
        var time = TestRun.Clock();
        var model = new FakeLanguageModel(time, (_, _, _) => Task.FromResult(new LlmCompletion("[]", 42, 7)));
        var budget = new ComputeBudget(new BudgetOptions());
        var meter = new UsageMeter();
        var limiter = new DeploymentRateLimiter("gpt", new RateLimitOptions(), time);
        var descriptor = new AgentDescriptor(AgentName.Quality, Lane.High, FailurePolicy.BestEffort, TimeSpan.FromMinutes(1));
        var governed = new GovernedLanguageModel(model, limiter, budget, descriptor, meter, 2);

        await governed.CompleteAsync(Request, default).Within();
        await governed.CompleteAsync(Request, default).Within();

        Assert.Equal((84, 14, 2), (meter.PromptTokens, meter.CompletionTokens, meter.Calls));
        var report = budget.Report("gpt");
        Assert.Equal((84, 14), (report.PromptTokens, report.CompletionTokens));
        Assert.Equal("gpt-test", governed.Deployment);
    }
}
