using System.Collections.Concurrent;
using ReviewBot.Core.Limits;

namespace ReviewBot.Orchestration.RateLimiting;

/// <summary>One <see cref="DeploymentRateLimiter"/> per LLM deployment, shared by every agent and every run of an engine.</summary>
internal sealed class RateLimiterRegistry
{
    private readonly ConcurrentDictionary<string, DeploymentRateLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly RateLimitOptions? _options;
    private readonly TimeProvider _time;
    private readonly ISharedRateBuckets? _shared;

    /// <param name="options">The limits of every deployment; null: each deployment takes the limits of the first run that uses it.</param>
    /// <param name="time">The clock of the buckets.</param>
    /// <param name="shared">Buckets shared with other processes (the App's replicas), or null.</param>
    public RateLimiterRegistry(RateLimitOptions? options, TimeProvider time, ISharedRateBuckets? shared = null)
    {
        _options = options;
        _time = time;
        _shared = shared;
    }

    public DeploymentRateLimiter For(string deployment, RateLimitOptions? requested = null) =>
        _limiters.GetOrAdd(
            deployment ?? "",
            static (name, state) => new DeploymentRateLimiter(name, state.Self._options ?? state.Requested ?? new RateLimitOptions(), state.Self._time, state.Self._shared),
            (Self: this, Requested: requested));
}
