using System.Text;
using ReviewBot.Core.Agents;
using ReviewBot.GitHub.Publishing;
using ReviewBot.Orchestration;

namespace ReviewBot.App.Reviewing;

/// <summary>
/// Shows the run's progress in the running check's summary (the publisher throttles the updates).
/// Updates are chained so they never overtake each other, and drained before the check is completed.
/// </summary>
internal sealed class CheckProgress(GitHubPublisher publisher, CancellationToken cancellationToken) : IEngineObserver
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private Task _updates = Task.CompletedTask;

    public void AgentStarted(AgentDescriptor agent)
    {
    }

    public void AgentFinished(AgentResult result)
    {
        var reason = result.Reason is null ? "" : $" ({result.Reason})";
        Add($"{result.Descriptor.Name}: {result.Status.ToString().ToLowerInvariant()}, {result.Findings.Count} finding(s) in {result.Duration.TotalSeconds:0.0}s{reason}");
    }

    public void Alert(AgentName agent, string message) => Add($"{agent}: {message}");

    /// <summary>Waits for the updates in flight; their failures do not matter (progress is a courtesy).</summary>
    public async Task DrainAsync()
    {
        Task pending;
        lock (_gate)
        {
            pending = _updates;
        }

        try
        {
            await pending.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
        }
    }

    private void Add(string line)
    {
        lock (_gate)
        {
            _lines.Add(line);
            var summary = new StringBuilder("Progress:\n\n");
            foreach (var done in _lines)
            {
                summary.Append("- ").Append(done).Append('\n');
            }

            var text = summary.ToString();
            _updates = _updates.ContinueWith(_ => publisher.ReportProgressAsync(text, cancellationToken), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }
}
