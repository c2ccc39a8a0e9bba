namespace ReviewBot.Core.Agents;

/// <summary>
/// What the orchestrator needs to know about an agent before it starts anything: its lane, failure
/// policy and timeout budget, and the resources it reads and writes (see <see cref="Resources"/>).
/// </summary>
public sealed record AgentDescriptor(AgentName Name, Lane Lane, FailurePolicy Policy, TimeSpan Timeout)
{
    public IReadOnlyList<string> Reads { get; init; } = [];

    public IReadOnlyList<string> Writes { get; init; } = [];
}
