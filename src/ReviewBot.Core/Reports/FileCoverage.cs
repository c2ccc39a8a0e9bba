using ReviewBot.Core.Changes;

namespace ReviewBot.Core.Reports;

/// <summary>How far a changed file was looked at; serialised <c>analysed</c>, <c>partial</c>, <c>not_analysed</c>.</summary>
public enum CoverageStatus
{
    Analysed,
    Partial,
    NotAnalysed,
}

/// <summary>
/// One changed file in <c>coverage.files</c> (DESIGN.md §4): its overall status (the worst over the agents), the
/// first reason, the names left unresolved, and — an addition to the contract — each agent that did not fully
/// analyse it.
/// </summary>
public sealed record FileCoverage
{
    public required string File { get; init; }

    public required CoverageStatus Status { get; init; }

    public string? Reason { get; init; }

    public IReadOnlyList<string> Unresolved { get; init; } = [];

    /// <summary>For a file the change source or scope left out: what kind of omission (<c>binary</c>, <c>excluded</c>...); null otherwise.</summary>
    public SkipKind? Kind { get; init; }

    /// <summary>Agents that analysed the file only in part or not at all; empty when the whole file was analysed or when the change source left it out.</summary>
    public IReadOnlyList<AgentFileCoverage> Agents { get; init; } = [];
}

/// <summary>One agent's coverage of one file, when it is not simply <c>analysed</c>.</summary>
public sealed record AgentFileCoverage(string Agent, CoverageStatus Status, string? Reason, IReadOnlyList<string> Unresolved);

/// <summary>A changed file a required agent had to see and could not analyse: what makes a run "Not reviewed".</summary>
public sealed record UnanalysedFile(string Agent, string File, string Reason);
