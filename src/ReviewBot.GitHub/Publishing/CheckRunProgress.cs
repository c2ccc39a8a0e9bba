using System.Text;
using ReviewBot.Core.Agents;

namespace ReviewBot.GitHub.Publishing;

/// <summary>
/// The running check's progress summary, shared by the Action and the App: one line per finished agent
/// (and per alert), sent through the publisher, which throttles the updates. Updates are chained so they
/// never overtake each other, and <see cref="DrainAsync"/> waits for them before the check is completed.
/// </summary>
public sealed class CheckRunProgress(GitHubPublisher publisher, CancellationToken cancellationToken)
{
    private readonly Lock _gate = new();
    private readonly List<string> _lines = [];
    private int _finished;
    private Task _updates = Task.CompletedTask;

    /// <summary>How a finished agent is shown in logs and in the progress summary.</summary>
    public static string Describe(AgentResult result)
    {
        var reason = result.Reason is null ? "" : $" ({result.Reason})";
        return $"{result.Descriptor.Name}: {result.Status.ToString().ToLowerInvariant()}, {result.Findings.Count} finding(s) in {result.Duration.TotalSeconds:0.0}s{reason}";
    }

    public void AgentFinished(AgentResult result) => Add(Describe(result), finished: true);

    public void Alert(AgentName agent, string message) => Add($"{agent}: {message}", finished: false);

    /// <summary>Waits for the updates in flight. Progress is a courtesy: a failed update is returned, not thrown.</summary>
    public async Task<Exception?> DrainAsync()
    {
        Task pending;
        lock (_gate)
        {
            pending = _updates;
        }

        try
        {
            await pending.ConfigureAwait(false);
            return null;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return e;
        }
    }

    private void Add(string line, bool finished)
    {
        lock (_gate)
        {
            _lines.Add(line);
            _finished += finished ? 1 : 0;
            var summary = new StringBuilder($"{_finished} agent(s) finished:\n\n");
            foreach (var done in _lines)
            {
                summary.Append("- ").Append(done).Append('\n');
            }

            var text = summary.ToString();
            _updates = _updates.ContinueWith(_ => publisher.ReportProgressAsync(text, cancellationToken), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }
}
