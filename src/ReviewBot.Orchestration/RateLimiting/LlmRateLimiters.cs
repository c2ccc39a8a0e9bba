using ReviewBot.Core.Limits;

namespace ReviewBot.Orchestration.RateLimiting;

/// <summary>
/// The LLM rate limiters of a whole process: one per deployment, shared by every engine built with
/// <see cref="ReviewEngineBuilder.WithRateLimiters"/>, so that concurrent reviews (the App runs several at
/// once) share each deployment's request and token buckets and its lane order. Without it every engine has
/// its own limiters, and two reviews at once would each believe they own the deployment's whole quota.
/// Thread-safe.
/// </summary>
public sealed class LlmRateLimiters
{
    /// <summary>
    /// Limiters on <paramref name="time"/>. <paramref name="options"/> fixes the limits of every deployment (an
    /// operator setting); when null (the default) a deployment keeps the limits of the first run that used it.
    /// With <paramref name="shared"/> (the App on PostgreSQL) each deployment's buckets are also shared with every
    /// other process on the same store.
    /// </summary>
    public LlmRateLimiters(TimeProvider time, RateLimitOptions? options = null, ISharedRateBuckets? shared = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        options?.Validate();
        Registry = new RateLimiterRegistry(options, time, shared);
    }

    internal RateLimiterRegistry Registry { get; }

    /// <summary>Calls waiting for <paramref name="deployment"/>'s limiter (0 when it was never used).</summary>
    public int Waiting(string deployment) => Registry.For(deployment).Waiting;
}
