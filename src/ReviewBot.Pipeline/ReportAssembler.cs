using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;
using ReviewBot.Core.Reports;
using ReviewBot.Orchestration;

namespace ReviewBot.Pipeline;

/// <summary>Turns an engine run into the schema-1 report (without its Markdown, which is rendered from it).</summary>
internal static class ReportAssembler
{
    public static ReviewReport Assemble(EngineRun run, ChangeSet original, ChangeScope scope, ReviewConfig config, ILanguageModel? model)
    {
        var agents = run.Agents.Select(ToReport).ToList();
        var notAnalysed = run.Agents
            .SelectMany(a => (a.Output?.NotAnalysed ?? []).Select(s => new AgentSkip(a.Descriptor.Name.Value, s.File, s.Reason)))
            .ToList();
        var budget = run.Budget with
        {
            Llm = model is null ? "none" : $"{config.Llm.Provider.ToString().ToLowerInvariant()}:{model.Deployment}",
        };

        return new ReviewReport
        {
            Conclusion = run.Verdict.Conclusion,
            Incomplete = run.Verdict.Incomplete,
            Title = run.Verdict.Title,
            Agents = agents,
            Findings = run.Findings,
            Coverage = new CoverageReport
            {
                FilesChanged = scope.FilesChanged,
                FilesReviewed = scope.Change.Files.Count,
                Skipped = scope.Change.Skipped,
                NotAnalysed = notAnalysed,
                Files = CoverageLedger.Files(run.Agents, scope.Change.Files, scope.Change.Skipped),
                Unanalysed = CoverageLedger.RequiredButUnanalysed(run.Agents, scope.Change.Skipped, config),
            },
            Budget = budget,
            Models = run.Agents.SelectMany(a => a.Output?.Models ?? []).DistinctBy(m => (m.Name, m.File)).ToList(),
            HeadSha = original.PullRequest?.HeadSha ?? original.Head.Revision,
            FailOn = config.FailOn,
            LlmCanBlock = config.Llm.CanBlock,
        };
    }

    private static AgentReport ToReport(AgentResult result) => new()
    {
        Name = result.Descriptor.Name.Value,
        Lane = result.Descriptor.Lane.ToString().ToLowerInvariant(),
        Policy = result.Descriptor.Policy.ToString(),
        Status = StatusText(result.Status),
        DurationMs = (long)result.Duration.TotalMilliseconds,
        FindingCount = result.Findings.Count,
        PromptTokens = result.PromptTokens,
        CompletionTokens = result.CompletionTokens,
        Reason = result.Reason,
        Retries = result.Retries,
        Timeline = result.Timeline.Select(e => new TimelineEntry(e.Kind, e.AtMs, e.Detail)).ToList(),
        Notes = result.Output?.Notes ?? [],
    };

    private static string StatusText(AgentStatus status) => status switch
    {
        AgentStatus.TimedOut => "timed_out",
        _ => status.ToString().ToLowerInvariant(),
    };
}
