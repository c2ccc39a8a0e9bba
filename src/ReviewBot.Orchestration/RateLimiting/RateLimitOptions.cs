using ReviewBot.Core;
using ReviewBot.Core.Configuration;

namespace ReviewBot.Orchestration.RateLimiting;

/// <summary>The shared LLM rate limiter of each deployment (config <c>llm</c> rate keys).</summary>
public sealed class RateLimitOptions
{
    /// <summary>Requests per minute per deployment (<c>requests_per_minute</c>). Default 60.</summary>
    public int RequestsPerMinute { get; set; } = 60;

    /// <summary>Prompt + maximum output tokens per minute per deployment (<c>tokens_per_minute</c>). Default 90,000.</summary>
    public int TokensPerMinute { get; set; } = 90_000;

    /// <summary>
    /// How much of the per-minute rate may be spent in one burst: the buckets hold this window's worth.
    /// Default 10 seconds, the window Azure OpenAI enforces its per-minute quotas over.
    /// </summary>
    public TimeSpan BurstWindow { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Share of each bucket that only the critical lane may take, so that lower lanes saturating the
    /// limiter never make a critical call wait for a refill. Default 0.2.
    /// </summary>
    public double CriticalReserve { get; set; } = 0.2;

    /// <summary>
    /// How many times one call is sent again after a 429 that said when to retry (the whole deployment
    /// pauses until then). Default 2.
    /// </summary>
    public int MaxRateLimitRetries { get; set; } = 2;

    internal static RateLimitOptions From(LlmConfig config) => new()
    {
        RequestsPerMinute = config.RequestsPerMinute,
        TokensPerMinute = config.TokensPerMinute,
    };

    internal void Validate()
    {
        if (RequestsPerMinute < 1)
        {
            throw new InvalidInputException($"llm.requests_per_minute must be at least 1 (got {RequestsPerMinute}).");
        }

        if (TokensPerMinute < 1)
        {
            throw new InvalidInputException($"llm.tokens_per_minute must be at least 1 (got {TokensPerMinute}).");
        }

        if (BurstWindow <= TimeSpan.Zero || BurstWindow > TimeSpan.FromMinutes(1))
        {
            throw new InvalidInputException($"The rate limiter's burst window must be between 0 and 1 minute (got {BurstWindow}).");
        }

        if (CriticalReserve is < 0 or >= 1 || double.IsNaN(CriticalReserve))
        {
            throw new InvalidInputException($"The rate limiter's critical reserve must be at least 0 and below 1 (got {CriticalReserve}).");
        }

        if (MaxRateLimitRetries < 0)
        {
            throw new InvalidInputException($"MaxRateLimitRetries must not be negative (got {MaxRateLimitRetries}).");
        }
    }
}
