using ReviewBot.Core;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;
using ReviewBot.Orchestration.Policies;
using ReviewBot.Orchestration.RateLimiting;
using ReviewBot.Orchestration.Scheduling;

namespace ReviewBot.Orchestration;

/// <summary>
/// Runs agents over a change (DESIGN.md §3): in the order their declared reads and writes require, in
/// <c>max_parallel</c> slots handed out by lane, each within its timeout budget and under its failure policy,
/// with LLM calls governed by the deployment's shared rate limiter and the run's compute budget; results are
/// merged as they arrive. Thread-safe: one engine can run many reviews at once, sharing the rate limiters.
/// Build one with <see cref="ReviewEngineBuilder"/>.
/// </summary>
public sealed class ReviewEngine
{
    private readonly RateLimiterRegistry _limiters;

    internal ReviewEngine(ReviewConfig config, EngineOptions options, TimeProvider time, ILanguageModel? model, LlmRateLimiters? shared = null)
    {
        Config = config;
        Options = options;
        Time = time;
        Model = model;
        _limiters = shared?.Registry ?? new RateLimiterRegistry(options.RateLimits, time);
    }

    public ReviewConfig Config { get; }

    internal EngineOptions Options { get; }

    internal TimeProvider Time { get; }

    internal ILanguageModel? Model { get; }

    internal DeploymentRateLimiter? Limiter => Model is null ? null : _limiters.For(Model.Deployment, Options.RateLimits);

    /// <summary>
    /// Runs <paramref name="agents"/> and merges their results. Throws <see cref="InvalidInputException"/> before
    /// starting anything when the agents' declarations are inconsistent (duplicate names, conflicting writes,
    /// reads nothing provides, cycles) or the config overrides are invalid. Otherwise never throws: agent failures
    /// are results, and cancelling <paramref name="cancellationToken"/> ends unfinished agents as failed
    /// ("cancelled") and still returns what was computed.
    /// </summary>
    public async Task<EngineRun> RunAsync(
        IReadOnlyList<IReviewAgent> agents,
        ChangeSet change,
        ResourceStore resources,
        IEngineObserver? observer,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agents);
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(resources);

        var descriptors = new AgentDescriptor[agents.Count];
        for (var i = 0; i < agents.Count; i++)
        {
            var declared = agents[i]?.Descriptor ?? throw new InvalidInputException($"Agent #{i + 1} is missing or has no descriptor.");
            descriptors[i] = EffectiveDescriptor.Resolve(declared, Config.AgentSettings(declared.Name));
        }

        var graph = DependencyGraph.Build(descriptors, resources);
        var run = new RunCoordinator(this, agents, descriptors, graph, change, resources, observer, cancellationToken);
        return await run.RunAsync().ConfigureAwait(false);
    }
}
