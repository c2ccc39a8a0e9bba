namespace ReviewBot.Core.Agents;

/// <summary>
/// A reviewer. Agents look at the change and return findings; they do not retry, time out or
/// rate-limit themselves: the orchestrator does that around them. An exception means "failed".
/// </summary>
public interface IReviewAgent
{
    AgentDescriptor Descriptor { get; }

    Task<AgentOutput> RunAsync(AgentContext context, CancellationToken cancellationToken);
}
