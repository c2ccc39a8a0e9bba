using System.Collections.Concurrent;
using ReviewBot.Core.Agents;

namespace ReviewBot.Orchestration.Tests.Fakes;

/// <summary>Records what the engine reported, in order, and lets a test await a given report.</summary>
internal sealed class RecordingObserver : IEngineObserver
{
    private readonly ConcurrentQueue<(string Kind, string Agent, string? Detail)> _events = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _signals = new();

    public IReadOnlyList<(string Kind, string Agent, string? Detail)> Events => [.. _events];

    public IReadOnlyList<string> Started => [.. _events.Where(e => e.Kind == "started").Select(e => e.Agent)];

    public IReadOnlyList<string> Finished => [.. _events.Where(e => e.Kind == "finished").Select(e => e.Agent)];

    public IReadOnlyList<(string Agent, string Message)> Alerts => [.. _events.Where(e => e.Kind == "alert").Select(e => (e.Agent, e.Detail!))];

    public void AgentStarted(AgentDescriptor agent) => Add("started", agent.Name.Value, null);

    public void AgentFinished(AgentResult result) => Add("finished", result.Descriptor.Name.Value, result.Status.ToString());

    public void Alert(AgentName agent, string message) => Add("alert", agent.Value, message);

    /// <summary>Completes when an event of <paramref name="kind"/> for <paramref name="agent"/> has been reported.</summary>
    public Task When(string kind, string agent) => Signal(kind, agent).Task.WaitAsync(Bounded.Timeout);

    private void Add(string kind, string agent, string? detail)
    {
        _events.Enqueue((kind, agent, detail));
        Signal(kind, agent).TrySetResult();
    }

    private TaskCompletionSource Signal(string kind, string agent) =>
        _signals.GetOrAdd($"{kind}:{agent}", _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}
