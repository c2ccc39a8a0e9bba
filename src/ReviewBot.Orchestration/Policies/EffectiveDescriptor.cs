using ReviewBot.Core;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;

namespace ReviewBot.Orchestration.Policies;

/// <summary>
/// An agent's descriptor as the run applies it: the agent's own (built-in defaults, DESIGN.md §2)
/// overridden by its <c>agents.NAME</c> section of the config: lane, policy, retry, timeout, reads, writes.
/// </summary>
public static class EffectiveDescriptor
{
    /// <summary>The longest timeout budget the config may set.</summary>
    public static TimeSpan MaxTimeout { get; } = TimeSpan.FromHours(6);

    public static AgentDescriptor Resolve(AgentDescriptor declared, AgentConfig? settings)
    {
        ArgumentNullException.ThrowIfNull(declared);
        if (settings is null)
        {
            return declared;
        }

        var name = declared.Name.Value;
        if (settings.Retry is < 0 or > 10)
        {
            throw new InvalidInputException($"agents.{name}.retry must be between 0 and 10 (got {settings.Retry}).");
        }

        if (settings.Timeout is { } timeout && (timeout <= TimeSpan.Zero || timeout > MaxTimeout))
        {
            throw new InvalidInputException($"agents.{name}.timeout must be positive and at most {MaxTimeout.TotalHours:0}h (got {timeout}).");
        }

        var policy = new FailurePolicy(settings.Policy ?? declared.Policy.Kind, settings.Retry ?? declared.Policy.Retries);
        return declared with
        {
            Lane = settings.Lane ?? declared.Lane,
            Policy = policy == declared.Policy ? declared.Policy : policy,
            Timeout = settings.Timeout ?? declared.Timeout,
            Reads = settings.Reads ?? declared.Reads,
            Writes = settings.Writes ?? declared.Writes,
        };
    }
}
