using System.Globalization;
using ReviewBot.Core;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.GitHub;

namespace ReviewBot.Cli.Action;

/// <summary>
/// The Actions environment and the action's inputs (<c>INPUT_*</c>, snake_case names as in action.yml),
/// validated: a bad value is an <see cref="InvalidInputException"/> naming the input.
/// </summary>
internal sealed record ActionSettings
{
    public required string EventName { get; init; }

    public string? EventPath { get; init; }

    public required RepositoryId Repository { get; init; }

    public required Uri ApiUrl { get; init; }

    public required string Token { get; init; }

    public string? Workspace { get; init; }

    public string? StepSummary { get; init; }

    public string? OutputFile { get; init; }

    public int? PullRequestNumber { get; init; }

    public string ConfigPath { get; init; } = ConfigLoader.DefaultPath;

    public Severity? FailOn { get; init; }

    public int? MaxTokens { get; init; }

    public string? SarifPath { get; init; }

    public bool? ReviewDrafts { get; init; }

    /// <summary>The workflow run's page, for the check run's details link.</summary>
    public string? RunUrl { get; init; }

    /// <summary>
    /// The variables that carry secrets (action inputs and their plain environment twins): masked in the
    /// workflow log before anything else runs.
    /// </summary>
    public static IReadOnlyList<string> SecretVariables { get; } =
    [
        "INPUT_GITHUB_TOKEN", "GITHUB_TOKEN",
        "INPUT_AZURE_OPENAI_API_KEY", "AZURE_OPENAI_API_KEY",
        "INPUT_OPENAI_API_KEY", "OPENAI_API_KEY",
    ];

    public static ActionSettings Read(IReadOnlyDictionary<string, string?> env)
    {
        string? Get(string name) => env.TryGetValue(name, out var value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        // The LLM inputs themselves are read by LanguageModelFactory (INPUT_AZURE_OPENAI_*, INPUT_OPENAI_*); two
        // providers at once is a workflow mistake that would otherwise silently pick one.
        if (Get("INPUT_AZURE_OPENAI_ENDPOINT") is not null && Get("INPUT_OPENAI_BASE_URL") is not null)
        {
            throw new InvalidInputException("inputs azure_openai_endpoint and openai_base_url are both set: give the inputs of one LLM provider (azure_openai_* or openai_*).");
        }

        var eventName = Get("GITHUB_EVENT_NAME") ?? throw new InvalidInputException("GITHUB_EVENT_NAME is not set: 'reviewbot action' runs inside GitHub Actions (use 'reviewbot review' locally).");
        var repository = RepositoryId.Parse(Get("GITHUB_REPOSITORY") ?? throw new InvalidInputException("GITHUB_REPOSITORY is not set."));
        var token = Get("INPUT_GITHUB_TOKEN") ?? Get("GITHUB_TOKEN")
            ?? throw new InvalidInputException("input github_token is empty: pass ${{ github.token }} (the default) or a token with pull-requests: write and checks: write.");

        int? number = null;
        if (Get("INPUT_PR_NUMBER") is { } pr)
        {
            number = int.TryParse(pr.TrimStart('#'), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
                ? n
                : throw new InvalidInputException($"input pr_number: '{pr}' is not a pull request number.");
        }

        Severity? failOn = null;
        if (Get("INPUT_FAIL_ON") is { } fail)
        {
            failOn = SeverityText.TryParse(fail, out var severity)
                ? severity
                : throw new InvalidInputException($"input fail_on: '{fail}' is not a severity (critical, high, medium, low, info).");
        }

        int? maxTokens = null;
        if (Get("INPUT_MAX_TOKENS") is { } max)
        {
            maxTokens = int.TryParse(max.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var t) && t <= 100_000_000
                ? t
                : throw new InvalidInputException($"input max_tokens: '{max}' is not a whole number of tokens (0..100,000,000).");
        }

        bool? reviewDrafts = Get("INPUT_REVIEW_DRAFTS") switch
        {
            null => null,
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            var other => throw new InvalidInputException($"input review_drafts: '{other}' is not true or false."),
        };

        var server = Get("GITHUB_SERVER_URL");
        var runId = Get("GITHUB_RUN_ID");
        return new ActionSettings
        {
            EventName = eventName,
            EventPath = Get("GITHUB_EVENT_PATH"),
            Repository = repository,
            ApiUrl = GitHubClientFactory.ParseApiUrl(Get("GITHUB_API_URL")),
            Token = token,
            Workspace = Get("GITHUB_WORKSPACE"),
            StepSummary = Get("GITHUB_STEP_SUMMARY"),
            OutputFile = Get("GITHUB_OUTPUT"),
            PullRequestNumber = number,
            ConfigPath = Get("INPUT_CONFIG") ?? ConfigLoader.DefaultPath,
            FailOn = failOn,
            MaxTokens = maxTokens,
            SarifPath = Get("INPUT_SARIF"),
            ReviewDrafts = reviewDrafts,
            RunUrl = server is not null && runId is not null ? $"{server.TrimEnd('/')}/{repository}/actions/runs/{runId}" : null,
        };
    }

    /// <summary>The config with the action's overrides (<c>fail_on</c>, <c>max_tokens</c>) applied.</summary>
    public ReviewConfig Apply(ReviewConfig config)
    {
        if (FailOn is null && MaxTokens is null && ReviewDrafts is null)
        {
            return config;
        }

        var budget = config.Budget;
        if (MaxTokens is { } tokens)
        {
            budget = new BudgetConfig
            {
                Tokens = tokens,
                Usd = budget.Usd,
                CriticalReserve = budget.CriticalReserve,
                UsdPer1kPromptTokens = budget.UsdPer1kPromptTokens,
                UsdPer1kCompletionTokens = budget.UsdPer1kCompletionTokens,
            };
        }

        return new ReviewConfig
        {
            FailOn = FailOn ?? config.FailOn,
            OnIncomplete = config.OnIncomplete,
            MaxParallel = config.MaxParallel,
            ReviewDrafts = ReviewDrafts ?? config.ReviewDrafts,
            Budget = budget,
            Llm = config.Llm,
            Paths = config.Paths,
            Limits = config.Limits,
            Agents = config.Agents,
        };
    }
}
