using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;

namespace ReviewBot.Core.Reports;

/// <summary>
/// The gate (DESIGN.md §3 "Honest outcome"): success only when every required agent succeeded and no
/// blocking finding remains. A blocking finding is a rule finding at or above <c>fail_on</c>, or an LLM
/// finding likewise when <c>llm.can_block</c> is set.
/// </summary>
public sealed record Verdict(Conclusion Conclusion, bool Incomplete, string Title, IReadOnlyList<Finding> Blocking)
{
    public static Verdict Decide(IReadOnlyList<AgentResult> agents, IReadOnlyList<Finding> findings, ReviewConfig config)
    {
        var notReviewed = agents
            .Where(a => a.Descriptor.Policy.Kind == PolicyKind.Required && !a.Succeeded)
            .ToList();
        var blocking = findings.Where(f => IsBlocking(f, config)).ToList();
        var incomplete = notReviewed.Count > 0;

        if (incomplete)
        {
            var reasons = string.Join("; ", notReviewed.Select(a => $"{a.Descriptor.Name} {Describe(a)}"));
            var title = $"Not reviewed: {reasons}";
            if (blocking.Count > 0)
            {
                title += $" ({Count(blocking.Count, "blocking finding")})";
            }

            var conclusion = config.OnIncomplete == IncompleteOutcome.Pass && blocking.Count == 0 ? Conclusion.Success : Conclusion.Failure;
            return new Verdict(conclusion, true, Clip(title), blocking);
        }

        if (blocking.Count > 0)
        {
            return new Verdict(Conclusion.Failure, false, Clip($"{Count(blocking.Count, "blocking finding")} (at or above {config.FailOn.ToText()})"), blocking);
        }

        var advisory = findings.Count;
        var degraded = agents.Count(a => a.Status != AgentStatus.Completed && a.Status != AgentStatus.Skipped);
        var passTitle = advisory == 0 ? "No findings" : $"Passed with {Count(advisory, "non-blocking finding")}";
        if (degraded > 0)
        {
            passTitle += $"; {Count(degraded, "agent")} degraded";
        }

        return new Verdict(Conclusion.Success, false, passTitle, blocking);
    }

    public static bool IsBlocking(Finding finding, ReviewConfig config) => IsBlocking(finding, config.FailOn, config.Llm.CanBlock);

    /// <summary>The one definition of a blocking finding, used by the gate and by readers of a report.</summary>
    public static bool IsBlocking(Finding finding, Severity failOn, bool llmCanBlock) =>
        finding.Severity >= failOn && (finding.Source == FindingSource.Rule || llmCanBlock);

    private static string Describe(AgentResult agent) => agent.Status switch
    {
        AgentStatus.TimedOut => "timed out" + (agent.Reason is null ? "" : $" ({agent.Reason})"),
        AgentStatus.Shed => "shed" + (agent.Reason is null ? "" : $" ({agent.Reason})"),
        AgentStatus.Skipped => "skipped" + (agent.Reason is null ? "" : $" ({agent.Reason})"),
        _ => "failed" + (agent.Reason is null ? "" : $": {agent.Reason}"),
    };

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Clip(string text) => text.Length <= 200 ? text : text[..197] + "...";
}
