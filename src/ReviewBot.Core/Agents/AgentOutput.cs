using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;

namespace ReviewBot.Core.Agents;

/// <summary>What an agent returns when it completes.</summary>
public sealed record AgentOutput(IReadOnlyList<Finding> Findings)
{
    public static AgentOutput None { get; } = new([]);

    /// <summary>When set, the agent completed only partly (e.g. its LLM pass was shed or failed); shown as degraded.</summary>
    public string? DegradedReason { get; init; }

    /// <summary>Files this agent could not analyse, and why (e.g. SQL that does not parse, or not sent to the LLM).</summary>
    public IReadOnlyList<SkippedFile> NotAnalysed { get; init; } = [];

    /// <summary>Files this agent analysed only in part: what it could not follow and which names stayed unresolved.</summary>
    public IReadOnlyList<PartialFile> Partial { get; init; } = [];

    /// <summary>
    /// Set when the agent's LLM pass was configured and did not finish (model unreachable, no answer in time, shed).
    /// With <c>llm.can_block: true</c> that half of the review could have blocked, so a required agent is then incomplete.
    /// </summary>
    public string? LlmIncompleteReason { get; init; }

    /// <summary>Short notes for the report (e.g. "LLM pass: rules only, no LLM configured").</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>The change classification of each changed dbt model, with its downstream impact (the report's <c>models[]</c>).</summary>
    public IReadOnlyList<Reports.ModelChangeReport> Models { get; init; } = [];
}
