using System.Text.RegularExpressions;
using ReviewBot.Agents.Cost;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Tests.Rules;

/// <summary>
/// Messages read as a reviewer would write them: singular and plural agree with their counts, nothing says
/// "0 downstream models", a link is not repeated back to the author, and sentences are grammatical.
/// </summary>
public sealed partial class MessageWordingTests
{
    // "1 runs", "1 models", "1 tests were", "1 columns": a count of one with a plural noun.
    [GeneratedRegex(@"(?<![\d.,])1 (?:runs|models|downstream models|exposures|tests|columns|files|findings|levels|days|hours)\b|\b0 downstream")]
    private static partial Regex Disagreement();

    [Theory]
    [InlineData(1.0, "1 run/day")]
    [InlineData(24.0, "24 runs/day")]
    [InlineData(1.0 / 7, "1 run/week")]
    [InlineData(2.0 / 7, "2 runs/week")]
    [InlineData(1.0 / 30.44, "about 1 run/month")]
    public void Frequency_SingularAndPlural(double runsPerDay, string expected) =>
        Assert.Equal(expected, CostRules.Frequency(runsPerDay));

    [Theory]
    [InlineData(24, 24.0, Severity.High)] // daily -> hourly
    [InlineData(4.3, 1.0 / 7, Severity.Low)] // monthly -> weekly: 52 runs a year
    [InlineData(7, 1.0, Severity.Medium)] // weekly -> daily
    [InlineData(2, 2.0, Severity.Medium)] // daily -> twice a day
    [InlineData(4, 96.0, Severity.High)] // hourly -> every 15 minutes
    public void ScheduleGrade_ByRatioAndRunsPerDayAfter(double ratio, double runsAfter, Severity expected) =>
        Assert.Equal(expected, CostRules.Grade(ratio, runsAfter));

    [Fact]
    public async Task ScheduleTightened_MonthlyToWeekly_LowAndStatesBothFrequencies()
    {
        var before = Review.Fixture("shop");
        before["orchestration/airflow/dags/daily_refresh.py"] = before["orchestration/airflow/dags/daily_refresh.py"].Replace("schedule=\"@daily\"", "schedule=\"0 6 1 * *\"", StringComparison.Ordinal);
        var monthlyToWeekly = TestUtils.ChangeSets.FromFiles(before, before.ToDictionary(kv => kv.Key, kv => kv.Key == "orchestration/airflow/dags/daily_refresh.py"
            ? kv.Value.Replace("schedule=\"0 6 1 * *\"", "schedule=\"0 6 * * 1\"", StringComparison.Ordinal) : kv.Value, StringComparer.Ordinal));

        var finding = (await Review.RunAsync(monthlyToWeekly)).Single("schedule-tightened");

        Assert.Equal(Severity.Low, finding.Severity);
        Assert.Contains("about 1 run/month", finding.Message, StringComparison.Ordinal);
        Assert.Contains("(1 run/week)", finding.Message, StringComparison.Ordinal);
        Assert.Contains("about 52 runs a year", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownstreamImpact_ModelFeedingOnlyExposures_SaysNoDownstreamModel()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/dim_customers.sql", "with customers as (", "-- one row per customer\nwith customers as ("));

        var finding = result.Single("downstream-impact");
        Assert.Contains("feeds no downstream model; exposures: `revenue_dashboard`", finding.Message, StringComparison.Ordinal);
        Assert.Equal("`dim_customers` feeds 1 exposure", finding.Title);
    }

    [Fact]
    public async Task BrokenMarkdownLink_TargetSameAsLink_NotRepeated()
    {
        var result = await Review.RunAsync(Review.Edit("README.md", "# ", "See [the runbook](docs/runbook.md).\n\n# "));

        var message = result.Single("broken-markdown-link").Message;
        Assert.Single(Regex.Matches(message, Regex.Escape("docs/runbook.md")));
    }

    [Fact]
    public async Task AllRules_MessagesOfABroadChange_CountsAgreeWithTheirNouns()
    {
        var result = await Review.RunAsync(
            Review.Edit("models/staging/stg_orders.sql", "        status\n", "        lower(status) as status,\n        customer_email\n"),
            Review.Edit("models/staging/_staging__models.yml", "        tests:\n          - unique\n          - not_null\n", "        tests:\n          - not_null\n"),
            Review.Edit("orchestration/airflow/dags/daily_refresh.py", "schedule=\"@daily\"", "schedule=\"@hourly\""),
            ("models/marts/fct_refunds.sql", "select payment_id, amount from {{ ref('stg_payments') }} where amount < 0\n"),
            ("models/marts/fct_returns.sql", "select * from analytics.raw.returns\n"),
            Review.Edit("docs/architecture.md", "See the [README](../README.md)", "See the [README](../README.md) and [x](missing.md)"));

        Assert.True(result.Findings.Count >= 6, result.Describe());
        foreach (var finding in result.Findings)
        {
            Assert.False(Disagreement().IsMatch(finding.Title + " " + finding.Message), $"{finding.Rule}: {finding.Title} — {finding.Message}");
            Assert.DoesNotMatch(@"\bIn `[^`]+` and add\b", finding.Message);
        }
    }
}
