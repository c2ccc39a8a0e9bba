using ReviewBot.Core.Agents;

namespace ReviewBot.Orchestration;

/// <summary>
/// Progress of a run, as it happens (the check-run publisher shows it). Calls may come from several
/// threads at once; an observer that throws is ignored.
/// </summary>
public interface IEngineObserver
{
    /// <summary>An agent got its slot and started its first attempt.</summary>
    void AgentStarted(AgentDescriptor agent);

    /// <summary>An agent finished (completed, degraded, failed, timed out, skipped): streamed fan-in.</summary>
    void AgentFinished(AgentResult result);

    /// <summary>Something a maintainer should see now, e.g. an agent used 80% of its timeout budget.</summary>
    void Alert(AgentName agent, string message);
}
