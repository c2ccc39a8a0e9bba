using System.Text.RegularExpressions;
using ReviewBot.Reporting.Tests.Samples;

namespace ReviewBot.Reporting.Tests;

public sealed partial class CheckRunRendererTests
{
    [Fact]
    public void Summary_FailingRun_HasVerdictCountsAndAgents()
    {
        var summary = CheckRunRenderer.Summary(ReportSamples.Failing());

        Assert.StartsWith("### ❌ ReviewBot failed: 4 blocking findings (at or above high)\n", summary);
        Assert.Contains("Findings: 🔴 1 critical · 🟠 3 high · 🟡 4 medium · 🔵 3 low · ⚪ 1 info — listed in full below.", summary);
        Assert.Contains("| cost | normal | ⚠️ degraded |", summary);
        Assert.DoesNotContain(CommentRenderer.Marker, summary);
    }

    [Fact]
    public void Text_FailingRun_ListsEveryFindingWithItsMessage()
    {
        var report = ReportSamples.Failing();

        var text = CheckRunRenderer.Text(report);

        Assert.DoesNotContain("<details>", text);
        Assert.Equal(report.Findings.Count, ListedFinding().Count(text));
        Assert.Contains("**⚪ Info** (1)", text);
        Assert.Contains("Describe `dim_customers` in its YAML file.", text);
        Assert.Contains("#### Coverage", text);
    }

    [Fact]
    public void Text_VeryLargeRun_StaysUnderGitHubsLimitAndCountsWhatIsLeftOut()
    {
        var report = ReportSamples.Oversized(5_000);

        var text = CheckRunRenderer.Text(report);

        Assert.True(text.Length <= CheckRunRenderer.MaxLength, $"{text.Length} characters");
        var note = Regex.Match(text, @"\*\*([\d,]+) findings are not listed here\*\*");
        Assert.True(note.Success);
        var left = int.Parse(note.Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(5_000, ListedFinding().Count(text) + left);
        Assert.Contains("The JSON and SARIF reports list every finding in full.", text);
    }

    [Fact]
    public void Summary_And_Text_NeverExceedTheLimit()
    {
        foreach (var report in new[] { ReportSamples.Failing(), ReportSamples.Green(), ReportSamples.Incomplete(), ReportSamples.Oversized(3_000) })
        {
            Assert.True(CheckRunRenderer.Summary(report).Length <= CheckRunRenderer.MaxLength);
            Assert.True(CheckRunRenderer.Text(report).Length <= CheckRunRenderer.MaxLength);
        }
    }

    [Theory]
    [InlineData(300)]
    [InlineData(2_000)]
    [InlineData(10_000)]
    public void Text_SmallLimit_IsRespected(int maxLength)
    {
        var text = CheckRunRenderer.Text(ReportSamples.Oversized(), maxLength);

        Assert.True(text.Length <= maxLength, $"{text.Length} > {maxLength}");
    }

    [Fact]
    public void Text_GreenRunWithoutFindings_SaysNoFindings()
    {
        var text = CheckRunRenderer.Text(ReportSamples.Green() with { Findings = [] });

        Assert.StartsWith("No findings.\n", text);
    }

    [GeneratedRegex(@"^- \*\*.*?\*\* — ", RegexOptions.Multiline)]
    private static partial Regex ListedFinding();
}
