using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;
using ReviewBot.Orchestration.Policies;
using ReviewBot.Orchestration.Tests.Fakes;

namespace ReviewBot.Orchestration.Tests.Policies;

public sealed class FailurePolicyTests
{
    private static Task<AgentOutput> Throw(string message) => Task.FromException<AgentOutput>(new InvalidOperationException(message));

    [Fact]
    public async Task RunAsync_RequiredAgentFails_RunIsIncompleteAndFailsNamingIt()
    {
        var time = TestRun.Clock();
        var governance = FakeAgent.Create("governance", Lane.Critical, FailurePolicy.Required, run: (_, _) => Throw("could not read the dbt graph"));
        var docs = FakeAgent.Create("docs", Lane.Low);

        var run = await TestRun.Run(TestRun.Engine(time), [governance, docs]).Within();

        Assert.Equal(AgentStatus.Failed, run.Agents[0].Status);
        Assert.Equal("could not read the dbt graph", run.Agents[0].Reason);
        Assert.Equal(Conclusion.Failure, run.Verdict.Conclusion);
        Assert.True(run.Verdict.Incomplete);
        Assert.Equal("Not reviewed: governance failed: could not read the dbt graph", run.Verdict.Title);
    }

    [Fact]
    public async Task RunAsync_BestEffortAgentFails_RunContinuesAndPassesWithAgentDegraded()
    {
        var time = TestRun.Clock();
        var governance = FakeAgent.Create("governance", Lane.Critical, FailurePolicy.Required);
        var cost = FakeAgent.Create("cost", Lane.Normal, FailurePolicy.BestEffort, run: (_, _) => Throw("boom"));

        var run = await TestRun.Run(TestRun.Engine(time), [governance, cost]).Within();

        Assert.Equal(AgentStatus.Completed, run.Agents[0].Status);
        Assert.Equal(AgentStatus.Failed, run.Agents[1].Status);
        Assert.Equal("boom", run.Agents[1].Reason);
        Assert.Equal(Conclusion.Success, run.Verdict.Conclusion);
        Assert.False(run.Verdict.Incomplete);
        Assert.Equal("No findings; 1 agent degraded", run.Verdict.Title);
    }

    [Fact]
    public async Task RunAsync_RequiredAgentFailsWithOnIncompletePass_PassesButStaysIncomplete()
    {
        var time = TestRun.Clock();
        var governance = FakeAgent.Create("governance", Lane.Critical, FailurePolicy.Required, run: (_, _) => Throw("boom"));

        var run = await TestRun.Run(TestRun.Engine(time, new ReviewConfig { OnIncomplete = IncompleteOutcome.Pass }), [governance]).Within();

        Assert.Equal(Conclusion.Success, run.Verdict.Conclusion);
        Assert.True(run.Verdict.Incomplete);
    }

    [Fact]
    public async Task RunAsync_AgentReturnsDegradedOutput_KeepsItsFindingsAndReason()
    {
        var time = TestRun.Clock();
        var finding = TestRun.Finding("quality", "select-star", "models/a.sql", 3, Severity.Medium);
        var quality = FakeAgent.Create("quality", Lane.High, FailurePolicy.RetryThenBestEffort(1), run: (_, _) =>
            Task.FromResult(new AgentOutput([finding]) { DegradedReason = "LLM pass failed: 500" }));

        var run = await TestRun.Run(TestRun.Engine(time), [quality]).Within();

        var result = run.Agents[0];
        Assert.Equal(AgentStatus.Degraded, result.Status);
        Assert.Equal("LLM pass failed: 500", result.Reason);
        Assert.Equal(0, result.Retries);
        Assert.Equal(1, quality.Attempts);
        Assert.Equal("select-star", Assert.Single(run.Findings).Rule);
        Assert.Equal(Conclusion.Success, run.Verdict.Conclusion);
    }

    [Fact]
    public async Task RunAsync_RetryTwice_FailsTwiceThenSucceeds_CompletesWithTwoRetries()
    {
        var time = TestRun.Clock();
        var finding = TestRun.Finding("lineage", "breaking-column-removal", "models/b.sql", 7, Severity.High);
        var lineage = FakeAgent.Create("lineage", Lane.High, new FailurePolicy(PolicyKind.Required, 2), run: (ctx, _) =>
            ctx.Attempt < 2 ? Throw($"flaky {ctx.Attempt}") : Task.FromResult(TestRun.Output(finding)));

        var run = await TestRun.Run(TestRun.Engine(time), [lineage]).Within();

        var result = run.Agents[0];
        Assert.Equal(AgentStatus.Completed, result.Status);
        Assert.Equal(2, result.Retries);
        Assert.Equal([0, 1, 2], lineage.Contexts.Select(c => c.Attempt));
        Assert.Equal(
            ["queued", "started", "retried", "started", "retried", "started", "finished"],
            result.Timeline.Select(e => e.Kind));
        Assert.Contains("flaky 0", result.Timeline[2].Detail);
        Assert.Single(run.Findings);
        Assert.False(run.Verdict.Incomplete);
    }

    [Fact]
    public async Task RunAsync_RetriesExhausted_AppliesFallbackPolicy()
    {
        var time = TestRun.Clock();
        var quality = FakeAgent.Create("quality", Lane.High, FailurePolicy.RetryThenBestEffort(1), run: (_, _) => Throw("always"));
        var governance = FakeAgent.Create("governance", Lane.Critical, new FailurePolicy(PolicyKind.Required, 1), run: (_, _) => Throw("always"));

        var run = await TestRun.Run(TestRun.Engine(time), [quality, governance]).Within();

        Assert.Equal(2, quality.Attempts);
        Assert.Equal(2, governance.Attempts);
        Assert.All(run.Agents, a => Assert.Equal((AgentStatus.Failed, 1), (a.Status, a.Retries)));
        Assert.Equal("Not reviewed: governance failed: always", run.Verdict.Title);
    }

    [Fact]
    public async Task RunAsync_FirstAttemptTimesOut_RetryGetsAFreshBudgetAndCompletes()
    {
        var time = TestRun.Clock();
        var agent = FakeAgent.Create("lineage", Lane.High, FailurePolicy.RetryThenBestEffort(1), TimeSpan.FromSeconds(10), run: (ctx, ct) =>
            ctx.Attempt == 0 ? TestRun.Forever(ct) : Task.FromResult(AgentOutput.None));

        var runTask = TestRun.Run(TestRun.Engine(time), [agent]);
        await agent.AttemptStarted(0).Within();
        time.Advance(TimeSpan.FromSeconds(10));
        var run = await runTask.Within();

        var result = run.Agents[0];
        Assert.Equal(AgentStatus.Completed, result.Status);
        Assert.Equal(1, result.Retries);
        var retried = Assert.Single(result.Timeline, e => e.Kind == AgentEvent.Retried);
        Assert.Equal(10_000, retried.AtMs);
        Assert.Contains("timed out", retried.Detail);
    }

    [Fact]
    public async Task RunAsync_PolicySetInConfig_OverridesBuiltInDefault()
    {
        var time = TestRun.Clock();
        var docs = FakeAgent.Create("docs", Lane.Low, FailurePolicy.BestEffort, run: (_, _) => Throw("boom"));
        var config = new ReviewConfig
        {
            Agents = new Dictionary<string, AgentConfig> { ["docs"] = new() { Policy = PolicyKind.Required, Retry = 1, Lane = Lane.Critical } },
        };

        var run = await TestRun.Run(TestRun.Engine(time, config), [docs]).Within();

        Assert.Equal(2, docs.Attempts);
        Assert.Equal(new FailurePolicy(PolicyKind.Required, 1), run.Agents[0].Descriptor.Policy);
        Assert.Equal(Lane.Critical, run.Agents[0].Descriptor.Lane);
        Assert.True(run.Verdict.Incomplete);
        Assert.Equal(Conclusion.Failure, run.Verdict.Conclusion);
    }

    [Fact]
    public async Task RunAsync_AgentsFailMidway_NoOtherFindingIsLost()
    {
        var time = TestRun.Clock();
        var kept1 = TestRun.Finding("governance", "pii-column-untagged", "models/c.sql", 9, Severity.High);
        var kept2 = TestRun.Finding("quality", "select-star", "models/c.sql", 2, Severity.Medium);
        var governance = FakeAgent.Create("governance", Lane.Critical, FailurePolicy.Required, run: (_, _) => Task.FromResult(TestRun.Output(kept1)));
        var quality = FakeAgent.Create("quality", Lane.High, run: (_, _) =>
            Task.FromResult(new AgentOutput([kept2]) { DegradedReason = "LLM call shed" }));
        var lineage = FakeAgent.Create("lineage", Lane.High, run: (_, _) => Throw("parser crashed"));
        var cost = FakeAgent.Create("cost", Lane.Normal, timeout: TimeSpan.FromSeconds(1), run: (_, ct) => TestRun.Forever(ct));
        var docs = FakeAgent.Create("docs", Lane.Low, run: async (ctx, ct) =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(500), ctx.Time, ct);
            throw new InvalidOperationException("gave up halfway");
        });

        var runTask = TestRun.Run(TestRun.Engine(time), [governance, quality, lineage, cost, docs]);
        await cost.AttemptStarted().Within();
        await docs.AttemptStarted().Within();
        time.Advance(TimeSpan.FromSeconds(1));
        var run = await runTask.Within();

        Assert.Equal(
            [AgentStatus.Completed, AgentStatus.Degraded, AgentStatus.Failed, AgentStatus.TimedOut, AgentStatus.Failed],
            run.Agents.Select(a => a.Status));
        Assert.Equal(["pii-column-untagged", "select-star"], run.Findings.Select(f => f.Rule));
        Assert.Equal(Conclusion.Failure, run.Verdict.Conclusion);
        Assert.False(run.Verdict.Incomplete);
    }

    [Fact]
    public void EffectiveDescriptor_NoSettings_KeepsDeclared()
    {
        var declared = new AgentDescriptor(AgentName.Quality, Lane.High, FailurePolicy.RetryThenBestEffort(1), TimeSpan.FromSeconds(90));
        Assert.Same(declared, EffectiveDescriptor.Resolve(declared, null));
        Assert.Equal(declared, EffectiveDescriptor.Resolve(declared, AgentConfig.Empty));
    }

    [Fact]
    public void EffectiveDescriptor_NegativeRetry_IsRejectedNamingTheKey()
    {
        var declared = new AgentDescriptor(AgentName.Quality, Lane.High, FailurePolicy.BestEffort, TimeSpan.FromSeconds(90));
        var error = Assert.Throws<ReviewBot.Core.InvalidInputException>(() => EffectiveDescriptor.Resolve(declared, new AgentConfig { Retry = -1 }));
        Assert.Contains("agents.quality.retry", error.Message);
    }
}
