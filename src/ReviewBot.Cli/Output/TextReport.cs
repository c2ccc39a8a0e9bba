using System.Text;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;

namespace ReviewBot.Cli.Output;

/// <summary>
/// The report as a person at a terminal reads it: the verdict, each blocking finding at its file:line, the
/// advisory findings counted by severity, the agents that did not complete, and the coverage. The PR comment's
/// Markdown (hidden marker, tables, Mermaid) stays for <c>--format markdown</c> and redirected output.
/// </summary>
internal static class TextReport
{
    /// <summary>Renders <paramref name="report"/>; <paramref name="notes"/> are said under the verdict (an empty range, uncommitted changes).</summary>
    public static string Render(ReviewReport report, IReadOnlyList<string> notes)
    {
        var text = new StringBuilder();
        var verdict = report.Conclusion == Conclusion.Success ? "passed" : report.Incomplete ? "NOT REVIEWED" : "FAILED";
        var empty = report.Coverage.FilesChanged == 0;
        text.Append("ReviewBot: ").Append(verdict).Append(" — ").AppendLine(empty ? "nothing to review: the change has no changed files" : report.Title);
        foreach (var note in notes)
        {
            text.Append("  note: ").AppendLine(note);
        }

        var blocking = report.Findings.Where(report.IsBlocking).OrderByDescending(f => f.Severity).ThenBy(f => f.File, StringComparer.Ordinal).ThenBy(f => f.Line).ToList();
        if (blocking.Count > 0)
        {
            text.AppendLine().AppendLine($"Blocking ({blocking.Count}, at or above {report.FailOn.ToText()}):");
            foreach (var finding in blocking)
            {
                var where = finding.Line is { } line ? $"{finding.File}:{line}" : finding.File;
                text.Append("  ").Append(finding.Severity.ToText().PadRight(8)).Append(' ').Append(where)
                    .Append("  ").Append(finding.Title).Append(" [").Append(finding.Agent).Append('/').Append(finding.Rule).AppendLine("]");
                text.Append("           ").AppendLine(OneLine(finding.Message));
            }
        }

        var advisory = report.Findings.Where(f => !report.IsBlocking(f)).ToList();
        text.AppendLine();
        text.AppendLine(advisory.Count == 0
            ? "Advisory: none"
            : $"Advisory: {advisory.Count} ({string.Join(", ", advisory.GroupBy(f => f.Severity).OrderByDescending(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToText()}"))}); --format markdown or json lists them");

        var troubled = report.Agents.Where(a => a.Status is not ("completed" or "skipped")).ToList();
        if (troubled.Count > 0)
        {
            text.AppendLine("Agents: " + string.Join("; ", troubled.Select(a => a.Reason is null ? $"{a.Name} {a.Status}" : $"{a.Name} {a.Status} ({OneLine(a.Reason)})")));
        }

        var coverage = report.Coverage;
        text.Append("Coverage: ").Append(coverage.FilesReviewed).Append(" of ").Append(coverage.FilesChanged).Append(coverage.FilesChanged == 1 ? " changed file" : " changed files").Append(" reviewed");
        if (coverage.Skipped.Count > 0)
        {
            text.Append("; skipped: ").Append(string.Join(", ", coverage.Skipped.Take(5).Select(s => $"{s.File} ({s.Reason})")));
            if (coverage.Skipped.Count > 5)
            {
                text.Append($" and {coverage.Skipped.Count - 5} more");
            }
        }

        if (coverage.NotAnalysed.Count > 0)
        {
            text.Append("; not analysed: ").Append(string.Join(", ", coverage.NotAnalysed.Take(5).Select(s => $"{s.File} by {s.Agent} ({s.Reason})")));
            if (coverage.NotAnalysed.Count > 5)
            {
                text.Append($" and {coverage.NotAnalysed.Count - 5} more");
            }
        }

        return text.AppendLine().ToString();
    }

    private static string OneLine(string text)
    {
        var flat = string.Join(' ', text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return flat.Length <= 200 ? flat : flat[..197] + "...";
    }
}
