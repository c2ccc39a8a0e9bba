using ReviewBot.Core.Agents;
using ReviewBot.Orchestration;

namespace ReviewBot.Cli.Output;

/// <summary>Progress on standard error, so standard output stays the report.</summary>
internal sealed class ConsoleObserver(TextWriter writer) : IEngineObserver
{
    private readonly Lock _gate = new();

    public void AgentStarted(AgentDescriptor agent)
    {
    }

    public void AgentFinished(AgentResult result)
    {
        var reason = result.Reason is null ? "" : $" ({result.Reason})";
        Write($"reviewbot: {result.Descriptor.Name}: {result.Status.ToString().ToLowerInvariant()}, {result.Findings.Count} finding(s) in {result.Duration.TotalMilliseconds:F0} ms{reason}");
    }

    public void Alert(AgentName agent, string message) => Write($"reviewbot: warning: {agent}: {message}");

    private void Write(string line)
    {
        lock (_gate)
        {
            writer.WriteLine(line);
        }
    }
}
