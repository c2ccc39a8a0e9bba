using System.Text.Json;
using ReviewBot.Core.Findings;
using ReviewBot.Reporting.Tests.Samples;

namespace ReviewBot.Reporting.Tests;

/// <summary>Checks the SARIF 2.1.0 structure: the properties the OASIS schema requires and the ones code scanning reads.</summary>
public sealed class SarifWriterTests
{
    private static readonly string[] Levels = ["none", "note", "warning", "error"];

    [Fact]
    public void Write_Report_HasSchemaVersionAndOneRunByReviewBot()
    {
        using var sarif = JsonDocument.Parse(SarifWriter.Write(ReportSamples.Failing()));
        var root = sarif.RootElement;

        Assert.Equal("https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json", root.GetProperty("$schema").GetString());
        Assert.Equal("2.1.0", root.GetProperty("version").GetString());
        var run = Assert.Single(root.GetProperty("runs").EnumerateArray());
        Assert.Equal("ReviewBot", run.GetProperty("tool").GetProperty("driver").GetProperty("name").GetString());
    }

    [Fact]
    public void Write_Report_EveryRuleHasAnIdAndShortDescription()
    {
        using var sarif = JsonDocument.Parse(SarifWriter.Write(ReportSamples.Failing()));
        var rules = Run(sarif).GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().ToList();

        Assert.Equal(ReportSamples.Failing().Findings.Select(f => f.Rule).Distinct().Count(), rules.Count);
        Assert.All(rules, rule =>
        {
            Assert.False(string.IsNullOrWhiteSpace(rule.GetProperty("id").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(rule.GetProperty("shortDescription").GetProperty("text").GetString()));
            Assert.Contains(rule.GetProperty("defaultConfiguration").GetProperty("level").GetString(), Levels);
        });
        Assert.Equal(rules.Count, rules.Select(r => r.GetProperty("id").GetString()).Distinct().Count());
    }

    [Fact]
    public void Write_Report_EveryFindingIsAResultThatPointsAtItsRuleAndLine()
    {
        var report = ReportSamples.Failing();
        using var sarif = JsonDocument.Parse(SarifWriter.Write(report));
        var run = Run(sarif);
        var rules = run.GetProperty("tool").GetProperty("driver").GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("id").GetString()).ToList();
        var results = run.GetProperty("results").EnumerateArray().ToList();

        Assert.Equal(report.Findings.Count, results.Count);
        foreach (var result in results)
        {
            var ruleId = result.GetProperty("ruleId").GetString();
            Assert.Equal(ruleId, rules[result.GetProperty("ruleIndex").GetInt32()]);
            Assert.Contains(result.GetProperty("level").GetString(), Levels);
            Assert.False(string.IsNullOrWhiteSpace(result.GetProperty("message").GetProperty("text").GetString()));
            var fingerprint = result.GetProperty("partialFingerprints").GetProperty(SarifWriter.FingerprintKey).GetString();
            var finding = Assert.Single(report.Findings, f => f.Fingerprint == fingerprint);
            Assert.Equal(finding.Rule, ruleId);
            Assert.Equal(finding.Agent.Value, result.GetProperty("properties").GetProperty("agent").GetString());
            Assert.Equal(finding.Source == FindingSource.Llm ? "llm" : "rule", result.GetProperty("properties").GetProperty("source").GetString());

            var location = Assert.Single(result.GetProperty("locations").EnumerateArray()).GetProperty("physicalLocation");
            var uri = location.GetProperty("artifactLocation").GetProperty("uri").GetString()!;
            Assert.True(Uri.IsWellFormedUriString(uri, UriKind.Relative), uri);
            Assert.Equal(finding.File, Uri.UnescapeDataString(uri));
            var region = location.GetProperty("region");
            var line = finding.Line ?? 1;
            Assert.Equal(line, region.GetProperty("startLine").GetInt32());
            Assert.Equal(finding.EndLine ?? line, region.GetProperty("endLine").GetInt32());
            Assert.Equal(finding.Line is null, result.GetProperty("properties").GetProperty("wholeFile").GetBoolean());
        }
    }

    [Theory]
    [InlineData(Severity.Critical, "error")]
    [InlineData(Severity.High, "error")]
    [InlineData(Severity.Medium, "warning")]
    [InlineData(Severity.Low, "note")]
    [InlineData(Severity.Info, "note")]
    public void Level_Severity_MapsToSarifLevel(Severity severity, string level) =>
        Assert.Equal(level, SarifWriter.Level(severity));

    [Fact]
    public void Write_IncompleteRun_InvocationIsUnsuccessfulAndSaysWhy()
    {
        using var sarif = JsonDocument.Parse(SarifWriter.Write(ReportSamples.Incomplete()));
        var invocation = Assert.Single(Run(sarif).GetProperty("invocations").EnumerateArray());

        Assert.False(invocation.GetProperty("executionSuccessful").GetBoolean());
        var notifications = invocation.GetProperty("toolExecutionNotifications").EnumerateArray().ToList();
        var governance = Assert.Single(notifications, n => n.GetProperty("level").GetString() == "error");
        Assert.Equal("governance timed out: 30 s budget", governance.GetProperty("message").GetProperty("text").GetString());
    }

    [Fact]
    public void Write_GreenRun_InvocationIsSuccessful()
    {
        using var sarif = JsonDocument.Parse(SarifWriter.Write(ReportSamples.Green()));

        Assert.True(Assert.Single(Run(sarif).GetProperty("invocations").EnumerateArray()).GetProperty("executionSuccessful").GetBoolean());
    }

    [Fact]
    public void Write_PathWithSpaces_IsAnEscapedRelativeUri()
    {
        var report = ReportSamples.Green() with
        {
            Findings = [ReportSamples.Finding("quality", "select-star", Severity.Low, "models/my model#1.sql", 2, "t", "m")],
        };

        using var sarif = JsonDocument.Parse(SarifWriter.Write(report));

        var uri = Run(sarif).GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("artifactLocation").GetProperty("uri").GetString();
        Assert.Equal("models/my%20model%231.sql", uri);
    }

    [Fact]
    public void Write_NoFindings_HasEmptyResultsAndRules()
    {
        using var sarif = JsonDocument.Parse(SarifWriter.Write(ReportSamples.Green() with { Findings = [] }));

        Assert.Equal(0, Run(sarif).GetProperty("results").GetArrayLength());
        Assert.Equal(0, Run(sarif).GetProperty("tool").GetProperty("driver").GetProperty("rules").GetArrayLength());
    }

    [Fact]
    public void Write_MoreFindingsThanCodeScanningAccepts_KeepsTheMostSevereAndSaysHowManyAreLeftOut()
    {
        var report = ReportSamples.Oversized(300);

        using var sarif = JsonDocument.Parse(SarifWriter.Write(report, maxResults: 100));

        var run = Run(sarif);
        var results = run.GetProperty("results").EnumerateArray().ToList();
        Assert.Equal(100, results.Count);
        Assert.Equal("error", results[0].GetProperty("level").GetString());
        Assert.Equal(200, run.GetProperty("properties").GetProperty("findingsLeftOut").GetInt32());
        var notice = run.GetProperty("invocations")[0].GetProperty("toolExecutionNotifications")[0].GetProperty("message").GetProperty("text").GetString();
        Assert.StartsWith("200 lower-severity findings are not in this file", notice);
        var lowestWritten = results.Min(r => Enum.Parse<Severity>(r.GetProperty("properties").GetProperty("severity").GetString()!, ignoreCase: true));
        Assert.All(report.Findings.OrderByDescending(f => f.Severity).Skip(100), f => Assert.True(f.Severity <= lowestWritten));
    }

    [Fact]
    public void Write_EndLineBeforeStartLine_IsClampedToTheStartLine()
    {
        var report = ReportSamples.Green() with
        {
            Findings = [ReportSamples.Finding("quality", "select-star", Severity.Low, "a.sql", 9, "t", "m", endLine: 3)],
        };

        using var sarif = JsonDocument.Parse(SarifWriter.Write(report));

        var region = Run(sarif).GetProperty("results")[0].GetProperty("locations")[0].GetProperty("physicalLocation").GetProperty("region");
        Assert.Equal(9, region.GetProperty("endLine").GetInt32());
    }

    private static JsonElement Run(JsonDocument sarif) => sarif.RootElement.GetProperty("runs")[0];
}
