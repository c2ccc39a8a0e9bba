using System.Globalization;
using System.Text;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Reports;
using ReviewBot.Reporting.Formatting;

namespace ReviewBot.Reporting;

/// <summary>
/// Renders the one consolidated PR comment: verdict, per-agent table, findings by severity with file:line
/// links, coverage, what was shed or degraded, timeouts and retries, agent notes (and a lineage graph).
/// The comment is kept under <c>maxLength</c> by design: when it would be longer, the agent notes and then
/// the lowest-severity findings give way first, and the comment says exactly how many findings it leaves
/// to the check run and the JSON/SARIF report.
/// </summary>
public static class CommentRenderer
{
    /// <summary>The hidden marker by which the publisher finds this comment again to edit it in place.</summary>
    public const string Marker = "<!-- reviewbot:comment -->";

    /// <summary>The smallest <c>maxLength</c> accepted: room for the marker, the verdict and a clipping note.</summary>
    public const int MinimumLength = 1_000;

    /// <summary>Message text per finding in the comment; the check run and JSON report carry it in full.</summary>
    internal const int MaxMessageChars = 1_200;

    private const int ListCap = 20;

    /// <summary>
    /// Renders <paramref name="report"/> as the PR comment; <see cref="ReviewReport.Markdown"/> is ignored.
    /// <paramref name="change"/> supplies <see cref="ChangeSet.BlobUrlPrefix"/> for file:line links (plain
    /// <c>path:line</c> without it). The result is at most <paramref name="maxLength"/> characters
    /// (default 65,000, under GitHub's 65,536).
    /// </summary>
    public static string Render(ReviewReport report, ChangeSet? change = null, int maxLength = 65_000)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, MinimumLength);

        var view = new ReportView(report, groupSimilar: true);
        var items = ReportSections.RenderItems(view, change?.BlobUrlPrefix, MaxMessageChars);
        var where = ReportSections.ReportsElsewhere;

        var head = Marker + "\n" + ReportSections.VerdictHeading(report) + ReportSections.Summary(view) + NotAnalysedSection.Render(report, ListCap) + ReportSections.AgentTable(report);
        var shedOrDegraded = ReportSections.ShedOrDegraded(report);
        var timing = ReportSections.Timing(report);
        var footer = ReportSections.Footer(report, where);

        // Richest frame first; each later one gives up something (agent notes and graphs, then the lists of
        // skipped files) so that more findings fit. Within a frame, detail goes first and findings last,
        // lowest severity first.
        var frames = new List<Func<int, int, string>>
        {
            (shown, detailed) => Compose(shown, detailed, ReportSections.Coverage(report, ListCap, where), timing + ReportSections.Notes(report, includeGraphs: true)),
        };
        var notes = ReportSections.NoteCount(report);
        var graphs = ReportSections.GraphCount(report);
        var notesMoved = notes == 0 ? "" : $"{MarkdownText.Count(notes, "agent note")}{(graphs > 0 ? $" (including {MarkdownText.Count(graphs, "graph")})" : "")}";
        if (notes > 0)
        {
            var moved = $"> {notesMoved} left out to make room for findings; the JSON report has them.\n\n";
            frames.Add((shown, detailed) => Compose(shown, detailed, ReportSections.Coverage(report, ListCap, where), timing + moved));
        }

        var leftOut = new[] { notesMoved, timing.Length > 0 ? "the timeouts and retries" : "" }.Where(t => t.Length > 0).ToList();
        var leanNote = leftOut.Count == 0 ? "" : $"> {Capitalize(string.Join(" and ", leftOut))} left out to make room for findings; the JSON report has them.\n\n";
        frames.Add((shown, detailed) => Compose(shown, detailed, ReportSections.Coverage(report, 0, where), leanNote));

        var count = view.Findings.Count;
        (int Shown, int Detailed, Func<int, int, string>? Frame) best = (-1, -1, null);
        foreach (var frame in frames)
        {
            if (frame(count, count) is var full && full.Length <= maxLength)
            {
                return full;
            }

            var detailed = SizeFit.LargestFitting(count, maxLength, d => frame(count, d));
            var candidate = detailed >= 0
                ? (count, detailed, frame)
                : (SizeFit.LargestFitting(count, maxLength, k => frame(k, k)) is var k ? (k, k, frame) : default);
            if (candidate.Item1 > best.Shown)
            {
                best = candidate;
            }
        }

        if (best.Frame is { } chosen && best.Shown >= 0)
        {
            return chosen(best.Shown, best.Detailed);
        }

        var note = $"*This comment was clipped to {MarkdownText.Number(maxLength)} characters; {where} have the full review.*";
        return SizeFit.HardClip(frames[^1](0, 0), maxLength, note);

        string Compose(int shown, int detailed, string coverage, string extras)
        {
            var text = new StringBuilder(head);
            text.Append(ReportSections.Findings(view, items, shown, detailed, collapseAdvisory: true, "#### Findings", stopAfter: maxLength));
            text.Append(ReportSections.Omitted(view, shown, detailed, Capitalize(where)));
            text.Append(coverage).Append(shedOrDegraded).Append(extras).Append(footer);
            return text.ToString();
        }
    }

    private static string Capitalize(string text) =>
        text.Length == 0 ? text : char.ToUpper(text[0], CultureInfo.InvariantCulture) + text[1..];
}
