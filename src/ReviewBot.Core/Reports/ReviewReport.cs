using System.Text.Json.Serialization;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;

namespace ReviewBot.Core.Reports;

/// <summary>The check conclusion. Only these two: GitHub counts neutral and skipped as passing.</summary>
public enum Conclusion
{
    Success,
    Failure,
}

/// <summary>
/// The JSON report, schema version 1 (DESIGN.md §4). Property names are a contract; fields beyond
/// the contract (timeline, retries, notes) are additions a reader may ignore.
/// </summary>
public sealed record ReviewReport
{
    public int SchemaVersion { get; init; } = 1;

    public required Conclusion Conclusion { get; init; }

    public required bool Incomplete { get; init; }

    public required string Title { get; init; }

    public required IReadOnlyList<AgentReport> Agents { get; init; }

    public required IReadOnlyList<Finding> Findings { get; init; }

    public required CoverageReport Coverage { get; init; }

    /// <summary>Every changed dbt model with its change classification and downstream impact (additive to schema 1).</summary>
    public IReadOnlyList<ModelChangeReport> Models { get; init; } = [];

    public required BudgetReport Budget { get; init; }

    public string Markdown { get; init; } = "";

    /// <summary>Head SHA reviewed, when known.</summary>
    public string? HeadSha { get; init; }

    /// <summary>
    /// The <c>fail_on</c> threshold the gate used (default <see cref="Severity.High"/>), so a reader of the
    /// report can tell blocking findings from advisory ones. An addition to the schema-1 contract.
    /// </summary>
    public Severity FailOn { get; init; } = Severity.High;

    /// <summary>Whether LLM findings could block (<c>llm.can_block</c>, default false). An addition to the schema-1 contract.</summary>
    public bool LlmCanBlock { get; init; }

    /// <summary>True when <paramref name="finding"/> is one the gate counted against this change.</summary>
    public bool IsBlocking(Finding finding) => Verdict.IsBlocking(finding, FailOn, LlmCanBlock);
}

/// <summary>One agent's line in the report.</summary>
public sealed record AgentReport
{
    public required string Name { get; init; }

    public required string Lane { get; init; }

    public required string Policy { get; init; }

    public required string Status { get; init; }

    public long DurationMs { get; init; }

    [JsonPropertyName("findings")]
    public int FindingCount { get; init; }

    public int PromptTokens { get; init; }

    public int CompletionTokens { get; init; }

    public string? Reason { get; init; }

    public int Retries { get; init; }

    public IReadOnlyList<TimelineEntry> Timeline { get; init; } = [];

    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>One entry in an agent's timeline: <c>queued</c>, <c>started</c>, <c>warned</c>, <c>alerted</c>, <c>retried</c>, <c>finished</c>.</summary>
public sealed record TimelineEntry(string Event, long AtMs, string? Detail);

/// <summary>What was reviewed and what was not.</summary>
public sealed record CoverageReport
{
    public int FilesChanged { get; init; }

    public int FilesReviewed { get; init; }

    public IReadOnlyList<SkippedFile> Skipped { get; init; } = [];

    /// <summary>Files an agent could not analyse or the LLM did not see, with the agent and why.</summary>
    public IReadOnlyList<AgentSkip> NotAnalysed { get; init; } = [];

    /// <summary>Every changed file: <c>analysed</c>, <c>partial</c> or <c>not_analysed</c>, with the reason and unresolved names (additive to schema 1).</summary>
    public IReadOnlyList<FileCoverage> Files { get; init; } = [];

    /// <summary>The files a required agent had to see and could not analyse; non-empty makes the run incomplete unless <c>on_unanalysed: warn</c>.</summary>
    public IReadOnlyList<UnanalysedFile> Unanalysed { get; init; } = [];
}

/// <summary>A file one agent did not analyse.</summary>
public sealed record AgentSkip(string Agent, string File, string Reason);

/// <summary>LLM spend of the run.</summary>
public sealed record BudgetReport
{
    public int PromptTokens { get; init; }

    public int CompletionTokens { get; init; }

    public int LimitTokens { get; init; }

    public decimal EstimatedUsd { get; init; }

    public decimal? LimitUsd { get; init; }

    /// <summary><c>none</c> when the run was rules only, else the provider and deployment.</summary>
    public string Llm { get; init; } = "none";

    public IReadOnlyList<ShedCall> Shed { get; init; } = [];
}

/// <summary>An LLM call that was not made because the budget could not afford it.</summary>
public sealed record ShedCall(string Agent, string Lane, int EstimatedTokens, string Reason);
