using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;

namespace ReviewBot.Core.Reports;

/// <summary>
/// Per changed file and per agent: analysed, partial or not analysed (DESIGN.md §7 "Coverage is part of the
/// verdict"). Built from what the change source left out (<see cref="ChangeSet.Skipped"/>) and what each agent
/// reported (<see cref="AgentOutput.NotAnalysed"/>, <see cref="AgentOutput.Partial"/>).
/// </summary>
public static class CoverageLedger
{
    /// <summary>
    /// The files each required agent had to see and could not analyse. A required agent must see every changed
    /// text file its <c>paths</c> match, prose excepted (documentation is the docs agent's); what the agent itself
    /// reports as not analysed always counts. Binary files, excluded paths and LLM-only gaps never count.
    /// </summary>
    public static IReadOnlyList<UnanalysedFile> RequiredButUnanalysed(IReadOnlyList<AgentResult> agents, IReadOnlyList<SkippedFile> sourceSkipped, ReviewConfig config)
    {
        var result = new List<UnanalysedFile>();
        foreach (var agent in agents.Where(a => a.Descriptor.Policy.Kind == PolicyKind.Required && a.Succeeded))
        {
            var name = agent.Descriptor.Name;
            var settings = config.AgentSettings(name);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var skip in sourceSkipped.Where(s => s.Kind == SkipKind.NotAnalysed))
            {
                if (settings.Paths.Matches(skip.File) && (name == AgentName.Docs || !FileKinds.IsProse(skip.File)) && seen.Add(skip.File))
                {
                    result.Add(new UnanalysedFile(name.Value, skip.File, skip.Reason));
                }
            }

            foreach (var skip in agent.Output?.NotAnalysed ?? [])
            {
                if (skip.Kind == SkipKind.NotAnalysed && seen.Add(skip.File))
                {
                    result.Add(new UnanalysedFile(name.Value, skip.File, skip.Reason));
                }
            }
        }

        return result;
    }

    /// <summary>The <c>coverage.files</c> list: every changed file, in the order of the change, reviewed files first.</summary>
    public static IReadOnlyList<FileCoverage> Files(IReadOnlyList<AgentResult> agents, IReadOnlyList<FileChange> reviewed, IReadOnlyList<SkippedFile> sourceSkipped)
    {
        var perFile = new Dictionary<string, List<AgentFileCoverage>>(StringComparer.Ordinal);
        foreach (var agent in agents)
        {
            var output = agent.Output;
            if (output is null)
            {
                continue;
            }

            foreach (var skip in output.NotAnalysed)
            {
                var status = skip.Kind == SkipKind.NotSeenByLlm ? CoverageStatus.Partial : CoverageStatus.NotAnalysed;
                Add(perFile, skip.File, new AgentFileCoverage(agent.Descriptor.Name.Value, status, skip.Reason, []));
            }

            foreach (var partial in output.Partial)
            {
                Add(perFile, partial.File, new AgentFileCoverage(agent.Descriptor.Name.Value, CoverageStatus.Partial, partial.Reason, partial.Unresolved));
            }
        }

        var files = new List<FileCoverage>(reviewed.Count + sourceSkipped.Count);
        foreach (var file in reviewed)
        {
            if (!perFile.TryGetValue(file.Path, out var entries))
            {
                files.Add(new FileCoverage { File = file.Path, Status = CoverageStatus.Analysed });
                continue;
            }

            // One line per agent: its worst status, its reasons and unresolved names merged.
            var byAgent = entries
                .GroupBy(e => e.Agent, StringComparer.Ordinal)
                .Select(g => new AgentFileCoverage(
                    g.Key,
                    g.Max(e => e.Status),
                    string.Join("; ", g.Select(e => e.Reason).OfType<string>().Distinct(StringComparer.Ordinal)),
                    g.SelectMany(e => e.Unresolved).Distinct(StringComparer.Ordinal).ToList()))
                .ToList();
            var worst = byAgent.Max(e => e.Status);
            files.Add(new FileCoverage
            {
                File = file.Path,
                Status = worst,
                Reason = byAgent.First(e => e.Status == worst) is var first ? $"{first.Agent}: {first.Reason}" : null,
                Unresolved = byAgent.SelectMany(e => e.Unresolved).Distinct(StringComparer.Ordinal).ToList(),
                Agents = byAgent,
            });
        }

        foreach (var skip in sourceSkipped)
        {
            files.Add(new FileCoverage { File = skip.File, Status = CoverageStatus.NotAnalysed, Reason = skip.Reason, Kind = skip.Kind });
        }

        return files;
    }

    private static void Add(Dictionary<string, List<AgentFileCoverage>> perFile, string file, AgentFileCoverage entry)
    {
        if (!perFile.TryGetValue(file, out var list))
        {
            perFile[file] = list = [];
        }

        list.Add(entry);
    }
}
