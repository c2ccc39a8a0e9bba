using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Orchestration.Tests.Fakes;
using ReviewBot.Orchestration.Timeouts;

namespace ReviewBot.Orchestration.Tests.Timeouts;

public sealed class TimeoutBudgetTests
{
    [Fact]
    public async Task RunAsync_AgentRunsPastItsBudget_WarnsAt50AlertsAt80CancelsAt100()
    {
        var time = TestRun.Clock();
        var observer = new RecordingObserver();
        var agent = FakeAgent.Create("governance", Lane.Critical, FailurePolicy.Required, TimeSpan.FromSeconds(10), run: (_, ct) => TestRun.Forever(ct));
        var engine = TestRun.Engine(time);

        var runTask = TestRun.Run(engine, [agent], observer);
        await agent.AttemptStarted().Within();
        var token = Assert.Single(agent.Tokens);

        time.Advance(TimeSpan.FromMilliseconds(4_999));
        Assert.Empty(observer.Alerts);
        time.Advance(TimeSpan.FromMilliseconds(1));
        time.Advance(TimeSpan.FromMilliseconds(2_999));
        Assert.Empty(observer.Alerts);
        time.Advance(TimeSpan.FromMilliseconds(1));
        var alert = Assert.Single(observer.Alerts);
        Assert.Equal("governance", alert.Agent);
        Assert.Contains("80%", alert.Message);
        Assert.False(token.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(1_999));
        Assert.False(token.IsCancellationRequested);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(token.IsCancellationRequested);

        var run = await runTask.Within();
        var result = Assert.Single(run.Agents);
        Assert.Equal(AgentStatus.TimedOut, result.Status);
        Assert.Equal("exceeded its 10s timeout budget", result.Reason);
        Assert.Equal(
            [("queued", 0L), ("started", 0L), ("warned", 5_000L), ("alerted", 8_000L), ("finished", 10_000L)],
            result.Timeline.Select(e => (e.Kind, e.AtMs)));
        Assert.Equal(TimeSpan.FromSeconds(10), result.Duration);
        Assert.True(run.Verdict.Incomplete);
        Assert.StartsWith("Not reviewed: governance timed out", run.Verdict.Title);
    }

    [Fact]
    public async Task RunAsync_AgentIgnoresItsToken_IsStillTimedOutAt100Percent()
    {
        var time = TestRun.Clock();
        var never = new TaskCompletionSource<AgentOutput>();
        var agent = FakeAgent.Create("stubborn", timeout: TimeSpan.FromSeconds(4), run: (_, _) => never.Task);
        var engine = TestRun.Engine(time);

        var runTask = TestRun.Run(engine, [agent]);
        await agent.AttemptStarted().Within();
        time.Advance(TimeSpan.FromSeconds(4));
        var run = await runTask.Within();

        Assert.Equal(AgentStatus.TimedOut, run.Agents[0].Status);
        Assert.Equal(4_000, run.Agents[0].Timeline[^1].AtMs);
    }

    [Fact]
    public async Task RunAsync_AgentFinishesWithinBudget_NoWarningOrAlert()
    {
        var time = TestRun.Clock();
        var observer = new RecordingObserver();
        var agent = FakeAgent.Create("quick", timeout: TimeSpan.FromSeconds(10), run: async (ctx, ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(4), ctx.Time, ct);
            return AgentOutput.None;
        });
        var engine = TestRun.Engine(time);

        var runTask = TestRun.Run(engine, [agent], observer);
        await agent.AttemptStarted().Within();
        time.Advance(TimeSpan.FromSeconds(4));
        var run = await runTask.Within();
        time.Advance(TimeSpan.FromSeconds(20));

        Assert.Equal(AgentStatus.Completed, run.Agents[0].Status);
        Assert.DoesNotContain(run.Agents[0].Timeline, e => e.Kind is AgentEvent.Warned or AgentEvent.Alerted);
        Assert.Empty(observer.Alerts);
    }

    [Fact]
    public async Task RunAsync_TimeoutSetInConfig_OverridesTheAgentsOwn()
    {
        var time = TestRun.Clock();
        var agent = FakeAgent.Create("cost", timeout: TimeSpan.FromMinutes(5), run: (_, ct) => TestRun.Forever(ct));
        var config = new ReviewConfig { Agents = new Dictionary<string, AgentConfig> { ["cost"] = new() { Timeout = TimeSpan.FromSeconds(2) } } };
        var engine = TestRun.Engine(time, config);

        var runTask = TestRun.Run(engine, [agent]);
        await agent.AttemptStarted().Within();
        time.Advance(TimeSpan.FromSeconds(2));
        var run = await runTask.Within();

        Assert.Equal(AgentStatus.TimedOut, run.Agents[0].Status);
        Assert.Equal(TimeSpan.FromSeconds(2), run.Agents[0].Descriptor.Timeout);
        Assert.Contains(run.Agents[0].Timeline, e => e.Kind == AgentEvent.Warned && e.AtMs == 1_000);
    }

    [Fact]
    public void Build_ThresholdsOutOfOrder_AreRejected()
    {
        Assert.Throws<ReviewBot.Core.InvalidInputException>(() =>
            TestRun.Engine(TestRun.Clock(), configure: b => b.ConfigureTimeouts(o => o.WarnAt = 0.9)));
    }

    [Theory]
    [InlineData(90, "90s")]
    [InlineData(120, "2m")]
    [InlineData(150, "2m30s")]
    [InlineData(10, "10s")]
    public void ToShortText_Durations_ReadAsInConfig(int seconds, string expected) =>
        Assert.Equal(expected, TimeSpan.FromSeconds(seconds).ToShortText());
}
