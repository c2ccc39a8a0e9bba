using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;

namespace ReviewBot.Reporting.Formatting;

/// <summary>A report with the findings in reading order (most severe first, then by file and line) and the gate's split into blocking and advisory.</summary>
internal sealed class ReportView
{
    private static readonly Severity[] SeveritiesDescending = [Severity.Critical, Severity.High, Severity.Medium, Severity.Low, Severity.Info];

    public ReportView(ReviewReport report)
    {
        Report = report;
        Findings = report.Findings
            .Select((finding, index) => (finding, index))
            .OrderByDescending(x => x.finding.Severity)
            .ThenBy(x => x.finding.File, StringComparer.Ordinal)
            .ThenBy(x => x.finding.Line ?? 0)
            .ThenBy(x => x.index)
            .Select(x => x.finding)
            .ToList();
        BlockingCount = Findings.Count(report.IsBlocking);
    }

    public static IReadOnlyList<Severity> Severities => SeveritiesDescending;

    public ReviewReport Report { get; }

    public IReadOnlyList<Finding> Findings { get; }

    public int BlockingCount { get; }

    public int AdvisoryCount => Findings.Count - BlockingCount;

    /// <summary>Severities shown open in the comment: the blocking ones, and high and critical always.</summary>
    public bool IsProminent(Severity severity) => severity >= Severity.High || severity >= Report.FailOn;

    public static string Emoji(Severity severity) => severity switch
    {
        Severity.Critical => "🔴",
        Severity.High => "🟠",
        Severity.Medium => "🟡",
        Severity.Low => "🔵",
        _ => "⚪",
    };

    public static string Name(Severity severity) => severity switch
    {
        Severity.Critical => "Critical",
        Severity.High => "High",
        Severity.Medium => "Medium",
        Severity.Low => "Low",
        _ => "Info",
    };

    /// <summary>"40 medium, 1,000 low" for the given findings, most severe first.</summary>
    public static string Breakdown(IEnumerable<Finding> findings) =>
        string.Join(", ", findings
            .GroupBy(f => f.Severity)
            .OrderByDescending(g => g.Key)
            .Select(g => $"{MarkdownText.Number(g.Count())} {g.Key.ToText()}"));
}
