using ReviewBot.Core.Agents;
using ReviewBot.GitHub.Publishing;
using ReviewBot.Orchestration;

namespace ReviewBot.App.Reviewing;

/// <summary>Shows the run's progress in the running check's summary (see <see cref="CheckRunProgress"/>).</summary>
internal sealed class CheckProgress(GitHubPublisher publisher, CancellationToken cancellationToken, Action<string>? onAlert = null) : IEngineObserver
{
    private readonly CheckRunProgress _progress = new(publisher, cancellationToken);

    public void AgentStarted(AgentDescriptor agent)
    {
    }

    public void AgentFinished(AgentResult result) => _progress.AgentFinished(result);

    public void Alert(AgentName agent, string message)
    {
        onAlert?.Invoke(message);
        _progress.Alert(agent, message);
    }

    /// <summary>Waits for the updates in flight; their failures do not matter (progress is a courtesy).</summary>
    public Task DrainAsync() => _progress.DrainAsync();
}
