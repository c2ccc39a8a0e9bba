using System.Globalization;
using System.Security.Cryptography;
using ReviewBot.Core;
using ReviewBot.Core.Configuration;
using ReviewBot.Llm;

namespace ReviewBot.App.Options;

/// <summary>
/// The App's settings, read once from the environment and validated before the server starts:
/// a missing or invalid value stops the start-up with a message that names the variable.
/// </summary>
public sealed class AppSettings
{
    /// <summary>The secret configured on the App's webhook (<c>REVIEWBOT_WEBHOOK_SECRET</c>, required).</summary>
    public required string WebhookSecret { get; init; }

    /// <summary>The App's id (<c>GITHUB_APP_ID</c>, required): the JWT issuer.</summary>
    public required long AppId { get; init; }

    /// <summary>The App's private key, PEM (<c>GITHUB_APP_PRIVATE_KEY</c>, or a file named by <c>GITHUB_APP_PRIVATE_KEY_PATH</c>).</summary>
    public required string PrivateKeyPem { get; init; }

    /// <summary>The REST API root (<c>GITHUB_API_URL</c>, default <c>https://api.github.com</c>; GHES: <c>https://HOST/api/v3</c>).</summary>
    public Uri ApiUrl { get; init; } = new("https://api.github.com/");

    /// <summary>Where GitHub posts deliveries (<c>REVIEWBOT_WEBHOOK_PATH</c>, default <c>/api/github/webhooks</c>).</summary>
    public string WebhookPath { get; init; } = "/api/github/webhooks";

    /// <summary>How many pull requests may wait for a review at once (<c>REVIEWBOT_QUEUE_CAPACITY</c>, default 1,000); beyond it deliveries get 503.</summary>
    public int QueueCapacity { get; init; } = 1_000;

    /// <summary>Reviews run at once, each on a different pull request (<c>REVIEWBOT_WORKERS</c>, default 4).</summary>
    public int Workers { get; init; } = 4;

    /// <summary>Delivery ids remembered to drop redeliveries (<c>REVIEWBOT_DEDUPE_CAPACITY</c>, default 10,000).</summary>
    public int DedupeCapacity { get; init; } = 10_000;

    /// <summary>How long a shutdown waits for running reviews (<c>REVIEWBOT_SHUTDOWN_SECONDS</c>, default 30).</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// PostgreSQL connection string (<c>REVIEWBOT_POSTGRES</c>, default none: the in-memory queue of one instance).
    /// With it, the queue, the delivery log and per-PR coalescing live in the database, shared by every replica.
    /// </summary>
    public string? PostgresConnectionString { get; init; }

    /// <summary>How long a review's claim holds without renewal (<c>REVIEWBOT_LEASE_SECONDS</c>, default 30): a crashed replica's review is taken over after it.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Attempts of one review (<c>REVIEWBOT_REVIEW_ATTEMPTS</c>, default 3); after the last failure its check says "Not reviewed".</summary>
    public int MaxAttempts { get; init; } = 3;

    /// <summary>The wait before the first retry, doubled for each further one (<c>REVIEWBOT_RETRY_SECONDS</c>, default 30).</summary>
    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the same pull request, head and action under a new delivery id is dropped as a replay (<c>REVIEWBOT_REPLAY_WINDOW_SECONDS</c>, default 3,600).</summary>
    public TimeSpan ReplayWindow { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How often an idle worker looks for work in PostgreSQL (<c>REVIEWBOT_POLL_MILLISECONDS</c>, default 500).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The queue store's settings, derived from these.</summary>
    internal Queue.ReviewStoreOptions StoreOptions => new()
    {
        Capacity = QueueCapacity,
        Lease = Lease,
        MaxAttempts = MaxAttempts,
        RetryBackoff = RetryBackoff,
        ReplayWindow = ReplayWindow,
        DedupeCapacity = DedupeCapacity,
    };

    /// <summary>Log as JSON lines (<c>REVIEWBOT_LOG_FORMAT=json</c>) instead of plain console text (default).</summary>
    public bool JsonLogs { get; init; }

    /// <summary>The whole environment, handed to the LLM factory (endpoint, deployment, keys).</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>GitHub's largest webhook payload; bigger bodies get 413.</summary>
    public const long MaxBodyBytes = 25 * 1024 * 1024;

    /// <summary>How long a delivery waits for a body-reading slot before it gets 503.</summary>
    public static readonly TimeSpan BodyReadSlotWait = TimeSpan.FromSeconds(10);

    /// <summary>How long an unauthenticated body may take to arrive (GitHub sends it at once); then 408.</summary>
    public static readonly TimeSpan BodyReadTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Unauthenticated bodies read (and hashed) at once (<c>REVIEWBOT_MAX_BODY_READS</c>, default 8): the cap that keeps
    /// a flood of forged deliveries from taking memory; beyond it a delivery waits up to 10 s, then gets 503.
    /// </summary>
    public int MaxConcurrentBodyReads { get; init; } = 8;

    /// <summary>Reads and validates the settings; throws <see cref="AppSettingsException"/> listing every problem.</summary>
    public static AppSettings FromEnvironment(IReadOnlyDictionary<string, string?> env)
    {
        var errors = new List<string>();
        string? Get(string name) => env.TryGetValue(name, out var v) && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        int Int(string name, int fallback, int min, int max)
        {
            var text = Get(name);
            if (text is null)
            {
                return fallback;
            }

            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            errors.Add($"{name} must be a whole number from {min} to {max} (got '{text}')");
            return fallback;
        }

        var secret = Get("REVIEWBOT_WEBHOOK_SECRET");
        if (secret is null)
        {
            errors.Add("REVIEWBOT_WEBHOOK_SECRET is required: set it to the webhook secret configured on the GitHub App (the server refuses unsigned deliveries)");
        }

        long appId = 0;
        var appIdText = Get("GITHUB_APP_ID");
        if (appIdText is null)
        {
            errors.Add("GITHUB_APP_ID is required: the numeric App id shown on the App's settings page");
        }
        else if (!long.TryParse(appIdText, NumberStyles.None, CultureInfo.InvariantCulture, out appId) || appId <= 0)
        {
            errors.Add($"GITHUB_APP_ID must be a positive number (got '{appIdText}')");
        }

        var pem = ReadPrivateKey(Get("GITHUB_APP_PRIVATE_KEY"), Get("GITHUB_APP_PRIVATE_KEY_PATH"), errors);

        var apiUrl = new Uri("https://api.github.com/");
        var apiText = Get("GITHUB_API_URL");
        if (apiText is not null)
        {
            if (Uri.TryCreate(apiText.EndsWith('/') ? apiText : apiText + "/", UriKind.Absolute, out var parsed)
                && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp))
            {
                apiUrl = parsed;
            }
            else
            {
                errors.Add($"GITHUB_API_URL must be an absolute http(s) URL (got '{apiText}')");
            }
        }

        var path = Get("REVIEWBOT_WEBHOOK_PATH") ?? "/api/github/webhooks";
        if (!path.StartsWith('/'))
        {
            errors.Add($"REVIEWBOT_WEBHOOK_PATH must start with '/' (got '{path}')");
        }

        var logFormat = Get("REVIEWBOT_LOG_FORMAT") ?? "simple";
        if (logFormat is not ("json" or "simple"))
        {
            errors.Add($"REVIEWBOT_LOG_FORMAT must be 'json' or 'simple' (got '{logFormat}')");
        }

        // The LLM settings of the environment (endpoint, deployment, key), for the repositories whose llm: section
        // selects a provider: a partial set is an error now, not on the first review of such a repository.
        // The App serves many repositories: a key must come with its endpoint, or a repository's llm.endpoint
        // would receive the App's key.
        foreach (var (key, endpoint) in (ReadOnlySpan<(string, string)>)[("AZURE_OPENAI_API_KEY", "AZURE_OPENAI_ENDPOINT"), ("OPENAI_API_KEY", "OPENAI_BASE_URL")])
        {
            if (Get(key) is not null && Get(endpoint) is null)
            {
                errors.Add($"{key} is set without {endpoint}: set the endpoint too, so that a repository's llm.endpoint cannot receive the App's key");
            }
        }

        foreach (var provider in (LlmProvider[])[LlmProvider.AzureOpenAI, LlmProvider.OpenAICompatible])
        {
            try
            {
                _ = LanguageModelFactory.ResolveSettings(new LlmConfig { Provider = provider }, env);
            }
            catch (InvalidInputException e)
            {
                errors.Add(e.Message);
            }
        }

        var settings = new AppSettings
        {
            WebhookSecret = secret ?? "",
            AppId = appId,
            PrivateKeyPem = pem ?? "",
            ApiUrl = apiUrl,
            WebhookPath = path,
            QueueCapacity = Int("REVIEWBOT_QUEUE_CAPACITY", 1_000, 1, 1_000_000),
            Workers = Int("REVIEWBOT_WORKERS", 4, 1, 64),
            DedupeCapacity = Int("REVIEWBOT_DEDUPE_CAPACITY", 10_000, 100, 10_000_000),
            MaxConcurrentBodyReads = Int("REVIEWBOT_MAX_BODY_READS", 8, 1, 256),
            ShutdownTimeout = TimeSpan.FromSeconds(Int("REVIEWBOT_SHUTDOWN_SECONDS", 30, 1, 3_600)),
            JsonLogs = logFormat == "json",
            PostgresConnectionString = Get("REVIEWBOT_POSTGRES"),
            Lease = TimeSpan.FromSeconds(Int("REVIEWBOT_LEASE_SECONDS", 30, 3, 3_600)),
            MaxAttempts = Int("REVIEWBOT_REVIEW_ATTEMPTS", 3, 1, 20),
            RetryBackoff = TimeSpan.FromSeconds(Int("REVIEWBOT_RETRY_SECONDS", 30, 1, 3_600)),
            ReplayWindow = TimeSpan.FromSeconds(Int("REVIEWBOT_REPLAY_WINDOW_SECONDS", 3_600, 0, 7 * 24 * 3_600)),
            PollInterval = TimeSpan.FromMilliseconds(Int("REVIEWBOT_POLL_MILLISECONDS", 500, 50, 60_000)),
            Environment = env,
        };

        if (errors.Count > 0)
        {
            throw new AppSettingsException(errors);
        }

        return settings;
    }

    private static string? ReadPrivateKey(string? pem, string? path, List<string> errors)
    {
        if (pem is null && path is not null)
        {
            try
            {
                pem = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add($"GITHUB_APP_PRIVATE_KEY_PATH: cannot read '{path}': {e.Message}");
                return null;
            }
        }

        if (pem is null)
        {
            errors.Add("GITHUB_APP_PRIVATE_KEY (PEM text) or GITHUB_APP_PRIVATE_KEY_PATH (a .pem file) is required: the App's private key signs its JWT");
            return null;
        }

        // Some secret stores flatten new lines into "\n".
        pem = pem.Replace("\\n", "\n", StringComparison.Ordinal);
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return pem;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            errors.Add($"{(path is null ? "GITHUB_APP_PRIVATE_KEY" : $"GITHUB_APP_PRIVATE_KEY_PATH ('{path}')")} is not an RSA private key in PEM form: {e.Message}");
            return null;
        }
    }
}
