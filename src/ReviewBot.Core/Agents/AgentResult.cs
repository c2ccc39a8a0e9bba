using ReviewBot.Core.Findings;

namespace ReviewBot.Core.Agents;

/// <summary>The status of one agent at the end of a run; serialised in snake case (<c>timed_out</c>).</summary>
public enum AgentStatus
{
    Completed,
    Degraded,
    Failed,
    TimedOut,
    Skipped,
    Shed,
}

/// <summary>One event in an agent's timeline; <see cref="AtMs"/> is milliseconds since the run started.</summary>
public sealed record AgentEvent(string Kind, long AtMs, string? Detail = null)
{
    public const string Queued = "queued";
    public const string Started = "started";
    public const string Warned = "warned";
    public const string Alerted = "alerted";
    public const string Retried = "retried";
    public const string Finished = "finished";
}

/// <summary>How one agent's run ended. Produced by the orchestrator; never throws.</summary>
public sealed record AgentResult(AgentDescriptor Descriptor, AgentStatus Status, IReadOnlyList<Finding> Findings)
{
    public TimeSpan Duration { get; init; }

    public string? Reason { get; init; }

    public int Retries { get; init; }

    public int PromptTokens { get; init; }

    public int CompletionTokens { get; init; }

    public IReadOnlyList<AgentEvent> Timeline { get; init; } = [];

    public AgentOutput? Output { get; init; }

    /// <summary>True when the agent did what it must: completed, or degraded with its findings kept.</summary>
    public bool Succeeded => Status is AgentStatus.Completed or AgentStatus.Degraded;
}
