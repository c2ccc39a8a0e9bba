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
        Groups = SeveritiesDescending
            .Select(severity => new SeverityGroup(severity, Enumerable.Range(0, Findings.Count).Where(i => Findings[i].Severity == severity).ToList()))
            .Where(g => g.Indexes.Count > 0)
            .ToList();
        Blocking = SeveritiesDescending.ToDictionary(s => s, s => Findings.Any(f => f.Severity == s && report.IsBlocking(f)));
    }

    /// <summary>Indexes into <see cref="Findings"/> per severity present, most severe first.</summary>
    public IReadOnlyList<SeverityGroup> Groups { get; }

    /// <summary>Whether a severity holds at least one blocking finding.</summary>
    public IReadOnlyDictionary<Severity, bool> Blocking { get; }

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

internal sealed record SeverityGroup(Severity Severity, IReadOnlyList<int> Indexes);
