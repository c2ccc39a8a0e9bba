using ReviewBot.Core.Agents;
using ReviewBot.Core.Findings;

namespace ReviewBot.Orchestration.FanIn;

/// <summary>
/// Merges the findings of all agents: one finding per file, line and rule (the most severe, then the
/// highest lane, then a rule over an LLM guess), stable fingerprints (<see cref="Fingerprints.Assign"/>),
/// ranked by severity, then lane, then file and line. The result does not depend on the order in which
/// agents finished.
/// </summary>
internal static class FindingMerger
{
    public static IReadOnlyList<Finding> Merge(IReadOnlyList<AgentResult> results)
    {
        var candidates = new List<(Finding Finding, Lane Lane, int Agent, int Position)>();
        for (var agent = 0; agent < results.Count; agent++)
        {
            var result = results[agent];
            for (var position = 0; position < result.Findings.Count; position++)
            {
                candidates.Add((result.Findings[position], result.Descriptor.Lane, agent, position));
            }
        }

        var best = new Dictionary<(string File, int? Line, string Rule), (Finding Finding, Lane Lane, int Agent, int Position)>();
        foreach (var candidate in candidates)
        {
            var key = (candidate.Finding.File, candidate.Finding.Line, candidate.Finding.Rule);
            if (!best.TryGetValue(key, out var kept) || IsBetter(candidate, kept))
            {
                best[key] = candidate;
            }
        }

        // Fingerprints number identical anchors in one file by position, so assign them in a stable order.
        var stable = new List<(Finding Finding, Lane Lane, int Agent, int Position)>(best.Values);
        stable.Sort(static (x, y) =>
        {
            var c = string.CompareOrdinal(x.Finding.File, y.Finding.File);
            if (c == 0) c = (x.Finding.Line ?? 0).CompareTo(y.Finding.Line ?? 0);
            if (c == 0) c = string.CompareOrdinal(x.Finding.Rule, y.Finding.Rule);
            if (c == 0) c = x.Agent.CompareTo(y.Agent);
            return c != 0 ? c : x.Position.CompareTo(y.Position);
        });
        var fingerprinted = Fingerprints.Assign(stable.Select(c => c.Finding));

        var ranked = new List<(Finding Finding, Lane Lane, int Stable)>(stable.Count);
        for (var i = 0; i < stable.Count; i++)
        {
            ranked.Add((fingerprinted[i], stable[i].Lane, i));
        }

        // Severity first, then lane; the stable order (file, line, rule) breaks ties.
        ranked.Sort(static (x, y) =>
        {
            var c = y.Finding.Severity.CompareTo(x.Finding.Severity);
            if (c == 0) c = x.Lane.CompareTo(y.Lane);
            return c != 0 ? c : x.Stable.CompareTo(y.Stable);
        });
        return ranked.ConvertAll(r => r.Finding);
    }

    private static bool IsBetter((Finding Finding, Lane Lane, int Agent, int Position) candidate, (Finding Finding, Lane Lane, int Agent, int Position) kept)
    {
        if (candidate.Finding.Severity != kept.Finding.Severity)
        {
            return candidate.Finding.Severity > kept.Finding.Severity;
        }

        if (candidate.Lane != kept.Lane)
        {
            return candidate.Lane < kept.Lane;
        }

        if (candidate.Finding.Source != kept.Finding.Source)
        {
            return candidate.Finding.Source == FindingSource.Rule;
        }

        return (candidate.Agent, candidate.Position).CompareTo((kept.Agent, kept.Position)) < 0;
    }
}
