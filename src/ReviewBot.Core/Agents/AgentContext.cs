using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;

namespace ReviewBot.Core.Agents;

/// <summary>What one agent run sees: the change, the shared resources, its own settings, and its LLM handle.</summary>
public sealed class AgentContext
{
    public required ChangeSet Change { get; init; }

    public required ResourceStore Resources { get; init; }

    /// <summary>
    /// The agent this context was made for; set by the engine. Lets shared helpers such as the LLM pass (one
    /// instance for all agents) pick the agent's role prompt. Null when the caller did not say.
    /// </summary>
    public AgentName? Agent { get; init; }

    /// <summary>The agent's section of the config (defaults when absent).</summary>
    public AgentConfig Settings { get; init; } = new();

    /// <summary>The run's config.</summary>
    public ReviewConfig Config { get; init; } = ReviewConfig.Default;

    /// <summary>
    /// The language model for this agent, already governed by the shared rate limiter, the run's budget
    /// and the agent's lane; null when no LLM is configured (rules only).
    /// </summary>
    public ILanguageModel? Llm { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Which attempt this is (0 first, 1 first retry, ...).</summary>
    public int Attempt { get; init; }
}
