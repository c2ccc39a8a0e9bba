using System.Text;
using ReviewBot.Core.Agents;
using ReviewBot.GitHub.Publishing;
using ReviewBot.Orchestration;

namespace ReviewBot.Cli.Action;

/// <summary>
/// Progress of the run: one log line per agent, alerts as workflow warnings, and the running check's
/// summary updated (throttled by the publisher). Updates are chained so they never overtake each other
/// and are drained before the check is completed.
/// </summary>
internal sealed class ActionObserver(TextWriter log, WorkflowCommands commands, GitHubPublisher? publisher, int agentCount, CancellationToken cancellationToken) : IEngineObserver
{
    private readonly Lock _gate = new();
    private readonly List<string> _finished = [];
    private Task _progress = Task.CompletedTask;

    public void AgentStarted(AgentDescriptor agent)
    {
    }

    public void AgentFinished(AgentResult result)
    {
        var reason = result.Reason is null ? "" : $" ({result.Reason})";
        var line = $"{result.Descriptor.Name}: {result.Status.ToString().ToLowerInvariant()}, {result.Findings.Count} finding(s) in {result.Duration.TotalSeconds:0.0}s{reason}";
        lock (_gate)
        {
            log.WriteLine($"reviewbot: {line}");
            _finished.Add(line);
            if (publisher is null)
            {
                return;
            }

            var summary = new StringBuilder($"{_finished.Count} of {agentCount} agents finished:\n\n");
            foreach (var done in _finished)
            {
                summary.Append("- ").Append(done).Append('\n');
            }

            var text = summary.ToString();
            _progress = _progress.ContinueWith(
                _ => publisher.ReportProgressAsync(text, cancellationToken),
                CancellationToken.None,
                TaskContinuationOptions.None,
                TaskScheduler.Default).Unwrap();
        }
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
        Task pending;
        lock (_gate)
        {
            pending = _progress;
        }

        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            log.WriteLine($"reviewbot: progress update failed: {e.Message}");
        }
    }
}
