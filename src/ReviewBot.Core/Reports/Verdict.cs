using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
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
    public static Verdict Decide(IReadOnlyList<AgentResult> agents, IReadOnlyList<Finding> findings, ReviewConfig config) =>
        Decide(agents, findings, config, []);

    /// <summary>
    /// The verdict, with coverage (DESIGN.md §7): a required agent that could not analyse a changed file it must see
    /// (<see cref="CoverageLedger.RequiredButUnanalysed"/>) makes the run incomplete unless <c>on_unanalysed: warn</c>;
    /// with <c>llm.can_block: true</c>, a required agent whose LLM pass did not finish is incomplete too.
    /// </summary>
    /// <param name="agents">Every agent's result.</param>
    /// <param name="findings">The merged findings.</param>
    /// <param name="config">The base config (fail_on, on_incomplete, on_unanalysed, llm.can_block, agents' paths).</param>
    /// <param name="sourceSkipped">Changed files the change source or the scope left out (<see cref="ChangeSet.Skipped"/>).</param>
    public static Verdict Decide(IReadOnlyList<AgentResult> agents, IReadOnlyList<Finding> findings, ReviewConfig config, IReadOnlyList<SkippedFile> sourceSkipped)
    {
        var notReviewed = agents
            .Where(a => a.Descriptor.Policy.Kind == PolicyKind.Required && !a.Succeeded)
            .Select(a => $"{a.Descriptor.Name} {Describe(a)}")
            .ToList();
        if (config.Llm.CanBlock)
        {
            // The LLM half of a blocking-capable required agent did not run: its findings could have failed the check.
            notReviewed.AddRange(agents
                .Where(a => a.Descriptor.Policy.Kind == PolicyKind.Required && a.Succeeded && a.Output?.LlmIncompleteReason is not null)
                .Select(a => $"{a.Descriptor.Name} LLM pass did not finish and llm.can_block is on ({a.Output!.LlmIncompleteReason})"));
        }

        var unanalysed = CoverageLedger.RequiredButUnanalysed(agents, sourceSkipped, config);
        if (unanalysed.Count > 0 && config.OnUnanalysed == UnanalysedOutcome.Fail)
        {
            notReviewed.AddRange(unanalysed.GroupBy(u => u.Agent, StringComparer.Ordinal).Select(g =>
                $"{g.Key} could not analyse {Count(g.Count(), "file")} ({g.First().File}: {g.First().Reason}{(g.Count() > 1 ? ", ..." : "")})"));
        }

        var blocking = findings.Where(f => IsBlocking(f, config)).ToList();
        var incomplete = notReviewed.Count > 0;

        if (incomplete)
        {
            var title = $"Not reviewed: {string.Join("; ", notReviewed)}";
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

        var notAnalysed = unanalysed.Select(u => u.File).Distinct(StringComparer.Ordinal).Count();
        if (notAnalysed > 0)
        {
            passTitle += $"; {Count(notAnalysed, "file")} not analysed (on_unanalysed: warn)";
        }

        return new Verdict(Conclusion.Success, false, Clip(passTitle), blocking);
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
