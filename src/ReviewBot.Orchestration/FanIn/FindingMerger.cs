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
        var stable = best.Values
            .OrderBy(c => c.Finding.File, StringComparer.Ordinal)
            .ThenBy(c => c.Finding.Line ?? 0)
            .ThenBy(c => c.Finding.Rule, StringComparer.Ordinal)
            .ThenBy(c => c.Agent)
            .ThenBy(c => c.Position)
            .ToList();
        var fingerprinted = Fingerprints.Assign(stable.Select(c => c.Finding));

        return stable
            .Select((c, i) => (Finding: fingerprinted[i], c.Lane))
            .OrderByDescending(c => c.Finding.Severity)
            .ThenBy(c => c.Lane)
            .ThenBy(c => c.Finding.File, StringComparer.Ordinal)
            .ThenBy(c => c.Finding.Line ?? 0)
            .ThenBy(c => c.Finding.Rule, StringComparer.Ordinal)
            .Select(c => c.Finding)
            .ToList();
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
