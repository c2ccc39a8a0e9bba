using System.Collections.Concurrent;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Orchestration.Lanes;
using ReviewBot.Orchestration.Tests.Fakes;

namespace ReviewBot.Orchestration.Tests.Lanes;

public sealed class LaneSchedulingTests
{
    [Fact]
    public async Task RunAsync_OneSlot_StartsAgentsByLaneThenDeclarationOrder()
    {
        var time = TestRun.Clock();
        var order = new ConcurrentQueue<string>();
        Func<AgentContext, CancellationToken, Task<AgentOutput>> record(string name) => (_, _) =>
        {
            order.Enqueue(name);
            return Task.FromResult(AgentOutput.None);
        };
        var agents = new[]
        {
            FakeAgent.Create("docs", Lane.Low, run: record("docs")),
            FakeAgent.Create("cost", Lane.Normal, run: record("cost")),
            FakeAgent.Create("quality", Lane.High, run: record("quality")),
            FakeAgent.Create("governance", Lane.Critical, run: record("governance")),
            FakeAgent.Create("lineage", Lane.High, run: record("lineage")),
        };
        var engine = TestRun.Engine(time, new ReviewConfig { MaxParallel = 1 });

        var run = await TestRun.Run(engine, agents).Within();

        Assert.Equal(["governance", "quality", "lineage", "cost", "docs"], order);
        Assert.All(run.Agents, a => Assert.Equal(AgentStatus.Completed, a.Status));
        Assert.Equal(["docs", "cost", "quality", "governance", "lineage"], run.Agents.Select(a => a.Descriptor.Name.Value));
    }

    [Fact]
    public async Task RunAsync_SlotFreesWhileLowerLaneWaitsLonger_HigherLaneTakesIt()
    {
        var time = TestRun.Clock();
        var release = new TaskCompletionSource<AgentOutput>(TaskCreationOptions.RunContinuationsAsynchronously);
        var observer = new RecordingObserver();
        var blocker = FakeAgent.Create("blocker", Lane.Critical, run: (_, _) => release.Task);
        var low = FakeAgent.Create("low", Lane.Low);
        var high = FakeAgent.Create("high", Lane.High, reads: [Resources.FindingsOf(new AgentName("blocker"))]);
        var engine = TestRun.Engine(time, new ReviewConfig { MaxParallel = 1 });

        // 'low' is queued from the start; 'high' only becomes ready when 'blocker' finishes, and still goes first.
        var runTask = TestRun.Run(engine, [low, blocker, high], observer);
        await blocker.AttemptStarted().Within();
        Assert.Equal(0, low.Attempts);
        release.SetResult(AgentOutput.None);
        await runTask.Within();

        Assert.Equal(["blocker", "high", "low"], observer.Started);
    }

    [Fact]
    public async Task RunAsync_LowerLaneRetry_GivesItsSlotToAWaitingHigherLane()
    {
        var time = TestRun.Clock();
        var order = new ConcurrentQueue<string>();
        var gateW = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gateL = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gateZ = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var afterW = new[] { Resources.FindingsOf(new AgentName("w")) };
        var w = FakeAgent.Create("w", Lane.Critical, run: async (_, _) =>
        {
            await gateW.Task;
            return AgentOutput.None;
        });
        var l = FakeAgent.Create("l", Lane.Low, FailurePolicy.RetryThenBestEffort(1), run: async (ctx, _) =>
        {
            order.Enqueue($"l#{ctx.Attempt}");
            if (ctx.Attempt == 0)
            {
                await gateL.Task;
                throw new InvalidOperationException("flaky");
            }

            return AgentOutput.None;
        });
        var z = FakeAgent.Create("z", Lane.Critical, reads: afterW, run: async (_, _) =>
        {
            await gateZ.Task;
            return AgentOutput.None;
        });
        var h = FakeAgent.Create("h", Lane.High, reads: afterW, run: (_, _) =>
        {
            order.Enqueue("h");
            return Task.FromResult(AgentOutput.None);
        });
        var engine = TestRun.Engine(time, new ReviewConfig { MaxParallel = 2 });

        var runTask = TestRun.Run(engine, [w, l, z, h]);
        await l.AttemptStarted().Within();
        gateW.SetResult();
        await z.AttemptStarted().Within();
        gateL.SetResult();
        await h.AttemptStarted().Within();
        gateZ.SetResult();
        var run = await runTask.Within();

        Assert.Equal(["l#0", "h", "l#1"], order);
        Assert.Equal((AgentStatus.Completed, 1), (run.Agents[1].Status, run.Agents[1].Retries));
    }

    [Fact]
    public async Task RunAsync_TwoSlots_NeverRunsMoreThanTwoAtOnce()
    {
        var time = TestRun.Clock();
        var running = 0;
        var peak = 0;
        var gates = Enumerable.Range(0, 5).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var agents = Enumerable.Range(0, 5).Select(i => FakeAgent.Create($"agent-{i}", run: async (_, _) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref peak, now);
            await gates[i].Task;
            Interlocked.Decrement(ref running);
            return AgentOutput.None;
        })).ToArray();
        var engine = TestRun.Engine(time, new ReviewConfig { MaxParallel = 2 });

        var runTask = TestRun.Run(engine, agents);
        for (var i = 0; i < 5; i++)
        {
            // Release an agent only once the next one runs beside it, so two are known to overlap.
            await agents[i].AttemptStarted().Within();
            if (i + 1 < 5)
            {
                await agents[i + 1].AttemptStarted().Within();
                Assert.Equal(i + 2, agents.Sum(a => a.Attempts));
            }

            gates[i].SetResult();
        }

        var run = await runTask.Within();

        Assert.Equal(2, peak);
        Assert.All(run.Agents, a => Assert.Equal(AgentStatus.Completed, a.Status));
    }

    [Fact]
    public void LaneScheduler_ReadyItems_DequeuedByLaneThenOrderWithinSlots()
    {
        var scheduler = new LaneScheduler<string>(2);
        scheduler.Enqueue("low", Lane.Low, 0);
        scheduler.Enqueue("high-2", Lane.High, 2);
        scheduler.Enqueue("high-1", Lane.High, 1);
        scheduler.Enqueue("critical", Lane.Critical, 3);

        Assert.True(scheduler.TryStartNext(out var a));
        Assert.True(scheduler.TryStartNext(out var b));
        Assert.False(scheduler.TryStartNext(out _));
        scheduler.Release();
        Assert.True(scheduler.TryStartNext(out var c));
        scheduler.Release();
        Assert.True(scheduler.TryStartNext(out var d));

        Assert.Equal(["critical", "high-1", "high-2", "low"], new[] { a, b, c, d });
    }

    [Fact]
    public void Build_MaxParallelZero_IsRejected()
    {
        var error = Assert.Throws<ReviewBot.Core.InvalidInputException>(() => TestRun.Engine(TestRun.Clock(), new ReviewConfig { MaxParallel = 0 }));
        Assert.Contains("max_parallel", error.Message);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
