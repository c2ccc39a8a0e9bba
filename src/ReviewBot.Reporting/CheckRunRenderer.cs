using System.Text;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;
using ReviewBot.Reporting.Formatting;

namespace ReviewBot.Reporting;

/// <summary>
/// The check run's output. <see cref="Summary(ReviewReport)"/> is what GitHub shows first (verdict, agents, what was
/// shed); <see cref="Text(ReviewReport)"/> is the full list of findings, every severity with its message, then coverage,
/// timing and notes. Each stays within GitHub's 65,535-character limit; if the text ever has to leave
/// findings out it says exactly how many, and the JSON report has them.
/// </summary>
public static class CheckRunRenderer
{
    /// <summary>GitHub's limit for <c>output.summary</c> and <c>output.text</c>.</summary>
    public const int MaxLength = 65_535;

    /// <summary>Message text per finding in the check run text.</summary>
    internal const int MaxMessageChars = 4_000;

    private const int ListCap = 500;

    /// <summary>The check run's <c>output.summary</c>: verdict, counts by severity, agents, what was shed or degraded.</summary>
    public static string Summary(ReviewReport r) => Summary(r, MaxLength);

    /// <summary>The check run's <c>output.text</c>: every finding with its message, then coverage, timing and notes.</summary>
    public static string Text(ReviewReport r) => Text(r, MaxLength);

    internal static string Summary(ReviewReport report, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(report);
        var view = new ReportView(report);
        var text = new StringBuilder();
        text.Append(ReportSections.VerdictHeading(report)).Append(ReportSections.Summary(view)).Append(NotAnalysedSection.Render(report, 50));
        if (view.Findings.Count > 0)
        {
            text.Append("Findings: ")
                .Append(string.Join(" · ", ReportView.Severities
                    .Select(s => (s, n: view.Findings.Count(f => f.Severity == s)))
                    .Where(x => x.n > 0)
                    .Select(x => $"{ReportView.Emoji(x.s)} {MarkdownText.Number(x.n)} {x.s.ToText()}")))
                .Append(" — listed in full below.\n\n");
        }

        text.Append(ReportSections.AgentTable(report)).Append(ReportSections.ShedOrDegraded(report));
        return SizeFit.HardClip(text.ToString().TrimEnd() + "\n", maxLength, "*Summary clipped to GitHub's size limit; the JSON report has the full review.*");
    }

    internal static string Text(ReviewReport report, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(report);
        var view = new ReportView(report);
        var items = ReportSections.RenderItems(view, blobUrlPrefix: null, MaxMessageChars);
        var tail = ReportSections.Coverage(report, ListCap, "the JSON report") + ReportSections.Timing(report) + ReportSections.Notes(report, includeGraphs: false);
        var count = view.Findings.Count;

        string Compose(int shown, int detailed)
        {
            var text = new StringBuilder();
            text.Append(NotAnalysedSection.Render(report, ListCap));
            text.Append(count == 0 ? "No findings.\n\n" : ReportSections.Findings(view, items, shown, detailed, collapseAdvisory: false, "#### Findings", stopAfter: maxLength));
            text.Append(ReportSections.Omitted(view, shown, detailed, "The JSON and SARIF reports"));
            text.Append(tail);
            return text.ToString().TrimEnd() + "\n";
        }

        if (Compose(count, count) is var full && full.Length <= maxLength)
        {
            return full;
        }

        var detailed = SizeFit.LargestFitting(count, maxLength, d => Compose(count, d));
        if (detailed >= 0)
        {
            return Compose(count, detailed);
        }

        var shown = SizeFit.LargestFitting(count, maxLength, k => Compose(k, k));
        return shown >= 0
            ? Compose(shown, shown)
            : SizeFit.HardClip(Compose(0, 0), maxLength, "*Text clipped to GitHub's size limit; the JSON report has the full review.*");
    }
}
