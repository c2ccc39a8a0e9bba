using ReviewBot.Agents.Cost;
using ReviewBot.Agents.Custom;
using ReviewBot.Agents.Docs;
using ReviewBot.Agents.Governance;
using ReviewBot.Agents.Lineage;
using ReviewBot.Agents.LlmPass;
using ReviewBot.Agents.Quality;
using ReviewBot.Agents.Rules;
using ReviewBot.Core;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;

namespace ReviewBot.Agents;

/// <summary>
/// The agents of a run: the five built-ins with their defaults (DESIGN.md §2), adjusted by
/// <c>agents.NAME</c> in the config (lane, policy, retry, timeout), plus custom agents declared in the
/// config (regex <c>patterns</c> over added lines within their <c>paths</c>; a <c>lane</c> is required).
/// Disabled agents are omitted.
/// </summary>
public static class AgentCatalog
{
    /// <summary>Default timeout budget of a built-in agent when the config sets none.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    /// <summary>Default timeout budget of a custom agent when the config sets none.</summary>
    public static readonly TimeSpan DefaultCustomTimeout = TimeSpan.FromSeconds(60);

    private static readonly BuiltIn[] BuiltIns =
    [
        new(AgentName.Governance, Lane.Critical, FailurePolicy.Required, GovernanceRules.All, [Resources.Diff, Resources.DbtGraph, Resources.SqlFacts], _ => true),
        new(AgentName.Quality, Lane.High, FailurePolicy.RetryThenBestEffort(1), QualityRules.All, [Resources.Diff, Resources.DbtGraph, Resources.SqlFacts], IsCode),
        new(AgentName.Lineage, Lane.High, FailurePolicy.RetryThenBestEffort(1), LineageRules.All, [Resources.Diff, Resources.DbtGraph, Resources.SqlFacts], IsDbt)
        {
            Models = ctx => ctx.Dbt.Head.IsDbt || ctx.Dbt.Base.IsDbt ? Lineage.Classification.ModelChanges.For(ctx.Dbt, ctx.Cancellation).Reports : [],
        },
        new(AgentName.Cost, Lane.Normal, FailurePolicy.BestEffort, CostRules.All, [Resources.Diff, Resources.DbtGraph, Resources.SqlFacts, Resources.PipelineFacts], IsCode),
        new(AgentName.Docs, Lane.Low, FailurePolicy.BestEffort, DocsRules.All, [Resources.Diff, Resources.DbtGraph, Resources.PipelineFacts], _ => true),
    ];

    /// <summary>The names of the built-in agents.</summary>
    public static IReadOnlyList<AgentName> BuiltInNames { get; } = BuiltIns.Select(b => b.Name).ToList();

    /// <summary>Every built-in rule with its agent, id, default severity and rationale (for docs and <c>--help</c>).</summary>
    public static IReadOnlyList<RuleInfo> Rules { get; } = BuiltIns
        .SelectMany(b => b.Rules.Select(r => new RuleInfo(b.Name, r.Id, r.DefaultSeverity, r.Rationale)))
        .ToList();

    public static IReadOnlyList<IReviewAgent> Create(ReviewConfig config) => Create(config, null);

    /// <summary>The agents of a run; <paramref name="llmPass"/> is the optional LLM pass each agent runs when a model is configured.</summary>
    public static IReadOnlyList<IReviewAgent> Create(ReviewConfig config, IAgentLlmPass? llmPass)
    {
        var agents = new List<IReviewAgent>();
        foreach (var builtIn in BuiltIns)
        {
            var settings = config.AgentSettings(builtIn.Name);
            if (!settings.Enabled)
            {
                continue;
            }

            var descriptor = new AgentDescriptor(builtIn.Name, settings.Lane ?? builtIn.Lane, Policy(settings, builtIn.Policy), settings.Timeout ?? DefaultTimeout)
            {
                Reads = builtIn.Reads,
                Writes = [Resources.FindingsOf(builtIn.Name)],
            };
            agents.Add(new RuleAgent(descriptor, builtIn.Rules, llmPass, builtIn.Relevant, builtIn.Models));
        }

        foreach (var (key, settings) in config.Agents.OrderBy(a => a.Key, StringComparer.Ordinal))
        {
            var name = new AgentName(key);
            if (BuiltIns.Any(b => b.Name == name) || !settings.Enabled)
            {
                continue;
            }

            if (settings.Lane is not { } lane)
            {
                throw new InvalidInputException($"agents.{key}.lane: required for a custom agent (critical, high, normal or low).");
            }

            if (settings.Patterns.Count == 0 && string.IsNullOrWhiteSpace(settings.Prompt))
            {
                throw new InvalidInputException($"agents.{key}: a custom agent needs 'patterns' or a 'prompt' (an agent without either can find nothing).");
            }

            var descriptor = new AgentDescriptor(name, lane, Policy(settings, FailurePolicy.BestEffort), settings.Timeout ?? DefaultCustomTimeout)
            {
                Reads = settings.Reads ?? [Resources.Diff],
                Writes = settings.Writes ?? [Resources.FindingsOf(name)],
            };
            agents.Add(new RuleAgent(descriptor, settings.Patterns.Select(p => (Rule)new PatternRuleAdapter(p)).ToList(), llmPass, _ => true));
        }

        return agents;
    }

    private static FailurePolicy Policy(AgentConfig settings, FailurePolicy fallback)
    {
        if (settings.Policy is null && settings.Retry is null)
        {
            return fallback;
        }

        var kind = settings.Policy ?? fallback.Kind;
        var retries = settings.Retry ?? (settings.Policy is null ? fallback.Retries : 0);
        return new FailurePolicy(kind, retries);
    }

    private static bool IsCode(FileChange file) =>
        file.Path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) || file.Path.EndsWith(".py", StringComparison.OrdinalIgnoreCase)
        || file.Path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || file.Path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase);

    private static bool IsDbt(FileChange file) =>
        file.Path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) || file.Path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
        || file.Path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || file.Path.EndsWith(".py", StringComparison.OrdinalIgnoreCase);

    private sealed record BuiltIn(AgentName Name, Lane Lane, FailurePolicy Policy, IReadOnlyList<Rule> Rules, IReadOnlyList<string> Reads, Func<FileChange, bool> Relevant)
    {
        /// <summary>What the agent publishes for the report's <c>models[]</c> (the lineage agent's change classification).</summary>
        public Func<RuleContext, IReadOnlyList<Core.Reports.ModelChangeReport>>? Models { get; init; }
    }
}
