namespace ReviewBot.Orchestration.RateLimiting;

/// <summary>Registration of <see cref="RateLimitOptions"/> on the engine builder.</summary>
public static class RateLimitExtensions
{
    /// <summary>Overrides the rate limits taken from the config's <c>llm</c> section.</summary>
    public static ReviewEngineBuilder ConfigureRateLimits(this ReviewEngineBuilder builder, Action<RateLimitOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        return builder.Configure(options => configure(options.RateLimits));
    }
}
