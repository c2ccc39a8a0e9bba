using ReviewBot.Core.Agents;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;
using ReviewBot.Orchestration.FanIn;
using ReviewBot.Orchestration.Tests.Fakes;

namespace ReviewBot.Orchestration.Tests.FanIn;

public sealed class FanInTests
{
    private static AgentResult Result(string agent, Lane lane, params Finding[] findings) =>
        new(new AgentDescriptor(new AgentName(agent), lane, FailurePolicy.BestEffort, TimeSpan.FromMinutes(1)), AgentStatus.Completed, findings);

    [Fact]
    public void Merge_SameFileLineAndRuleFromTwoAgents_KeepsTheMostSevereOnce()
    {
        var results = new[]
        {
            Result("quality", Lane.High, TestRun.Finding("quality", "select-star", "models/a.sql", 3, Severity.Medium)),
            Result("cost", Lane.Normal, TestRun.Finding("cost", "select-star", "models/a.sql", 3, Severity.High)),
            Result("docs", Lane.Low, TestRun.Finding("docs", "select-star", "models/a.sql", 4, Severity.Low)),
        };

        var merged = FindingMerger.Merge(results);

        Assert.Equal(2, merged.Count);
        Assert.Equal(("cost", Severity.High, 3), (merged[0].Agent.Value, merged[0].Severity, merged[0].Line));
        Assert.Equal(4, merged[1].Line);
    }

    [Fact]
    public void Merge_EqualSeverityDuplicates_KeepsTheHigherLaneAndRuleOverLlm()
    {
        var results = new[]
        {
            Result("docs", Lane.Low, TestRun.Finding("docs", "missing-test", "models/a.sql", 1, Severity.Medium)),
            Result("quality", Lane.High, TestRun.Finding("quality", "missing-test", "models/a.sql", 1, Severity.Medium, FindingSource.Llm)),
            Result("lineage", Lane.High, TestRun.Finding("lineage", "missing-test", "models/a.sql", 1, Severity.Medium)),
        };

        var kept = Assert.Single(FindingMerger.Merge(results));

        Assert.Equal("lineage", kept.Agent.Value);
    }

    [Fact]
    public void Merge_Ranking_IsSeverityThenLaneThenLocation()
    {
        var results = new[]
        {
            Result("docs", Lane.Low, TestRun.Finding("docs", "undocumented-model", "models/z.sql", 1, Severity.High)),
            Result("governance", Lane.Critical, TestRun.Finding("governance", "pii-column-untagged", "models/z.sql", 9, Severity.High)),
            Result("cost", Lane.Normal, TestRun.Finding("cost", "table-materialization", "models/a.sql", 2, Severity.Medium)),
            Result("quality", Lane.High, TestRun.Finding("quality", "hardcoded-relation", "models/b.sql", 5, Severity.Critical)),
        };

        var merged = FindingMerger.Merge(results);

        Assert.Equal(["hardcoded-relation", "pii-column-untagged", "undocumented-model", "table-materialization"], merged.Select(f => f.Rule));
    }

    [Fact]
    public void Merge_FingerprintsAreStableWhateverOrderAgentsFinishIn()
    {
        var a = Result("quality", Lane.High, TestRun.Finding("quality", "select-star", "models/a.sql", 3, Severity.Medium), TestRun.Finding("quality", "select-star", "models/a.sql", 8, Severity.Medium) with { Anchor = "line 3 of models/a.sql" });
        var b = Result("cost", Lane.Normal, TestRun.Finding("cost", "cross-join", "models/b.sql", 1, Severity.High));

        var first = FindingMerger.Merge([a, b]);
        var second = FindingMerger.Merge([b, a]);

        Assert.All(first, f => Assert.Equal(16, f.Fingerprint.Length));
        Assert.Equal(3, first.Select(f => f.Fingerprint).Distinct().Count());
        Assert.Equal(first.Select(f => (f.Rule, f.Line, f.Fingerprint)).Order(), second.Select(f => (f.Rule, f.Line, f.Fingerprint)).Order());
        Assert.Equal(Fingerprints.Compute("cross-join", "models/b.sql", "line 1 of models/b.sql"), first[0].Fingerprint);
    }

    [Fact]
    public async Task RunAsync_EachAgentIsReportedWhenItFinishes_BeforeTheRunEnds()
    {
        var time = TestRun.Clock();
        var observer = new RecordingObserver();
        var release = new TaskCompletionSource<AgentOutput>(TaskCreationOptions.RunContinuationsAsynchronously);
        var fast = FakeAgent.Create("quality", Lane.High, run: (_, _) => Task.FromResult(TestRun.Output(TestRun.Finding("quality", "select-star", "a.sql", 1, Severity.Low))));
        var slow = FakeAgent.Create("governance", Lane.Critical, run: (_, _) => release.Task);

        var runTask = TestRun.Run(TestRun.Engine(time), [slow, fast], observer);
        await observer.When("finished", "quality");
        Assert.False(runTask.IsCompleted);
        Assert.Equal(["quality"], observer.Finished);
        release.SetResult(AgentOutput.None);
        var run = await runTask.Within();

        Assert.Equal(["quality", "governance"], observer.Finished);
        Assert.Equal(["governance", "quality"], run.Agents.Select(a => a.Descriptor.Name.Value));
    }

    [Fact]
    public async Task RunAsync_ObserverThrows_RunStillCompletes()
    {
        var time = TestRun.Clock();
        var agent = FakeAgent.Create("docs", timeout: TimeSpan.FromSeconds(2), run: async (ctx, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(1.8), ctx.Time, ct);
            return AgentOutput.None;
        });

        var runTask = TestRun.Run(TestRun.Engine(time), [agent], new ThrowingObserver());
        await agent.AttemptStarted().Within();
        time.Advance(TimeSpan.FromSeconds(1.8));
        var run = await runTask.Within();

        Assert.Equal(AgentStatus.Completed, run.Agents[0].Status);
        Assert.Contains(run.Agents[0].Timeline, e => e.Kind == AgentEvent.Alerted);
    }

    [Fact]
    public async Task RunAsync_BlockingFindingFromACompletedRun_FailsTheGate()
    {
        var time = TestRun.Clock();
        var governance = FakeAgent.Create("governance", Lane.Critical, FailurePolicy.Required, run: (_, _) =>
            Task.FromResult(TestRun.Output(TestRun.Finding("governance", "grant-to-public", "migrations/1.sql", 2, Severity.High))));
        var quality = FakeAgent.Create("quality", Lane.High, run: (_, _) =>
            Task.FromResult(TestRun.Output(TestRun.Finding("quality", "grant-to-public", "migrations/1.sql", 2, Severity.Medium))));

        var run = await TestRun.Run(TestRun.Engine(time), [governance, quality]).Within();

        var finding = Assert.Single(run.Findings);
        Assert.Equal("governance", finding.Agent.Value);
        Assert.Equal(Conclusion.Failure, run.Verdict.Conclusion);
        Assert.False(run.Verdict.Incomplete);
        Assert.Equal("1 blocking finding (at or above high)", run.Verdict.Title);
    }

    private sealed class ThrowingObserver : IEngineObserver
    {
        public void AgentStarted(AgentDescriptor agent) => throw new InvalidOperationException("observer broke");

        public void AgentFinished(AgentResult result) => throw new InvalidOperationException("observer broke");

        public void Alert(AgentName agent, string message) => throw new InvalidOperationException("observer broke");
    }
}
