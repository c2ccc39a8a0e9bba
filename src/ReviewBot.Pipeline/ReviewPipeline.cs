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

        return report with { Markdown = CommentRenderer.Render(report, scoped.Change) };
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
