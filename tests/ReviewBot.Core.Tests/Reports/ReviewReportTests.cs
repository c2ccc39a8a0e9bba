using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;

namespace ReviewBot.Core.Tests.Reports;

public sealed class ReviewReportTests
{
    [Theory]
    [InlineData(Severity.High, FindingSource.Rule, Severity.High, false, true)]
    [InlineData(Severity.Medium, FindingSource.Rule, Severity.High, false, false)]
    [InlineData(Severity.Critical, FindingSource.Llm, Severity.High, false, false)]
    [InlineData(Severity.Critical, FindingSource.Llm, Severity.High, true, true)]
    [InlineData(Severity.Low, FindingSource.Rule, Severity.Low, false, true)]
    public void IsBlocking_AgreesWithTheGate(Severity severity, FindingSource source, Severity failOn, bool llmCanBlock, bool expected)
    {
        var finding = new Finding { Agent = AgentName.Quality, Rule = "r", Severity = severity, File = "a.sql", Title = "t", Message = "m", Source = source };
        var config = new ReviewConfig { FailOn = failOn, Llm = new LlmConfig { CanBlock = llmCanBlock } };
        var report = Report() with { FailOn = failOn, LlmCanBlock = llmCanBlock };

        Assert.Equal(expected, report.IsBlocking(finding));
        Assert.Equal(Verdict.IsBlocking(finding, config), report.IsBlocking(finding));
    }

    [Fact]
    public void Json_RoundTrip_KeepsTheGateThreshold()
    {
        var report = Report() with { FailOn = Severity.Medium, LlmCanBlock = true };

        var json = ReportJson.Serialize(report);
        var back = ReportJson.Deserialize(json);

        Assert.Contains("\"failOn\": \"medium\"", json);
        Assert.Equal((Severity.Medium, true), (back.FailOn, back.LlmCanBlock));
    }

    [Fact]
    public void Json_WithoutGateFields_DefaultsToHigh()
    {
        var full = ReportJson.Serialize(Report() with { FailOn = Severity.Low });
        var json = full.Replace("\"failOn\": \"low\",", "", StringComparison.Ordinal);

        Assert.NotEqual(full, json);
        Assert.Equal(Severity.High, ReportJson.Deserialize(json).FailOn);
    }

    private static ReviewReport Report() => new()
    {
        Conclusion = Conclusion.Success,
        Incomplete = false,
        Title = "No findings",
        Agents = [],
        Findings = [],
        Coverage = new CoverageReport(),
        Budget = new BudgetReport(),
    };
}
