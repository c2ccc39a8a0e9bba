using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;
using ReviewBot.Reporting.Tests.Samples;

namespace ReviewBot.Reporting.Tests;

/// <summary>Near-identical findings are one entry in the comment, so a big change stays readable; the check run lists each.</summary>
public sealed class CommentGroupingTests
{
    [Fact]
    public void Render_TwentyFiveSamePiiFindingsOnOneModel_OneEntryWithTheCountAndEveryLocation()
    {
        // The shape of a real PR: one wide model adding 25 personal columns, one finding per column.
        var findings = Enumerable.Range(1, 25)
            .Select(i => ReportSamples.Finding("governance", "pii-column-untagged", Severity.High, "models/marts/people.sql", 10 + i,
                $"Personal data column `contact_{i}_email` is not tagged", $"Column `contact_{i}_email` looks like an email address (name token `email`). Tag it in the model's YAML."))
            .Append(ReportSamples.Finding("quality", "select-star", Severity.High, "models/marts/orders.sql", 4, "Star select reaches the final projection", "List the columns."))
            .ToList();
        var report = ReportSamples.Failing() with { Findings = findings };

        var comment = CommentRenderer.Render(report);

        Assert.Contains("- **Personal data column `contact_1_email` is not tagged** and 24 more like it (25 findings in 1 file) · governance `pii-column-untagged`", comment);
        Assert.Contains("<details><summary>All 25 locations</summary>", comment);
        Assert.Contains("`models/marts/people.sql:35` — Personal data column `contact_25_email` is not tagged", comment);
        Assert.Single(comment.Split('\n'), l => l.Contains("looks like an email address", StringComparison.Ordinal));
        // A finding of another shape keeps its own entry, and the counts still count findings.
        Assert.Contains("- **Star select reaches the final projection** — `models/marts/orders.sql:4`", comment);
        Assert.Contains("(26)", comment);
    }

    [Fact]
    public void Render_TwoSimilarFindings_StayTwoEntries()
    {
        var findings = Enumerable.Range(1, 2)
            .Select(i => ReportSamples.Finding("quality", "select-star", Severity.Medium, $"models/m{i}.sql", 3, "Star select reaches the final projection", "List the columns."))
            .ToList();
        var report = ReportSamples.Green() with { Findings = findings };

        var comment = CommentRenderer.Render(report);

        Assert.DoesNotContain("more like it", comment);
        Assert.Contains("`models/m1.sql:3`", comment);
        Assert.Contains("`models/m2.sql:3`", comment);
    }

    [Fact]
    public void Render_SameRuleDifferentSeverityOrMessageShape_NotMerged()
    {
        var findings = new[]
        {
            ReportSamples.Finding("cost", "cross-join", Severity.High, "models/a.sql", 1, "Cross join without a small side", "Rows multiply."),
            ReportSamples.Finding("cost", "cross-join", Severity.High, "models/b.sql", 1, "Cross join without a small side", "Rows multiply."),
            ReportSamples.Finding("cost", "cross-join", Severity.Medium, "models/c.sql", 1, "Cross join without a small side", "Rows multiply."),
            ReportSamples.Finding("cost", "cross-join", Severity.High, "models/d.sql", 1, "Cross join without a small side", "A different explanation entirely."),
        };
        var report = ReportSamples.Failing() with { Findings = findings };

        Assert.DoesNotContain("more like it", CommentRenderer.Render(report));
    }

    [Fact]
    public void Render_150FileChangeWithOneRepeatedRule_BlockingItemsFitOnOneScreen()
    {
        // 150 changed models, each with the same untagged-PII finding, plus two distinct blocking findings and a
        // long tail of advisory ones: the blocking part of the comment is a handful of lines, not 152 items.
        var findings = Enumerable.Range(1, 150)
            .Select(i => ReportSamples.Finding("governance", "pii-column-untagged", Severity.High, $"models/customers/c{i:000}.sql", 7, $"Personal data column `email_{i}` is not tagged", $"Column `email_{i}` looks like an email address."))
            .Append(ReportSamples.Finding("governance", "secret-in-code", Severity.Critical, "models/load.sql", 2, "Snowflake password in code", "Revoke and rotate it."))
            .Append(ReportSamples.Finding("lineage", "removed-column-referenced", Severity.High, "models/orders.sql", 9, "Removed column `order_date` is still read downstream", "`orders_daily` reads it."))
            .Concat(Enumerable.Range(1, 150).Select(i => ReportSamples.Finding("docs", "model-undocumented", Severity.Low, $"models/customers/c{i:000}.sql", 1, $"Model `c{i:000}` has no description", "Add one.")))
            .ToList();
        var report = ReportSamples.Failing() with { Findings = findings };

        var comment = CommentRenderer.Render(report);

        var findingsSection = comment[comment.IndexOf("#### Findings", StringComparison.Ordinal)..];
        var blocking = findingsSection[..findingsSection.IndexOf("<details>\n<summary>", StringComparison.Ordinal)];
        var topLevelItems = blocking.Split('\n').Count(l => l.StartsWith("- **", StringComparison.Ordinal));
        Assert.Equal(3, topLevelItems);
        Assert.Contains("and 149 more like it (150 findings in 150 files)", blocking);
        Assert.Contains("…and 120 more, listed in the check run and the JSON/SARIF report", blocking);
        Assert.True(comment.Length < 65_000);
    }

    [Fact]
    public void CheckRun_ListsEachFindingEvenWhenTheCommentGroupsThem()
    {
        var findings = Enumerable.Range(1, 5)
            .Select(i => ReportSamples.Finding("governance", "pii-column-untagged", Severity.High, "models/p.sql", i, $"Personal data column `e{i}` is not tagged", "Tag it."))
            .ToList();
        var report = ReportSamples.Failing() with { Findings = findings };

        var text = CheckRunRenderer.Text(report);

        Assert.DoesNotContain("more like it", text);
        Assert.Equal(5, text.Split('\n').Count(l => l.StartsWith("- **Personal data column", StringComparison.Ordinal)));
    }
}
