using ReviewBot.Core.Reports;
using ReviewBot.Reporting;

namespace ReviewBot.Cli.Output;

/// <summary>The output formats of <c>reviewbot review --format</c>.</summary>
internal enum ReportFormat
{
    /// <summary>Readable text for a terminal (<see cref="TextReport"/>).</summary>
    Text,
    Markdown,
    Json,
    Sarif,
}

internal static class ReportFormats
{
    /// <summary>
    /// The format when <c>--format</c> is not given: text on a terminal, the PR comment's Markdown when standard
    /// output is redirected (a pipe or a file, as scripts have always read it) or the report goes to <c>--output</c>.
    /// </summary>
    public static ReportFormat Resolve(string? requested, bool toFile, bool outputRedirected) =>
        requested is not null ? Enum.Parse<ReportFormat>(requested, ignoreCase: true)
        : toFile || outputRedirected ? ReportFormat.Markdown
        : ReportFormat.Text;

    public static string Render(ReviewReport report, ReportFormat format, IReadOnlyList<string> notes) => format switch
    {
        ReportFormat.Text => TextReport.Render(report, notes),
        ReportFormat.Json => ReportJson.Serialize(report),
        ReportFormat.Sarif => SarifWriter.Write(report),
        _ => report.Markdown,
    };
}
