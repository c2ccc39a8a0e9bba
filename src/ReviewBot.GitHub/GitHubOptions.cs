namespace ReviewBot.GitHub;

/// <summary>How to reach the GitHub API. Validated by <see cref="GitHubClientFactory.Create"/>.</summary>
public sealed class GitHubOptions
{
    /// <summary>The public API of github.com.</summary>
    public static readonly Uri PublicApiUrl = new("https://api.github.com/");

    /// <summary>
    /// The REST API root, used exactly as given (<c>GITHUB_API_URL</c>): <c>https://api.github.com</c>,
    /// <c>https://ghes.example.com/api/v3</c>, or a test server. Nothing is appended. Default: github.com.
    /// </summary>
    public Uri ApiUrl { get; init; } = PublicApiUrl;

    /// <summary>The token (<c>GITHUB_TOKEN</c>, a PAT or an App installation token); null for anonymous calls.</summary>
    public string? Token { get; init; }

    /// <summary>Clock for retry delays and throttling. Default <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Retries of one idempotent read (GET) on 5xx, 429 and rate limits. Default 4.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>The longest single wait GitHub may ask for (<c>Retry-After</c>); a longer one fails at once. Default 60 s.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The total waiting one request may spend on retries. Default 3 minutes.</summary>
    public TimeSpan MaxTotalRetryDelay { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Timeout of one HTTP request (archives included). Default 100 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Largest repository archive accepted (tarball/zipball). Default 200 MiB.</summary>
    public long MaxArchiveBytes { get; init; } = 200L * 1024 * 1024;

    /// <summary>
    /// The request budget shared by every client of the same token (the App keeps one per installation), so
    /// that concurrent reviews together stay within GitHub's primary and secondary limits. Default: none.
    /// </summary>
    public Http.GitHubRequestBudget? RequestBudget { get; init; }

    /// <summary>Receives one line per retry or notable event (the host prints it). Default: nothing.</summary>
    public Action<string>? Log { get; init; }

    /// <summary>
    /// Called once per request that ends in an error answer (400 or above, after any retries) or without an
    /// answer, with one line: method, path, status or reason. The host names it when the run fails. Default: none.
    /// </summary>
    public Action<string>? FailedRequest { get; init; }
}
