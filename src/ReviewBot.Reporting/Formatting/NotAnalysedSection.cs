using System.Text;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Reports;

namespace ReviewBot.Reporting.Formatting;

/// <summary>
/// The compact "Not analysed" list, placed right under the verdict in the comment and the check run: a file that
/// was not looked at is never buried under the findings. What counts against the review (a required agent had to
/// see it) comes first, then the rest (binary data, files one best-effort agent could not follow), then files
/// analysed only in part. Files outside the configured paths stay in the coverage section.
/// </summary>
internal static class NotAnalysedSection
{
    public static string Render(ReviewReport report, int listCap)
    {
        var coverage = report.Coverage;
        var blocking = coverage.Unanalysed;
        var listed = new HashSet<string>(blocking.Select(u => u.File), StringComparer.Ordinal);
        var others = new List<(string File, string Reason)>();
        foreach (var file in coverage.Files)
        {
            if (file.Status == CoverageStatus.NotAnalysed && file.Kind is not (SkipKind.Excluded or SkipKind.NoContentChange) && listed.Add(file.File))
            {
                others.Add((file.File, file.Reason ?? "not analysed"));
            }
        }

        var partial = coverage.Files.Where(f => f.Status == CoverageStatus.Partial).ToList();
        if (blocking.Count == 0 && others.Count == 0 && partial.Count == 0)
        {
            return "";
        }

        var text = new StringBuilder("#### Not analysed\n\n");
        if (blocking.Count > 0)
        {
            var files = blocking.Select(b => b.File).Distinct(StringComparer.Ordinal).Count();
            text.Append(report.Incomplete
                ? $"**{MarkdownText.Count(files, "changed file")} that a required agent must see could not be analysed**, so this change is not fully reviewed:\n\n"
                : $"**{MarkdownText.Count(files, "changed file")} that a required agent must see could not be analysed**; this repository sets `on_unanalysed: warn`, so they do not fail the check:\n\n");
            Append(text, blocking.Select(b => (b.File, $"{b.Agent}: {b.Reason}")).ToList(), listCap);
        }

        if (others.Count > 0)
        {
            text.Append(blocking.Count > 0 ? "Also not analysed (not counted against the review):\n\n" : "Not analysed (not counted against the review):\n\n");
            Append(text, others, listCap);
        }

        if (partial.Count > 0)
        {
            text.Append("Analysed in part:\n\n");
            Append(text, partial.Select(p => (p.File, (p.Reason ?? "partly analysed") + (p.Unresolved.Count > 0 ? $" (unresolved: {string.Join(", ", p.Unresolved.Take(5))}{(p.Unresolved.Count > 5 ? ", ..." : "")})" : ""))).ToList(), listCap);
        }

        return text.ToString();
    }

    private static void Append(StringBuilder text, List<(string File, string Reason)> items, int listCap)
    {
        foreach (var (file, reason) in items.Take(listCap))
        {
            text.Append("- ").Append(MarkdownText.Code(file)).Append(" — ").Append(MarkdownText.Text(reason, 200)).Append('\n');
        }

        if (items.Count > listCap)
        {
            text.Append("- … and ").Append(MarkdownText.Number(items.Count - listCap)).Append(" more (the JSON report lists every file)\n");
        }

        text.Append('\n');
    }
}
