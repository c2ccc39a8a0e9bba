using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.LlmPass;

/// <summary>
/// The optional LLM pass of an agent: it sees only the agent's slice of the change and the agent's
/// rule findings (so it does not repeat them), and returns advisory findings (<c>source: llm</c>).
/// Called by an agent only when <see cref="AgentContext.Llm"/> is set.
/// </summary>
public interface IAgentLlmPass
{
    Task<LlmPassResult> RunAsync(AgentContext context, IReadOnlyList<FileChange> slice, IReadOnlyList<Finding> ruleFindings, CancellationToken cancellationToken);
}

/// <summary>
/// What the LLM pass produced. <see cref="DegradedReason"/> is set when it could not do its work
/// (shed by the budget, malformed output after a repair retry, 401/404...): the agent is then degraded,
/// its rule findings still stand. <see cref="NotSeen"/> lists files the model did not see.
/// </summary>
public sealed record LlmPassResult(IReadOnlyList<Finding> Findings)
{
    public string? DegradedReason { get; init; }

    public IReadOnlyList<SkippedFile> NotSeen { get; init; } = [];

    /// <summary>Findings the model returned that were dropped (file not in the change, line not on a hunk, bad severity).</summary>
    public int Dropped { get; init; }
}
