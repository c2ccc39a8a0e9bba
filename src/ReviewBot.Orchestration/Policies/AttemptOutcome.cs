using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;

namespace ReviewBot.Orchestration.Policies;

/// <summary>How one attempt of an agent ended.</summary>
internal enum AttemptEnd
{
    Completed,
    Failed,
    TimedOut,
    Cancelled,
}

/// <summary>One attempt's end, with the output when it completed and the reason when it did not.</summary>
internal readonly record struct AttemptOutcome(AttemptEnd End, AgentOutput? Output, string? Reason)
{
    /// <summary>Whether the failure policy retries after this attempt (never after the run was cancelled).</summary>
    public bool IsRetryable => End is AttemptEnd.Failed or AttemptEnd.TimedOut;
}

/// <summary>Applies a <see cref="FailurePolicy"/>: retries, then turns the last attempt into the agent's status.</summary>
internal static class PolicyDecision
{
    public static bool ShouldRetry(FailurePolicy policy, int attempt, AttemptOutcome outcome) =>
        outcome.IsRetryable && attempt < policy.Retries;

    /// <summary>
    /// The agent's final status. A completed output with a degraded reason is <see cref="AgentStatus.Degraded"/>
    /// and keeps its findings. Failures keep their true status (failed, timed out) for either policy: the
    /// policy decides what that means for the run (<c>required</c> makes it incomplete, see Verdict).
    /// </summary>
    public static (AgentStatus Status, string? Reason) Conclude(AttemptOutcome outcome) => outcome.End switch
    {
        AttemptEnd.Completed when outcome.Output?.DegradedReason is { } degraded => (AgentStatus.Degraded, degraded),
        AttemptEnd.Completed when Unanalysed(outcome.Output) is > 0 and var n =>
            (AgentStatus.Degraded, n == 1 ? "could not analyse 1 file" : $"could not analyse {n} files"),
        AttemptEnd.Completed => (AgentStatus.Completed, null),
        AttemptEnd.TimedOut => (AgentStatus.TimedOut, outcome.Reason),
        AttemptEnd.Cancelled => (AgentStatus.Failed, "cancelled"),
        _ => (AgentStatus.Failed, outcome.Reason),
    };

    /// <summary>Files the agent itself could not analyse (LLM-only gaps excepted): a completed agent with such files degrades visibly.</summary>
    private static int Unanalysed(AgentOutput? output) =>
        output?.NotAnalysed.Where(s => s.Kind == SkipKind.NotAnalysed).Select(s => s.File).Distinct(StringComparer.Ordinal).Count() ?? 0;
}
