using ReviewBot.Core.Agents;
using ReviewBot.Core.Findings;

namespace ReviewBot.Core.Configuration;

/// <summary>What a run that cannot finish a required agent concludes.</summary>
public enum IncompleteOutcome
{
    /// <summary>Default: an incomplete run fails the check ("Not reviewed: ...").</summary>
    Fail,

    /// <summary>An incomplete run passes unless a blocking finding was found (opt-in per repository).</summary>
    Pass,
}

/// <summary>What a run concludes when a required agent could not analyse a changed file it must see.</summary>
public enum UnanalysedOutcome
{
    /// <summary>Default: the run is incomplete ("Not reviewed: governance could not analyse 2 files (...)").</summary>
    Fail,

    /// <summary>The files are listed as not analysed and the gate ignores them (opt-in per repository).</summary>
    Warn,
}

/// <summary>
/// The whole <c>.github/reviewbot.yml</c>, validated. Every property states its default; the file's
/// keys are snake_case versions of these names (see <see cref="ConfigLoader"/>).
/// </summary>
public sealed class ReviewConfig
{
    public static ReviewConfig Default { get; } = new();

    /// <summary><c>fail_on</c>: the lowest severity that fails the check. Default <see cref="Severity.High"/>.</summary>
    public Severity FailOn { get; init; } = Severity.High;

    /// <summary><c>on_incomplete</c>: default <see cref="IncompleteOutcome.Fail"/>.</summary>
    public IncompleteOutcome OnIncomplete { get; init; } = IncompleteOutcome.Fail;

    /// <summary><c>on_unanalysed</c>: default <see cref="UnanalysedOutcome.Fail"/>.</summary>
    public UnanalysedOutcome OnUnanalysed { get; init; } = UnanalysedOutcome.Fail;

    /// <summary><c>max_parallel</c>: agents running at once. Default 4.</summary>
    public int MaxParallel { get; init; } = 4;

    /// <summary><c>review_drafts</c>: review draft PRs too. Default false.</summary>
    public bool ReviewDrafts { get; init; }

    /// <summary><c>budget</c>: the per-run LLM compute budget.</summary>
    public BudgetConfig Budget { get; init; } = new();

    /// <summary><c>llm</c>: the language model; default none (rules only).</summary>
    public LlmConfig Llm { get; init; } = new();

    /// <summary><c>paths</c>: which changed files are reviewed at all. Default everything.</summary>
    public PathFilter Paths { get; init; } = PathFilter.All;

    /// <summary><c>limits</c>: how much of a large change is reviewed.</summary>
    public LimitsConfig Limits { get; init; } = new();

    /// <summary><c>agents</c>: per-agent settings, built-in names and custom agents alike.</summary>
    public IReadOnlyDictionary<string, AgentConfig> Agents { get; init; } = new Dictionary<string, AgentConfig>();

    public AgentConfig AgentSettings(AgentName name) => Agents.TryGetValue(name.Value, out var settings) ? settings : AgentConfig.Empty;
}

/// <summary><c>budget</c> keys.</summary>
public sealed class BudgetConfig
{
    /// <summary><c>tokens</c>: cap on prompt + completion tokens per run. Default 200,000.</summary>
    public int Tokens { get; init; } = 200_000;

    /// <summary><c>usd</c>: cap on estimated cost per run; null means no cost cap. Default null.</summary>
    public decimal? Usd { get; init; }

    /// <summary><c>critical_reserve</c>: share of the budget only the critical lane may use. Default 0.2.</summary>
    public double CriticalReserve { get; init; } = 0.2;

    /// <summary><c>usd_per_1k_prompt_tokens</c> / <c>usd_per_1k_completion_tokens</c>: prices for the estimate.</summary>
    public decimal UsdPer1kPromptTokens { get; init; } = 0.0025m;

    public decimal UsdPer1kCompletionTokens { get; init; } = 0.01m;
}

/// <summary>LLM provider.</summary>
public enum LlmProvider
{
    None,
    AzureOpenAI,
    OpenAICompatible,
}

/// <summary><c>llm</c> keys. Secrets (API keys) never live here: they come from the environment.</summary>
public sealed class LlmConfig
{
    /// <summary><c>provider</c>: <c>none</c> | <c>azure-openai</c> | <c>openai-compatible</c>. Default none.</summary>
    public LlmProvider Provider { get; init; } = LlmProvider.None;

    /// <summary><c>endpoint</c>: the Azure resource endpoint or the OpenAI-compatible base URL.</summary>
    public string? Endpoint { get; init; }

    /// <summary><c>deployment</c>: the Azure deployment or the model name.</summary>
    public string? Deployment { get; init; }

    /// <summary><c>api_version</c>: Azure OpenAI API version; default the SDK's.</summary>
    public string? ApiVersion { get; init; }

    /// <summary><c>can_block</c>: may LLM findings fail the check? Default false (advisory).</summary>
    public bool CanBlock { get; init; }

    /// <summary><c>requests_per_minute</c>: shared request bucket per deployment. Default 60.</summary>
    public int RequestsPerMinute { get; init; } = 60;

    /// <summary><c>tokens_per_minute</c>: shared token bucket per deployment. Default 90,000.</summary>
    public int TokensPerMinute { get; init; } = 90_000;

    /// <summary><c>max_output_tokens</c>: per call. Default 1,500.</summary>
    public int MaxOutputTokens { get; init; } = 1_500;
}

/// <summary><c>limits</c> keys.</summary>
public sealed class LimitsConfig
{
    /// <summary><c>max_files</c>: changed files reviewed; the rest are listed as skipped. Default 3,000.</summary>
    public int MaxFiles { get; init; } = 3_000;

    /// <summary><c>max_file_bytes</c>: larger files are not analysed (and listed so), whatever the source (git, archive, diff). Default 1 MiB.</summary>
    public int MaxFileBytes { get; init; } = 1 << 20;
}

/// <summary>A rule switched off for some paths, with the reason (kept in the report).</summary>
public sealed record RuleException(Glob Path, string? Rule, string Reason);

/// <summary>A regex rule of a custom agent.</summary>
public sealed record PatternRule(string Id, System.Text.RegularExpressions.Regex Regex, Severity Severity, string Title, string Message);

/// <summary><c>agents.NAME</c> keys. Null means "use the agent's default".</summary>
public sealed class AgentConfig
{
    public static AgentConfig Empty { get; } = new();

    /// <summary><c>enabled</c>: default true.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary><c>lane</c>: critical | high | normal | low.</summary>
    public Lane? Lane { get; init; }

    /// <summary><c>policy</c>: required | best_effort.</summary>
    public PolicyKind? Policy { get; init; }

    /// <summary><c>retry</c>: retries before the policy applies.</summary>
    public int? Retry { get; init; }

    /// <summary><c>timeout</c>: the agent's timeout budget, e.g. <c>90s</c> or <c>2m</c>.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary><c>severity</c>: rule id to severity, re-grading rules.</summary>
    public IReadOnlyDictionary<string, Severity> SeverityOverrides { get; init; } = new Dictionary<string, Severity>();

    /// <summary><c>rules</c>: rule id to on/off.</summary>
    public IReadOnlyDictionary<string, bool> RuleToggles { get; init; } = new Dictionary<string, bool>();

    /// <summary><c>paths</c>: which files this agent looks at.</summary>
    public PathFilter Paths { get; init; } = PathFilter.All;

    /// <summary><c>prompt</c>: text added to the agent's LLM prompt (or the whole prompt of a custom agent).</summary>
    public string? Prompt { get; init; }

    /// <summary><c>exceptions</c>: path-scoped rule exceptions, each with a reason.</summary>
    public IReadOnlyList<RuleException> Exceptions { get; init; } = [];

    /// <summary><c>patterns</c>: regex rules (custom agents).</summary>
    public IReadOnlyList<PatternRule> Patterns { get; init; } = [];

    /// <summary><c>reads</c> / <c>writes</c>: declared resources (custom agents; built-ins declare their own).</summary>
    public IReadOnlyList<string>? Reads { get; init; }

    public IReadOnlyList<string>? Writes { get; init; }

    /// <summary>
    /// <c>pii.allow</c>: column names (or <c>model.column</c>; <c>*</c> is a wildcard) that are never personal data,
    /// e.g. <c>*_contract_address</c>. Default none. Read by the governance agent.
    /// </summary>
    public IReadOnlyList<string> PiiAllow { get; init; } = [];

    /// <summary><c>pii.deny</c>: column names (or <c>model.column</c>, with <c>*</c>) that are always personal data, whatever their name says. Default none.</summary>
    public IReadOnlyList<string> PiiDeny { get; init; } = [];

    public bool IsRuleEnabled(string ruleId) => !RuleToggles.TryGetValue(ruleId, out var on) || on;

    public Severity SeverityFor(string ruleId, Severity fallback) =>
        SeverityOverrides.TryGetValue(ruleId, out var severity) ? severity : fallback;

    /// <summary>The exception that switches <paramref name="ruleId"/> off for <paramref name="path"/>, if any.</summary>
    public RuleException? ExceptionFor(string ruleId, string path) =>
        Exceptions.FirstOrDefault(e => (e.Rule is null || e.Rule == ruleId) && e.Path.IsMatch(path));
}
