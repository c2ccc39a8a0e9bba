using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;
using ReviewBot.Orchestration.Budget;
using ReviewBot.Orchestration.Tests.Fakes;

namespace ReviewBot.Orchestration.Tests.Budget;

public sealed class ComputeBudgetTests
{
    // 200 estimated prompt tokens + 100 maximum output tokens: each call reserves 300.
    private static readonly LlmRequest Call = new("system", "user", 100) { EstimatedPromptTokens = 200 };

    private static ReviewConfig Config(int tokens, decimal? usd = null) => new() { Budget = new BudgetConfig { Tokens = tokens, Usd = usd, CriticalReserve = 0.2 } };

    private static Func<AgentContext, CancellationToken, Task<AgentOutput>> Calls(int count, Func<Task>? before = null) => async (ctx, ct) =>
    {
        if (before is not null)
        {
            await before();
        }

        for (var i = 0; i < count; i++)
        {
            try
            {
                await ctx.Llm!.CompleteAsync(Call, ct);
            }
            catch (LlmException ex) when (ex.Kind == LlmFailureKind.Shed)
            {
                return new AgentOutput([]) { DegradedReason = ex.Message };
            }
        }

        return AgentOutput.None;
    };

    [Fact]
    public async Task RunAsync_LowerLaneReachesTheReserve_IsShedWhileCriticalStillCalls()
    {
        var time = TestRun.Clock();
        var model = new FakeLanguageModel(time);
        var low = FakeAgent.Create("docs", Lane.Low, run: Calls(3));
        var critical = FakeAgent.Create("governance", Lane.Critical, FailurePolicy.Required, run: Calls(1), reads: [ReviewBot.Core.Agents.Resources.FindingsOf(AgentName.Docs)]);

        var run = await TestRun.Run(TestRun.Engine(time, Config(1_000), model), [low, critical]).Within();

        Assert.Equal(3, model.Calls);
        var shed = Assert.Single(run.Budget.Shed);
        Assert.Equal(("docs", "low", 300), (shed.Agent, shed.Lane, shed.EstimatedTokens));
        Assert.Contains("reserved for the critical lane", shed.Reason);
        Assert.Equal(AgentStatus.Degraded, run.Agents[0].Status);
        Assert.Contains("shed", run.Agents[0].Reason);
        Assert.Equal(AgentStatus.Completed, run.Agents[1].Status);
        Assert.Equal((600, 300, 1_000), (run.Budget.PromptTokens, run.Budget.CompletionTokens, run.Budget.LimitTokens));
        Assert.Equal((200, 100), (run.Agents[1].PromptTokens, run.Agents[1].CompletionTokens));
    }

    [Fact]
    public async Task RunAsync_BudgetScarceWhileCallsWait_ShedsLowestLanesFirst()
    {
        var time = TestRun.Clock();
        var observer = new RecordingObserver();
        var model = new FakeLanguageModel(time, (request, call, _) => call == 1
            ? Task.FromException<LlmCompletion>(new LlmException(LlmFailureKind.RateLimited, "429", TimeSpan.FromSeconds(10)))
            : Task.FromResult(new LlmCompletion("[]", request.EstimatedPromptTokens, request.MaxOutputTokens)));
        var engine = TestRun.Engine(time, Config(1_000), model);
        Task Queued(int waiting) => Task.Run(() => Bounded.Until(() => engine.Limiter!.Waiting >= waiting, $"{waiting} calls wait"));

        // While the deployment is paused, calls queue in the worst order: low first, high last.
        var governance = FakeAgent.Create("governance", Lane.Critical, FailurePolicy.Required, run: Calls(1));
        var low = FakeAgent.Create("docs", Lane.Low, run: Calls(1, () => observer.When("alert", "governance")));
        var normal = FakeAgent.Create("cost", Lane.Normal, run: Calls(1, async () =>
        {
            await observer.When("alert", "governance");
            await Queued(2);
        }));
        var high = FakeAgent.Create("quality", Lane.High, run: Calls(1, async () =>
        {
            await observer.When("alert", "governance");
            await Queued(3);
        }));

        var runTask = TestRun.Run(engine, [governance, low, normal, high], observer);
        Bounded.Until(() => engine.Limiter!.Waiting == 4, "all four calls wait for the pause to end");
        Assert.Empty(model.Received.Skip(1));
        time.Advance(TimeSpan.FromSeconds(10));
        var run = await runTask.Within();

        // Budget 1,000 with 200 reserved: governance (300) and quality (600 of 800) fit; cost and docs would not.
        Assert.Equal(["cost", "docs"], run.Budget.Shed.Select(s => s.Agent));
        Assert.Equal(
            [AgentStatus.Completed, AgentStatus.Degraded, AgentStatus.Degraded, AgentStatus.Completed],
            run.Agents.Select(a => a.Status));
        Assert.Equal(3, model.Calls);
    }

    [Fact]
    public async Task RunAsync_CostCapReached_CallIsShedWithTheCostReason()
    {
        var time = TestRun.Clock();
        var model = new FakeLanguageModel(time);
        var agent = FakeAgent.Create("quality", Lane.High, run: Calls(1));

        // One call is estimated at 200 x 0.0025/1k + 100 x 0.01/1k = $0.0015, over 80% of $0.001.
        var run = await TestRun.Run(TestRun.Engine(time, Config(1_000_000, usd: 0.001m), model), [agent]).Within();

        Assert.Equal(0, model.Calls);
        Assert.StartsWith("cost budget", Assert.Single(run.Budget.Shed).Reason);
        Assert.Equal(0.001m, run.Budget.LimitUsd);
    }

    [Fact]
    public void ComputeBudget_ReservationSettled_ReleasesTheUnusedEstimate()
    {
        var budget = new ComputeBudget(new BudgetOptions { Tokens = 1_000, CriticalReserve = 0.2 });

        var first = budget.TryReserve(Lane.High, 700, 0, out _);
        Assert.NotNull(first);
        Assert.Null(budget.TryReserve(Lane.High, 200, 0, out var reason));
        Assert.NotNull(reason);
        Assert.NotNull(budget.TryReserve(Lane.Critical, 300, 0, out _));

        budget.Settle(first, 100, 50);
        Assert.True(budget.CanAfford(Lane.High, 300, 0, out _));
        var report = budget.Report("gpt");
        Assert.Equal((100, 50), (report.PromptTokens, report.CompletionTokens));
        Assert.Equal(100 * 0.0025m / 1000 + 50 * 0.01m / 1000, report.EstimatedUsd);
    }

    [Fact]
    public void ComputeBudget_ReleasedReservation_CountsNothing()
    {
        var budget = new ComputeBudget(new BudgetOptions { Tokens = 500, CriticalReserve = 0 });
        var reservation = budget.TryReserve(Lane.Low, 500, 0, out _)!;

        budget.Release(reservation);
        budget.Release(reservation);

        Assert.True(budget.CanAfford(Lane.Low, 500, 0, out _));
        Assert.Equal(0, budget.Report("gpt").PromptTokens);
    }

    [Fact]
    public void Build_ReserveAboveOne_IsRejected()
    {
        var config = new ReviewConfig { Budget = new BudgetConfig { CriticalReserve = 1.5 } };
        var error = Assert.Throws<ReviewBot.Core.InvalidInputException>(() => TestRun.Engine(TestRun.Clock(), config));
        Assert.Contains("critical_reserve", error.Message);
    }
}
