using ReviewBot.Core.Agents;
using ReviewBot.GitHub.Publishing;
using ReviewBot.Orchestration;

namespace ReviewBot.Cli.Action;

/// <summary>
/// Progress of the run: one log line per agent, alerts as workflow warnings, and the running check's
/// summary updated when there is a check (see <see cref="CheckRunProgress"/>).
/// </summary>
internal sealed class ActionObserver(TextWriter log, WorkflowCommands commands, GitHubPublisher? publisher, CancellationToken cancellationToken) : IEngineObserver
{
    private readonly Lock _gate = new();
    private readonly CheckRunProgress? _progress = publisher is null ? null : new CheckRunProgress(publisher, cancellationToken);

    public void AgentStarted(AgentDescriptor agent)
    {
    }

    public void AgentFinished(AgentResult result)
    {
        lock (_gate)
        {
            log.WriteLine($"reviewbot: {CheckRunProgress.Describe(result)}");
        }

        _progress?.AgentFinished(result);
    }

    public void Alert(AgentName agent, string message)
    {
        lock (_gate)
        {
            commands.Annotation("warning", $"{agent}: {message}", title: "ReviewBot alert");
        }
    }

    /// <summary>Waits for pending progress updates (their failures do not matter).</summary>
    public async Task DrainAsync()
    {
        if (_progress is not null && await _progress.DrainAsync().ConfigureAwait(false) is { } failure)
        {
            lock (_gate)
            {
                log.WriteLine($"reviewbot: progress update failed: {failure.Message}");
            }
        }
    }
}
