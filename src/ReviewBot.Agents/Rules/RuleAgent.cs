using ReviewBot.Agents.Context.Sql;
using ReviewBot.Agents.LlmPass;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Rules;

/// <summary>
/// The one agent implementation: runs an agent's rules over the shared context, applies the agent's
/// config (rule toggles, severity overrides, path filters, path-scoped exceptions with their reason),
/// then, when a language model is configured and a pass was given, runs the LLM pass on the agent's
/// slice of the change and merges its advisory findings.
/// </summary>
internal sealed class RuleAgent(
    AgentDescriptor descriptor, IReadOnlyList<Rule> rules, IAgentLlmPass? llmPass, Func<FileChange, bool> relevant,
    Func<RuleContext, IReadOnlyList<Core.Reports.ModelChangeReport>>? models = null) : IReviewAgent
{
    public const string NoLlmNote = "rules only (no LLM configured)";

    /// <summary>The config asks for an LLM but this run has no endpoint or credentials (a fork PR, a local run without the secrets).</summary>
    public const string LlmUnavailableNote = "rules only (an LLM is configured, but this run has no endpoint or credentials for it)";

    public AgentDescriptor Descriptor { get; } = descriptor;

    public IReadOnlyList<Rule> Rules { get; } = rules;

    /// <summary>
    /// Share of the agent's timeout budget the LLM pass may use, counted from the agent's start: a model that never
    /// answers degrades the agent before the engine's 80% alert and 100% cancel, so the rule findings are kept
    /// instead of being lost with a timed-out agent.
    /// </summary>
    public const double LlmShareOfBudget = 0.7;

    public async Task<AgentOutput> RunAsync(AgentContext context, CancellationToken cancellationToken)
    {
        var started = context.Time.GetTimestamp();
        var (graph, sql, pipeline) = await SharedContext.GetAsync(context.Change, context.Resources, cancellationToken).ConfigureAwait(false);
        var settings = context.Settings;
        var rules = new RuleContext(Descriptor.Name, context.Change, graph, sql, pipeline) { Settings = settings, Config = context.Config, Cancellation = cancellationToken };
        var findings = new List<Finding>();
        var notes = new List<string>();
        var suppressed = new Dictionary<(string Rule, string Glob, string Reason), int>();
        var failedRules = new List<string>();
        var off = Rules.Where(r => !settings.IsRuleEnabled(r.Id)).Select(r => r.Id).ToList();
        foreach (var rule in Rules)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!settings.IsRuleEnabled(rule.Id))
            {
                continue;
            }

            List<Finding> produced;
            try
            {
                produced = rule.Evaluate(rules).ToList();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One broken rule must not silence the others; the agent reports itself degraded.
                failedRules.Add($"{rule.Id} ({e.GetType().Name}: {e.Message})");
                continue;
            }

            foreach (var finding in produced)
            {
                if (Keep(finding, settings, suppressed) is { } kept)
                {
                    findings.Add(kept with { Severity = settings.SeverityFor(rule.Id, kept.Severity) });
                }
            }
        }

        // The lineage agent publishes the change classification of every changed model (the report's models[]).
        IReadOnlyList<Core.Reports.ModelChangeReport> published = [];
        if (models is not null)
        {
            try
            {
                published = models(rules);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failedRules.Add($"model classification ({e.GetType().Name}: {e.Message})");
            }
        }

        // SQL the rules could not read is this agent's coverage, never a silently "reviewed" file: a statement that does
        // not parse, nesting past the parser's bound, a model that did not render.
        foreach (var file in rules.ChangedWith(".sql").Where(f => settings.Paths.Matches(f.Path)))
        {
            if (sql.Head(file.Path) is { Coverage: not SqlCoverage.Full } facts && CoverageReason(facts) is { } reason)
            {
                if (facts.NothingRead)
                {
                    rules.CouldNotAnalyse(file.Path, reason);
                }
                else if (!rules.Partial.Any(p => p.File == file.Path) && !rules.NotAnalysed.Any(n => n.File == file.Path))
                {
                    rules.AnalysedPartly(file.Path, reason);
                }
            }
        }

        if (off.Count > 0)
        {
            notes.Add($"rules switched off by config: {string.Join(", ", off)}");
        }

        foreach (var ((rule, glob, reason), count) in suppressed)
        {
            notes.Add($"{count} {rule} finding{(count == 1 ? "" : "s")} on {glob} suppressed by exception: {reason}");
        }

        // Every agent whose rules read the dbt graph and that must see the file reports how far it rendered: its facts
        // (refs, config, SQL) come from the render, so a model that did not render was not analysed by any of them.
        var readsDbt = Descriptor.Reads.Contains(Core.Agents.Resources.DbtGraph);
        foreach (var file in readsDbt ? rules.Changed.Where(relevant) : [])
        {
            if (!settings.Paths.Matches(file.Path) || !graph.Renderings.Head.TryGetValue(file.Path, out var rendered))
            {
                continue;
            }

            if (rendered.Status == Dbt.Rendering.RenderStatus.NotRendered)
            {
                rules.CouldNotAnalyse(file.Path, $"dbt model not rendered: {rendered.Reason}{(rendered.ReasonLine is { } l ? $" (line {l})" : string.Empty)}");
            }
            else if (rendered.Status == Dbt.Rendering.RenderStatus.Partial)
            {
                rules.AnalysedPartly(file.Path, "dbt model rendered in part: " + string.Join("; ", rendered.PartialReasons.Take(3)), rendered.Unresolved);
            }
        }

        var notAnalysed = rules.NotAnalysed.Concat(graph.Unparsed.Where(u => settings.Paths.Matches(u.File) && Descriptor.Name == AgentName.Quality))
            .DistinctBy(s => (s.File, s.Reason)).ToList();
        string? degraded = failedRules.Count > 0 ? $"rule failed: {string.Join("; ", failedRules)}" : null;
        string? llmIncomplete = null;
        if (context.Llm is null)
        {
            notes.Add(context.Config.Llm.Provider == LlmProvider.None ? NoLlmNote : LlmUnavailableNote);
        }
        else if (llmPass is null)
        {
            notes.Add("rules only (this agent has no LLM pass)");
        }
        else
        {
            var slice = context.Change.Files.Where(f => !f.IsBinary && settings.Paths.Matches(f.Path) && relevant(f)).ToList();
            // The pass picks the agent's role prompt from the context; make sure it knows whose it is.
            var passContext = context.Agent is not null ? context : new AgentContext
            {
                Change = context.Change, Resources = context.Resources, Agent = Descriptor.Name, Settings = context.Settings, Config = context.Config,
                Llm = context.Llm, Time = context.Time, Attempt = context.Attempt,
            };
            var result = await RunLlmPassAsync(passContext, slice, findings, started, cancellationToken).ConfigureAwait(false);
            foreach (var finding in ModelOutputScrubber.Scrub(result.Findings, slice))
            {
                if (Keep(finding, settings, suppressed) is { } kept)
                {
                    findings.Add(kept with { Severity = settings.SeverityFor(kept.Rule, kept.Severity) });
                }
            }

            // The rules did analyse these files; only the model did not see them.
            notAnalysed.AddRange(result.NotSeen.Select(s => s with { Kind = SkipKind.NotSeenByLlm }));
            if (result.DegradedReason is not null)
            {
                degraded = degraded is null ? result.DegradedReason : $"{degraded}; {result.DegradedReason}";
                llmIncomplete = result.DegradedReason;
            }

            if (result.Dropped > 0)
            {
                notes.Add($"LLM pass: {result.Dropped} finding{(result.Dropped == 1 ? "" : "s")} dropped (not on a changed line or malformed)");
            }
        }

        return new AgentOutput(Fingerprints.Assign(findings)) { DegradedReason = degraded, NotAnalysed = notAnalysed, Partial = rules.Partial.ToList(), LlmIncompleteReason = llmIncomplete, Notes = notes.Concat(rules.Notes).ToList(), Models = published };
    }

    /// <summary>Why the rules could not read a SQL file (fully), from the typed issue; null when another report already says it.</summary>
    internal static string? CoverageReason(SqlFileFacts facts)
    {
        if (facts.Issues.Count == 0)
        {
            return null;
        }

        var issue = facts.Issues[0];
        var more = facts.Issues.Count > 1 ? $", and {facts.Issues.Count - 1} more statement(s)" : "";
        return issue.Kind switch
        {
            // Render coverage is reported once per agent, with the renderer's reason, by every agent that reads the dbt
            // graph (all that read SQL facts do): not a second entry for the same file here.
            SqlIssueKind.NotRendered or SqlIssueKind.JinjaSyntax => null,
            SqlIssueKind.TooDeep => $"SQL nested more than the parser's depth bound ({issue.Message}, line {issue.Line}): not analysed",
            SqlIssueKind.TooLong => $"SQL too long to parse ({issue.Message})",
            _ when facts.RenderedInPart is { } part => $"SQL rendered in part ({part}) does not parse at line {issue.Line} ({issue.Message}){more}: {(facts.Coverage == SqlCoverage.NotAnalysed ? "not analysed" : "the statements that parsed were analysed")}",
            _ when facts.IsTemplate => $"SQL read as written (Jinja not rendered) does not parse at line {issue.Line} ({issue.Message}){more}",
            _ when facts.NothingRead => $"SQL does not parse at line {issue.Line} ({issue.Message}){more}: not analysed",
            _ when facts.Coverage == SqlCoverage.NotAnalysed => $"SQL does not parse at line {issue.Line} ({issue.Message}){more}: read by its statements' leading keywords only",
            _ => $"SQL does not parse at line {issue.Line} ({issue.Message}){more}: the statements that parsed were analysed",
        };
    }

    private async Task<LlmPassResult> RunLlmPassAsync(AgentContext context, List<FileChange> slice, List<Finding> findings, long started, CancellationToken cancellationToken)
    {
        var allowed = Descriptor.Timeout * LlmShareOfBudget;
        var remaining = allowed - context.Time.GetElapsedTime(started);
        var noAnswer = $"LLM pass: no answer within {Describe(allowed)} ({LlmShareOfBudget:P0} of the agent's {Describe(Descriptor.Timeout)} budget); rule findings kept";
        if (remaining <= TimeSpan.Zero)
        {
            return NotInTime(slice, noAnswer);
        }

        using var deadline = new CancellationTokenSource(remaining, context.Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await llmPass!.RunAsync(context, slice, findings, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return NotInTime(slice, noAnswer);
        }
    }

    private static LlmPassResult NotInTime(List<FileChange> slice, string reason) =>
        new([]) { DegradedReason = reason, NotSeen = slice.Select(f => new SkippedFile(f.Path, "not reviewed by the LLM: no answer in time")).ToList() };

    private static string Describe(TimeSpan span) => span.TotalSeconds < 120 ? $"{span.TotalSeconds:0.#}s" : $"{span.TotalMinutes:0.#}m";

    private static Finding? Keep(Finding finding, Core.Configuration.AgentConfig settings, Dictionary<(string, string, string), int> suppressed)
    {
        if (!settings.Paths.Matches(finding.File))
        {
            return null;
        }

        if (settings.ExceptionFor(finding.Rule, finding.File) is { } exception)
        {
            var key = (finding.Rule, exception.Path.Pattern, exception.Reason);
            suppressed[key] = suppressed.GetValueOrDefault(key) + 1;
            return null;
        }

        return finding;
    }
}
