using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.Orchestration.Tests.Fakes;

namespace ReviewBot.Orchestration.Tests;

public sealed class ReviewEngineTests
{
    [Fact]
    public async Task RunAsync_FillsTheAgentContext()
    {
        var time = TestRun.Clock();
        var model = new FakeLanguageModel(time);
        var settings = new AgentConfig { Prompt = "also check naming" };
        var config = new ReviewConfig { Agents = new Dictionary<string, AgentConfig> { ["quality"] = settings }, Llm = new LlmConfig { Provider = LlmProvider.AzureOpenAI } };
        var agent = FakeAgent.Create("quality", Lane.High);
        var resources = new ResourceStore();

        var run = await TestRun.Run(TestRun.Engine(time, config, model), [agent], resources: resources).Within();

        var context = Assert.Single(agent.Contexts);
        Assert.Equal(new AgentName("quality"), context.Agent);
        Assert.Same(settings, context.Settings);
        Assert.Same(config, context.Config);
        Assert.Same(time, context.Time);
        Assert.Same(resources, context.Resources);
        Assert.Same(TestRun.EmptyChange, context.Change);
        Assert.Equal(0, context.Attempt);
        Assert.NotNull(context.Llm);
        Assert.NotSame(model, context.Llm);
        Assert.Equal("gpt-test", context.Llm.Deployment);
        Assert.Equal("azure-openai/gpt-test", run.Budget.Llm);
    }

    [Fact]
    public async Task RunAsync_WholeRunCancelled_EndsUnfinishedAgentsAsCancelledAndKeepsWhatWasDone()
    {
        var time = TestRun.Clock();
        using var cts = new CancellationTokenSource();
        var done = FakeAgent.Create("governance", Lane.Critical, FailurePolicy.Required, run: (_, _) =>
            Task.FromResult(TestRun.Output(TestRun.Finding("governance", "secret-in-code", "a.py", 1, Severity.Critical))));
        var running = FakeAgent.Create("quality", Lane.High, run: (_, ct) => TestRun.Forever(ct));
        var queued = FakeAgent.Create("docs", Lane.Low);
        var waiting = FakeAgent.Create("cost", Lane.Normal, reads: [Resources.FindingsOf(AgentName.Quality)]);
        var engine = TestRun.Engine(time, new ReviewConfig { MaxParallel = 1 });

        var runTask = TestRun.Run(engine, [done, running, queued, waiting], cancellationToken: cts.Token);
        await running.AttemptStarted().Within();
        await cts.CancelAsync();
        var run = await runTask.Within();

        Assert.Equal(AgentStatus.Completed, run.Agents[0].Status);
        Assert.All(run.Agents.Skip(1), a => Assert.Equal((AgentStatus.Failed, "cancelled"), (a.Status, a.Reason)));
        Assert.Equal(0, queued.Attempts + waiting.Attempts);
        Assert.Equal("secret-in-code", Assert.Single(run.Findings).Rule);
        Assert.Equal(ReviewBot.Core.Reports.Conclusion.Failure, run.Verdict.Conclusion);
    }

    [Fact]
    public async Task RunAsync_CancelledBeforeStart_ReturnsEveryAgentCancelled()
    {
        var time = TestRun.Clock();
        var agent = FakeAgent.Create("docs");

        var run = await TestRun.Run(TestRun.Engine(time), [agent], cancellationToken: new CancellationToken(true)).Within();

        Assert.Equal((AgentStatus.Failed, "cancelled"), (run.Agents[0].Status, run.Agents[0].Reason));
        Assert.Equal(0, agent.Attempts);
    }

    [Fact]
    public async Task RunAsync_NoAgents_PassesWithNoFindings()
    {
        var run = await TestRun.Run(TestRun.Engine(TestRun.Clock()), []).Within();

        Assert.Empty(run.Agents);
        Assert.Equal("No findings", run.Verdict.Title);
    }

    [Fact]
    public async Task RunAsync_AgentThrowsSynchronously_IsAFailureNotACrash()
    {
        var agent = FakeAgent.Create("docs", run: (_, _) => throw new FormatException("bad yaml"));

        var run = await TestRun.Run(TestRun.Engine(TestRun.Clock()), [agent]).Within();

        Assert.Equal((AgentStatus.Failed, "FormatException: bad yaml"), (run.Agents[0].Status, run.Agents[0].Reason));
    }

    [Fact]
    public async Task RunAsync_FindingAttributedToAnotherAgent_IsCreditedToItsProducer()
    {
        var agent = FakeAgent.Create("docs", run: (_, _) => Task.FromResult(TestRun.Output(TestRun.Finding("governance", "x", "a.md", 1, Severity.Info))));

        var run = await TestRun.Run(TestRun.Engine(TestRun.Clock()), [agent]).Within();

        Assert.Equal("docs", Assert.Single(run.Findings).Agent.Value);
    }

    [Fact]
    public async Task RunAsync_Duration_IsMeasuredOnTheTimeProvider()
    {
        var time = TestRun.Clock();
        var agent = FakeAgent.Create("docs", run: async (ctx, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(3), ctx.Time, ct);
            return AgentOutput.None;
        });

        var runTask = TestRun.Run(TestRun.Engine(time), [agent]);
        await agent.AttemptStarted().Within();
        time.Advance(TimeSpan.FromSeconds(3));
        var run = await runTask.Within();

        Assert.Equal(TimeSpan.FromSeconds(3), run.Duration);
        Assert.Equal(TimeSpan.FromSeconds(3), run.Agents[0].Duration);
    }
}
