using ReviewBot.Agents;
using ReviewBot.Agents.LlmPass;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;
using ReviewBot.Core.Reports;
using ReviewBot.Orchestration;
using ReviewBot.Orchestration.RateLimiting;
using ReviewBot.Reporting;

namespace ReviewBot.Pipeline;

/// <summary>
/// The run, end to end (DESIGN.md §1), for every host: scope the change, build the shared context once,
/// fan out the agents through the engine, fan in, and assemble the report with its rendered comment.
/// Acquiring the change and publishing the result are the hosts' part. A host that runs several reviews at
/// once (the App) passes its one <see cref="LlmRateLimiters"/>, so the deployment's limits hold across them.
/// </summary>
public sealed class ReviewPipeline(TimeProvider time, ILanguageModel? languageModel = null, LlmRateLimiters? rateLimiters = null)
{
    /// <summary>The key under which the scoped change set is stored for agents that read <see cref="Resources.Diff"/>.</summary>
    public static ResourceKey<ChangeSet> DiffKey { get; } = new(Resources.Diff);

    /// <summary>
    /// Set by the host when <c>llm.provider</c> is configured but no model could be built for this run: what is
    /// missing, named as the settings a user sets (e.g. "AZURE_OPENAI_ENDPOINT ... not set"). With
    /// <c>llm.can_block: true</c> the run is then incomplete, whether or not the host says what is missing.
    /// </summary>
    public string? LlmUnavailable { get; init; }

    public async Task<ReviewReport> RunAsync(ChangeSet change, ReviewConfig config, IEngineObserver? observer, CancellationToken ct)
    {
        change = await CopiedFiles.AsAdditionsAsync(change, ct).ConfigureAwait(false);
        ContentCheck.SetLimits(change, config);
        var scoped = await ContentCheck.ApplyAsync(ChangeScope.Apply(change, config), ct).ConfigureAwait(false);
        var resources = new ResourceStore();
        resources.Set(DiffKey, scoped.Change);
        await SharedContext.BuildAsync(scoped.Change, resources, ct).ConfigureAwait(false);

        IAgentLlmPass? llmPass = languageModel is null ? null : new AgentLlmPass();
        var agents = AgentCatalog.Create(config, llmPass);
        var engine = new ReviewEngineBuilder()
            .WithConfig(config)
            .WithTimeProvider(time)
            .WithLanguageModel(languageModel)
            .WithRateLimiters(rateLimiters)
            .Build();
        var run = await engine.RunAsync(agents, scoped.Change, resources, observer, ct).ConfigureAwait(false);

        var report = ReportAssembler.Assemble(run, change, scoped, config, languageModel);
        if (languageModel is null && config.Llm.Provider != LlmProvider.None && config.Llm.CanBlock)
        {
            // The repository asked for LLM findings that may fail the check: without the model the check cannot say
            // "passed", only that part of the review did not happen (on_incomplete: pass may still relax it).
            report = NotReviewed(report, $"llm.can_block is on but the LLM pass could not run ({LlmUnavailable ?? "no LLM settings reached this run"})", config);
        }

        report = WithContextGaps(report, change, config);
        return report with { Markdown = CommentRenderer.Render(report, scoped.Change) };
    }

    /// <summary>
    /// Unchanged files the review asked the snapshots for and did not get (an <c>export-ignore</c> hides them from
    /// the archive and they could not be read one by one): listed as not analysed ("context"), and — as the review ran
    /// without them — the run is incomplete unless <c>on_unanalysed: warn</c>.
    /// </summary>
    private static ReviewReport WithContextGaps(ReviewReport report, ChangeSet change, ReviewConfig config)
    {
        var changed = change.Files.SelectMany(f => new[] { f.Path, f.BasePath }).Concat(change.Skipped.Select(s => s.File)).ToHashSet(StringComparer.Ordinal);
        var gaps = new[] { change.Head, change.Base }.OfType<IContextGaps>()
            .SelectMany(g => g.UnreadContext)
            .Where(g => !changed.Contains(g.File))
            .DistinctBy(g => g.File, StringComparer.Ordinal)
            .OrderBy(g => g.File, StringComparer.Ordinal)
            .ToList();
        if (gaps.Count == 0)
        {
            return report;
        }

        const string Context = "context";
        report = report with
        {
            Coverage = report.Coverage with
            {
                NotAnalysed = [.. report.Coverage.NotAnalysed, .. gaps.Select(g => new AgentSkip(Context, g.File, g.Reason))],
                Unanalysed = [.. report.Coverage.Unanalysed, .. gaps.Select(g => new UnanalysedFile(Context, g.File, g.Reason))],
            },
        };
        var files = gaps.Count == 1 ? "1 unchanged file" : $"{gaps.Count} unchanged files";
        if (config.OnUnanalysed == UnanalysedOutcome.Fail)
        {
            return NotReviewed(report, $"{files} the review needed could not be read ({gaps[0].File}: {gaps[0].Reason}{(gaps.Count > 1 ? ", ..." : "")})", config);
        }

        var title = $"{report.Title}; {files} not read as context (on_unanalysed: warn)";
        return report.Incomplete ? report : report with { Title = title.Length <= 200 ? title : title[..197] + "..." };
    }

    /// <summary>Adds one reason to the report's "Not reviewed:" verdict, keeping the gate's wording and policies.</summary>
    private static ReviewReport NotReviewed(ReviewReport report, string reason, ReviewConfig config)
    {
        const string Prefix = "Not reviewed: ";
        var blocking = report.Findings.Count(report.IsBlocking);
        var title = report.Incomplete && report.Title.StartsWith(Prefix, StringComparison.Ordinal)
            ? $"{Prefix}{reason}; {report.Title[Prefix.Length..]}"
            : Prefix + reason + (blocking == 0 ? "" : blocking == 1 ? " (1 blocking finding)" : $" ({blocking} blocking findings)");
        var conclusion = config.OnIncomplete == IncompleteOutcome.Pass && blocking == 0 ? Conclusion.Success : Conclusion.Failure;
        return report with
        {
            Incomplete = true,
            Conclusion = conclusion,
            Title = title.Length <= 200 ? title : title[..197] + "...",
        };
    }
}
