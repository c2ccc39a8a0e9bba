using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;

namespace ReviewBot.Orchestration.FanIn;

/// <summary>
/// Streaming fan-in: takes each agent's result the moment it finishes and tells the observer, then merges
/// everything into findings and a verdict. Never throws: an observer that throws is ignored.
/// </summary>
internal sealed class FanInCollector
{
    private readonly IEngineObserver? _observer;
    private readonly AgentResult?[] _results;

    public FanInCollector(int agents, IEngineObserver? observer)
    {
        _observer = observer;
        _results = new AgentResult?[agents];
    }

    /// <summary>Records the result of agent <paramref name="index"/> (first result wins) and reports it.</summary>
    public bool Add(int index, AgentResult result)
    {
        if (Interlocked.CompareExchange(ref _results[index], result, null) is not null)
        {
            return false;
        }

        if (_observer is not null)
        {
            Observe.Safely(_observer, o => o.AgentFinished(result));
        }

        return true;
    }

    public AgentResult? this[int index] => Volatile.Read(ref _results[index]);

    /// <summary>All results in declaration order, the merged findings and the verdict.</summary>
    public (IReadOnlyList<AgentResult> Agents, IReadOnlyList<Finding> Findings, Verdict Verdict) Complete(ReviewConfig config, IReadOnlyList<SkippedFile> sourceSkipped)
    {
        var agents = _results.Select((r, i) => r ?? throw new InvalidOperationException($"Agent #{i} has no result.")).ToList();
        var findings = FindingMerger.Merge(agents);
        return (agents, findings, Verdict.Decide(agents, findings, config, sourceSkipped));
    }
}

/// <summary>Calls an observer without letting its failures reach the engine.</summary>
internal static class Observe
{
    public static void Safely(IEngineObserver? observer, Action<IEngineObserver> call)
    {
        if (observer is null)
        {
            return;
        }

        try
        {
            call(observer);
        }
        catch (Exception)
        {
            // Progress reporting must never change the outcome of a review.
        }
    }
}
