using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;

namespace ReviewBot.Reporting.Formatting;

/// <summary>A report with the findings in reading order (most severe first, then by file and line) and the gate's split into blocking and advisory.</summary>
internal sealed partial class ReportView
{
    /// <summary>From this many near-identical findings on, the comment shows them as one entry with a count and their locations.</summary>
    public const int GroupThreshold = 3;

    private static readonly Severity[] SeveritiesDescending = [Severity.Critical, Severity.High, Severity.Medium, Severity.Low, Severity.Info];

    private readonly Dictionary<int, IReadOnlyList<int>> _groupsByLeader = [];
    private readonly HashSet<int> _members = [];

    /// <param name="report">The report.</param>
    /// <param name="groupSimilar">
    /// Whether near-identical findings (same rule, severity and gate effect, same title and message once code spans
    /// and numbers are set aside) become one entry: the PR comment does this so a big change stays readable; the
    /// check run and the JSON report list each finding.
    /// </param>
    public ReportView(ReviewReport report, bool groupSimilar = false)
    {
        Report = report;
        var ordered = report.Findings
            .Select((finding, index) => (finding, index))
            .OrderByDescending(x => x.finding.Severity)
            .ThenBy(x => x.finding.File, StringComparer.Ordinal)
            .ThenBy(x => x.finding.Line ?? 0)
            .ThenBy(x => x.index)
            .Select(x => x.finding)
            .ToList();
        Findings = groupSimilar ? GroupSimilar(ordered) : ordered;
        BlockingCount = Findings.Count(report.IsBlocking);
        Groups = SeveritiesDescending
            .Select(severity => new SeverityGroup(severity, Enumerable.Range(0, Findings.Count).Where(i => Findings[i].Severity == severity).ToList()))
            .Where(g => g.Indexes.Count > 0)
            .ToList();
        Blocking = SeveritiesDescending.ToDictionary(s => s, s => Findings.Any(f => f.Severity == s && report.IsBlocking(f)));
    }

    /// <summary>The indexes of the near-identical findings that <paramref name="index"/> leads (itself first), or null when it leads none.</summary>
    public IReadOnlyList<int>? GroupLedBy(int index) => _groupsByLeader.GetValueOrDefault(index);

    /// <summary>True when <paramref name="index"/> is shown inside the entry of the finding that leads its group.</summary>
    public bool IsGroupMember(int index) => _members.Contains(index);

    /// <summary>What near-identical findings share: the text with its code spans and numbers set aside.</summary>
    internal static string Shape(string text) => Digits().Replace(CodeSpan().Replace(text, "`·`"), "#");

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

    /// <summary>
    /// Reading order with each group of near-identical findings moved together at the place of its first member;
    /// findings in no group keep their places, so a report without repeats reads exactly as before.
    /// </summary>
    private List<Finding> GroupSimilar(List<Finding> ordered)
    {
        var keys = ordered.Select(f => (f.Severity, Report.IsBlocking(f), f.Rule, f.Source, Shape(f.Title), Shape(f.Message))).ToList();
        var sizes = keys.GroupBy(k => k).ToDictionary(g => g.Key, g => g.Count());
        var result = new List<Finding>(ordered.Count);
        var placed = new HashSet<(Severity, bool, string, FindingSource, string, string)>();
        for (var i = 0; i < ordered.Count; i++)
        {
            var key = keys[i];
            if (sizes[key] < GroupThreshold)
            {
                result.Add(ordered[i]);
                continue;
            }

            if (!placed.Add(key))
            {
                continue;
            }

            var leader = result.Count;
            for (var j = i; j < ordered.Count; j++)
            {
                if (keys[j] == key)
                {
                    result.Add(ordered[j]);
                }
            }

            _groupsByLeader[leader] = Enumerable.Range(leader, result.Count - leader).ToList();
            _members.UnionWith(Enumerable.Range(leader + 1, result.Count - leader - 1));
        }

        return result;
    }

    [System.Text.RegularExpressions.GeneratedRegex("`[^`]*`")]
    private static partial System.Text.RegularExpressions.Regex CodeSpan();

    [System.Text.RegularExpressions.GeneratedRegex(@"\d+(?:[.,]\d+)*")]
    private static partial System.Text.RegularExpressions.Regex Digits();

    /// <summary>"40 medium, 1,000 low" for the given findings, most severe first.</summary>
    public static string Breakdown(IEnumerable<Finding> findings) =>
        string.Join(", ", findings
            .GroupBy(f => f.Severity)
            .OrderByDescending(g => g.Key)
            .Select(g => $"{MarkdownText.Number(g.Count())} {g.Key.ToText()}"));
}

internal sealed record SeverityGroup(Severity Severity, IReadOnlyList<int> Indexes);
