using ReviewBot.Core;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Orchestration.Tests.Fakes;

namespace ReviewBot.Orchestration.Tests.Scheduling;

public sealed class DependencyGraphTests
{
    private static ResourceStore SharedContext()
    {
        var store = new ResourceStore();
        store.Set(new ResourceKey<string>(Resources.Diff), "diff");
        store.Set(new ResourceKey<string>(Resources.DbtGraph), "graph");
        return store;
    }

    [Fact]
    public async Task RunAsync_TwoConcurrentAgentsWriteTheSameResource_RejectedNamingBothBeforeAnythingStarts()
    {
        var time = TestRun.Clock();
        var lineage = FakeAgent.Create("lineage", Lane.High, reads: [Resources.DbtGraph], writes: ["impact-map"]);
        var cost = FakeAgent.Create("cost", Lane.Normal, reads: [Resources.Diff], writes: ["impact-map"]);
        var docs = FakeAgent.Create("docs", Lane.Low);
        var observer = new RecordingObserver();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            TestRun.Run(TestRun.Engine(time), [docs, lineage, cost], observer, SharedContext()));

        Assert.Contains("'lineage'", error.Message);
        Assert.Contains("'cost'", error.Message);
        Assert.Contains("'impact-map'", error.Message);
        Assert.Equal(0, docs.Attempts + lineage.Attempts + cost.Attempts);
        Assert.Empty(observer.Events);
    }

    [Fact]
    public async Task RunAsync_ConfigDeclaresAConflictingWrite_IsRejected()
    {
        var time = TestRun.Clock();
        var custom = FakeAgent.Create("custom-check", Lane.Low);
        var quality = FakeAgent.Create("quality", Lane.High);
        var config = new ReviewConfig
        {
            Agents = new Dictionary<string, AgentConfig> { ["custom-check"] = new() { Writes = [Resources.FindingsOf(AgentName.Quality)] } },
        };

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => TestRun.Run(TestRun.Engine(time, config), [custom, quality]));

        Assert.Contains("'custom-check' and 'quality' both write 'findings:quality'", error.Message);
    }

    [Fact]
    public async Task RunAsync_WritersOrderedByAReadOfEachOther_MayWriteTheSameResource()
    {
        var time = TestRun.Clock();
        var first = FakeAgent.Create("first", writes: ["notes"]);
        var second = FakeAgent.Create("second", reads: [Resources.FindingsOf(new AgentName("first"))], writes: ["notes"]);

        var run = await TestRun.Run(TestRun.Engine(time), [first, second]).Within();

        Assert.All(run.Agents, a => Assert.Equal(AgentStatus.Completed, a.Status));
    }

    [Fact]
    public async Task RunAsync_ReaderOfAnotherAgentsArtifact_WaitsForTheWriterEvenFromAHigherLane()
    {
        var time = TestRun.Clock();
        var artifact = new ResourceKey<string>("column-map");
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        string? seen = null;
        var writer = FakeAgent.Create("lineage", Lane.Low, writes: [artifact.Name], run: async (ctx, _) =>
        {
            await release.Task;
            ctx.Resources.Set(artifact, "customers.email -> stg_customers.email");
            return AgentOutput.None;
        });
        var reader = FakeAgent.Create("governance", Lane.Critical, FailurePolicy.Required, reads: [artifact.Name], run: (ctx, _) =>
        {
            seen = ctx.Resources.Get(artifact);
            return Task.FromResult(AgentOutput.None);
        });
        var observer = new RecordingObserver();

        var runTask = TestRun.Run(TestRun.Engine(time), [reader, writer], observer);
        await writer.AttemptStarted().Within();
        Assert.Equal(0, reader.Attempts);
        release.SetResult();
        var run = await runTask.Within();

        Assert.Equal("customers.email -> stg_customers.email", seen);
        Assert.Equal(["lineage", "governance"], observer.Started);
        Assert.False(run.Verdict.Incomplete);
    }

    [Fact]
    public async Task RunAsync_ReaderOfAnotherAgentsFindings_SeesThem()
    {
        var time = TestRun.Clock();
        var finding = TestRun.Finding("governance", "secret-in-code", "dags/etl.py", 4, ReviewBot.Core.Findings.Severity.Critical);
        var governance = FakeAgent.Create("governance", Lane.Critical, run: (_, _) => Task.FromResult(TestRun.Output(finding)));
        IReadOnlyList<ReviewBot.Core.Findings.Finding>? seen = null;
        var docs = FakeAgent.Create("docs", Lane.Low, reads: [Resources.FindingsOf(AgentName.Governance)], run: (ctx, _) =>
        {
            seen = ctx.Resources.Get(new ResourceKey<IReadOnlyList<ReviewBot.Core.Findings.Finding>>(Resources.FindingsOf(AgentName.Governance)));
            return Task.FromResult(AgentOutput.None);
        });

        await TestRun.Run(TestRun.Engine(time), [docs, governance]).Within();

        Assert.Equal("secret-in-code", Assert.Single(seen!).Rule);
    }

    [Fact]
    public async Task RunAsync_WriterFails_ReaderIsSkippedWithTheReason()
    {
        var time = TestRun.Clock();
        var writer = FakeAgent.Create("lineage", Lane.High, writes: ["column-map"], run: (_, _) => Task.FromException<AgentOutput>(new InvalidOperationException("boom")));
        var reader = FakeAgent.Create("governance", Lane.Critical, FailurePolicy.Required, reads: ["column-map"]);

        var run = await TestRun.Run(TestRun.Engine(time), [reader, writer]).Within();

        Assert.Equal(0, reader.Attempts);
        Assert.Equal(AgentStatus.Skipped, run.Agents[0].Status);
        Assert.Equal("needs 'column-map' from lineage, which failed", run.Agents[0].Reason);
        Assert.True(run.Verdict.Incomplete);
        Assert.StartsWith("Not reviewed: governance skipped (needs 'column-map'", run.Verdict.Title);
    }

    [Fact]
    public async Task RunAsync_ReadOfAPrePopulatedResource_RunsWithoutAWriter()
    {
        var time = TestRun.Clock();
        var agent = FakeAgent.Create("lineage", reads: [Resources.DbtGraph, Resources.Diff]);

        var run = await TestRun.Run(TestRun.Engine(time), [agent], resources: SharedContext()).Within();

        Assert.Equal(AgentStatus.Completed, run.Agents[0].Status);
    }

    [Fact]
    public async Task RunAsync_ReadThatNothingProvides_RejectedNamingAgentAndResource()
    {
        var time = TestRun.Clock();
        var agent = FakeAgent.Create("cost", reads: [Resources.SqlFacts]);

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => TestRun.Run(TestRun.Engine(time), [agent], resources: SharedContext()));

        Assert.Contains("'cost' reads 'sql-facts'", error.Message);
        Assert.Contains("dbt-graph", error.Message);
        Assert.Equal(0, agent.Attempts);
    }

    [Fact]
    public async Task RunAsync_Cycle_RejectedNamingTheAgentsInIt()
    {
        var time = TestRun.Clock();
        var a = FakeAgent.Create("alpha", reads: ["b-out"], writes: ["a-out"]);
        var b = FakeAgent.Create("beta", reads: ["a-out"], writes: ["b-out"]);
        var c = FakeAgent.Create("gamma");

        var error = await Assert.ThrowsAsync<InvalidInputException>(() => TestRun.Run(TestRun.Engine(time), [c, a, b]));

        Assert.Contains("cycle", error.Message);
        Assert.Contains("'alpha' reads 'b-out' written by 'beta'", error.Message);
        Assert.Contains("'beta' reads 'a-out' written by 'alpha'", error.Message);
        Assert.Equal(0, c.Attempts);
    }

    [Fact]
    public async Task RunAsync_DuplicateAgentNames_Rejected()
    {
        var time = TestRun.Clock();

        var error = await Assert.ThrowsAsync<InvalidInputException>(() =>
            TestRun.Run(TestRun.Engine(time), [FakeAgent.Create("docs"), FakeAgent.Create("docs")]));

        Assert.Contains("'docs'", error.Message);
    }
}
