using System.Collections.Concurrent;
using ReviewBot.Core.Agents;

namespace ReviewBot.Orchestration.Tests.Fakes;

/// <summary>A hand-written agent whose behaviour is a delegate; records every attempt and signals when one starts.</summary>
internal sealed class FakeAgent : IReviewAgent
{
    private readonly Func<AgentContext, CancellationToken, Task<AgentOutput>> _run;
    private readonly ConcurrentDictionary<int, TaskCompletionSource<AgentContext>> _attempts = new();

    public FakeAgent(AgentDescriptor descriptor, Func<AgentContext, CancellationToken, Task<AgentOutput>>? run = null)
    {
        Descriptor = descriptor;
        _run = run ?? ((_, _) => Task.FromResult(AgentOutput.None));
    }

    public AgentDescriptor Descriptor { get; }

    public ConcurrentQueue<AgentContext> Contexts { get; } = new();

    public ConcurrentQueue<CancellationToken> Tokens { get; } = new();

    public int Attempts => Contexts.Count;

    public static FakeAgent Create(
        string name,
        Lane lane = Lane.Normal,
        FailurePolicy? policy = null,
        TimeSpan? timeout = null,
        Func<AgentContext, CancellationToken, Task<AgentOutput>>? run = null,
        IReadOnlyList<string>? reads = null,
        IReadOnlyList<string>? writes = null) =>
        new(
            new AgentDescriptor(new AgentName(name), lane, policy ?? FailurePolicy.BestEffort, timeout ?? TimeSpan.FromMinutes(1))
            {
                Reads = reads ?? [],
                Writes = writes ?? [],
            },
            run);

    /// <summary>Completes when attempt <paramref name="attempt"/> (0 first) has been handed to the agent and reached its first await.</summary>
    public Task<AgentContext> AttemptStarted(int attempt = 0) =>
        _attempts.GetOrAdd(attempt, _ => new TaskCompletionSource<AgentContext>(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(Bounded.Timeout);

    public Task<AgentOutput> RunAsync(AgentContext context, CancellationToken cancellationToken)
    {
        Contexts.Enqueue(context);
        Tokens.Enqueue(cancellationToken);
        Task<AgentOutput> task;
        try
        {
            task = _run(context, cancellationToken);
        }
        finally
        {
            // Signalled after the synchronous part ran, so the agent's own virtual-time delays exist before a test advances time.
            _attempts.GetOrAdd(context.Attempt, _ => new TaskCompletionSource<AgentContext>(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult(context);
        }

        return task;
    }
}

/// <summary>Bounds on waiting for real signals; no test waits by sleeping.</summary>
internal static class Bounded
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    public static Task<T> Within<T>(this Task<T> task) => task.WaitAsync(Timeout);

    public static Task Within(this Task task) => task.WaitAsync(Timeout);

    /// <summary>Spins (no sleep) until <paramref name="condition"/> holds; fails the test after the bound.</summary>
    public static void Until(Func<bool> condition, string what)
    {
        if (!SpinWait.SpinUntil(condition, Timeout))
        {
            Assert.Fail($"Timed out waiting until {what}.");
        }
    }
}
