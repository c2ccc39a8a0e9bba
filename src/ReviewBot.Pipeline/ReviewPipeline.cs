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
        return report with { Markdown = CommentRenderer.Render(report, scoped.Change) };
    }
}
