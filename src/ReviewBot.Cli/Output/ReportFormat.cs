using ReviewBot.Core.Reports;
using ReviewBot.Reporting;

namespace ReviewBot.Cli.Output;

/// <summary>The output formats of <c>reviewbot review --format</c>.</summary>
internal enum ReportFormat
{
    Markdown,
    Json,
    Sarif,
}

internal static class ReportFormats
{
    public static string Render(ReviewReport report, ReportFormat format) => format switch
    {
        ReportFormat.Json => ReportJson.Serialize(report),
        ReportFormat.Sarif => SarifWriter.Write(report),
        _ => report.Markdown,
    };
}
