using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;
using ReviewBot.Reporting.Formatting;

namespace ReviewBot.Reporting;

/// <summary>
/// Writes a report as SARIF 2.1.0 for code scanning upload: one run whose driver is ReviewBot, one rule
/// per rule id, one result per finding with its location and its fingerprint (so an alert stays the same
/// alert when lines move), and an invocation that is unsuccessful when the run was incomplete.
/// </summary>
public static class SarifWriter
{
    public const string SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

    public const string Version = "2.1.0";

    /// <summary>The key under <c>partialFingerprints</c> that carries <see cref="Finding.Fingerprint"/>.</summary>
    public const string FingerprintKey = "reviewbotFingerprint/v1";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Indented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>
    /// GitHub code scanning rejects a run with more results than this, so the most severe findings are
    /// written and the run says how many were left out (the JSON report has every one).
    /// </summary>
    public const int MaxResults = 25_000;

    /// <summary>The report as an indented SARIF 2.1.0 log with one run.</summary>
    public static string Write(ReviewReport report) => Write(report, MaxResults);

    internal static string Write(ReviewReport report, int maxResults)
    {
        ArgumentNullException.ThrowIfNull(report);

        var all = new ReportView(report).Findings;
        var findings = all.Take(maxResults).ToList();
        var leftOut = all.Count - findings.Count;
        var rules = findings
            .GroupBy(f => f.Rule, StringComparer.Ordinal)
            .Select(g => (id: g.Key, first: g.First(), severity: g.Max(f => f.Severity)))
            .OrderBy(r => r.id, StringComparer.Ordinal)
            .ToList();
        var ruleIndex = rules.Select((r, i) => (r.id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);

        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("$schema", SchemaUri);
            json.WriteString("version", Version);
            json.WriteStartArray("runs");
            json.WriteStartObject();

            json.WriteStartObject("tool");
            json.WriteStartObject("driver");
            json.WriteString("name", "ReviewBot");
            json.WriteStartArray("rules");
            foreach (var rule in rules)
            {
                WriteRule(json, rule.id, rule.first, rule.severity);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();

            WriteInvocation(json, report, leftOut);

            json.WriteStartArray("results");
            foreach (var finding in findings)
            {
                WriteResult(json, finding, ruleIndex[finding.Rule], report.IsBlocking(finding));
            }

            json.WriteEndArray();

            json.WriteStartObject("properties");
            json.WriteString("conclusion", report.Conclusion == Conclusion.Success ? "success" : "failure");
            json.WriteBoolean("incomplete", report.Incomplete);
            json.WriteString("title", report.Title);
            json.WriteString("failOn", report.FailOn.ToText());
            json.WriteNumber("findings", all.Count);
            json.WriteNumber("findingsLeftOut", leftOut);
            json.WriteEndObject();

            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>SARIF's three levels: blocking-class severities are errors, medium a warning, low and info notes.</summary>
    public static string Level(Severity severity) => severity switch
    {
        >= Severity.High => "error",
        Severity.Medium => "warning",
        _ => "note",
    };

    private static void WriteRule(Utf8JsonWriter json, string id, Finding example, Severity severity)
    {
        json.WriteStartObject();
        json.WriteString("id", id);
        json.WriteString("name", PascalCase(id));
        json.WriteStartObject("shortDescription");
        json.WriteString("text", $"{example.Agent.Value}: {id.Replace('-', ' ')}");
        json.WriteEndObject();
        json.WriteStartObject("defaultConfiguration");
        json.WriteString("level", Level(severity));
        json.WriteEndObject();
        json.WriteStartObject("properties");
        json.WriteString("agent", example.Agent.Value);
        json.WriteStartArray("tags");
        json.WriteStringValue("reviewbot");
        json.WriteStringValue(example.Agent.Value);
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteResult(Utf8JsonWriter json, Finding finding, int ruleIndex, bool blocking)
    {
        json.WriteStartObject();
        json.WriteString("ruleId", finding.Rule);
        json.WriteNumber("ruleIndex", ruleIndex);
        json.WriteString("level", Level(finding.Severity));
        json.WriteStartObject("message");
        json.WriteString("text", MessageText(finding));
        json.WriteEndObject();

        json.WriteStartArray("locations");
        json.WriteStartObject();
        json.WriteStartObject("physicalLocation");
        json.WriteStartObject("artifactLocation");
        json.WriteString("uri", MarkdownText.EscapePath(finding.File));
        json.WriteString("uriBaseId", "%SRCROOT%");
        json.WriteEndObject();
        // Code scanning needs a start line on every result; a finding about the whole file points at line 1.
        var line = finding.Line is { } l && l > 0 ? l : 1;
        json.WriteStartObject("region");
        json.WriteNumber("startLine", line);
        json.WriteNumber("endLine", finding.EndLine is { } end && end >= line ? end : line);
        json.WriteEndObject();

        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndArray();

        if (finding.Fingerprint.Length > 0)
        {
            json.WriteStartObject("partialFingerprints");
            json.WriteString(FingerprintKey, finding.Fingerprint);
            json.WriteEndObject();
        }

        json.WriteStartObject("properties");
        json.WriteString("agent", finding.Agent.Value);
        json.WriteString("source", finding.Source == FindingSource.Llm ? "llm" : "rule");
        json.WriteString("severity", finding.Severity.ToText());
        json.WriteString("title", finding.Title);
        json.WriteBoolean("blocking", blocking);
        json.WriteBoolean("wholeFile", finding.Line is null or <= 0);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteInvocation(Utf8JsonWriter json, ReviewReport report, int leftOut)
    {
        json.WriteStartArray("invocations");
        json.WriteStartObject();
        json.WriteBoolean("executionSuccessful", !report.Incomplete);
        var notable = report.Agents.Where(a => a.Status != "completed").ToList();
        if (notable.Count > 0 || leftOut > 0)
        {
            json.WriteStartArray("toolExecutionNotifications");
            if (leftOut > 0)
            {
                json.WriteStartObject();
                json.WriteString("level", "warning");
                json.WriteStartObject("message");
                json.WriteString("text", $"{leftOut} lower-severity findings are not in this file: code scanning accepts at most {MaxResults} results per run. The JSON report has every finding.");
                json.WriteEndObject();
                json.WriteEndObject();
            }

            foreach (var agent in notable)
            {
                var failedRequired = ReportSections.IsRequired(agent.Policy) && agent.Status is not "degraded";
                json.WriteStartObject();
                json.WriteString("level", failedRequired ? "error" : agent.Status == "skipped" ? "note" : "warning");
                json.WriteStartObject("message");
                json.WriteString("text", $"{agent.Name} {agent.Status.Replace('_', ' ')}{(string.IsNullOrWhiteSpace(agent.Reason) ? "" : ": " + agent.Reason)}");
                json.WriteEndObject();
                json.WriteStartObject("properties");
                json.WriteString("agent", agent.Name);
                json.WriteString("status", agent.Status);
                json.WriteString("policy", agent.Policy);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static string MessageText(Finding finding)
    {
        var title = finding.Title.Trim();
        var message = finding.Message.Trim();
        if (message.Length == 0)
        {
            return title.Length == 0 ? finding.Rule : title;
        }

        if (title.Length == 0 || message.StartsWith(title, StringComparison.OrdinalIgnoreCase))
        {
            return message;
        }

        return $"{title}{(title.EndsWith('.') ? "" : ".")} {message}";
    }

    private static string PascalCase(string id) =>
        string.Concat(id.Split(['-', '_', '.', '/'], StringSplitOptions.RemoveEmptyEntries)
            .Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}
