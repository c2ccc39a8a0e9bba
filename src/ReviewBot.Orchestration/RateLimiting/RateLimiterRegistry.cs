using System.Collections.Concurrent;

namespace ReviewBot.Orchestration.RateLimiting;

/// <summary>One <see cref="DeploymentRateLimiter"/> per LLM deployment, shared by every agent and every run of an engine.</summary>
internal sealed class RateLimiterRegistry
{
    private readonly ConcurrentDictionary<string, DeploymentRateLimiter> _limiters = new(StringComparer.Ordinal);
    private readonly RateLimitOptions _options;
    private readonly TimeProvider _time;

    public RateLimiterRegistry(RateLimitOptions options, TimeProvider time)
    {
        _options = options;
        _time = time;
    }

    public DeploymentRateLimiter For(string deployment) =>
        _limiters.GetOrAdd(deployment ?? "", static (name, self) => new DeploymentRateLimiter(name, self._options, self._time), this);
}
