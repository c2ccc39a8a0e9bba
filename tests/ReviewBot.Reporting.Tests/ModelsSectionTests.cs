using System.Globalization;
using System.Text.RegularExpressions;
using ReviewBot.Core.Reports;
using ReviewBot.Reporting.Tests.Samples;

namespace ReviewBot.Reporting.Tests;

public sealed class ModelsSectionTests
{
    private static ModelChangeReport Model(int i, ModelChangeKind kind, int downstream = 0) => new()
    {
        Name = $"model_{i.ToString("000", CultureInfo.InvariantCulture)}",
        File = $"models/m_{i.ToString(CultureInfo.InvariantCulture)}.sql",
        Change = kind,
        Reason = "r",
        Downstream = new ModelDownstream { Models = Enumerable.Range(0, downstream).Select(d => $"child_{d.ToString(CultureInfo.InvariantCulture)}").ToList() },
    };

    [Fact]
    public void Render_ManyModels_BreakingFirstClippedWithAndMore()
    {
        var models = Enumerable.Range(1, 40).Select(i => Model(i, i == 33 ? ModelChangeKind.Breaking : ModelChangeKind.NonBreaking, i == 33 ? 250 : 0)).ToList();
        var report = ReportSamples.Green() with { Models = models };

        var comment = CommentRenderer.Render(report);

        var section = comment[comment.IndexOf("#### Changed models", StringComparison.Ordinal)..comment.IndexOf("#### Coverage", StringComparison.Ordinal)];
        Assert.Contains("40 models changed: 1 breaking, 39 non-breaking.", section, StringComparison.Ordinal);
        var rows = Regex.Matches(section, @"^\| `model_", RegexOptions.Multiline);
        Assert.Equal(15, rows.Count);
        Assert.StartsWith("| `model_033` | 🔴 breaking | – | 250 models |", section[rows[0].Index..], StringComparison.Ordinal);
        Assert.Contains("and 25 more;", section, StringComparison.Ordinal);
        Assert.Contains("- `model_033` (breaking) → `child_0`", section, StringComparison.Ordinal);
        Assert.Contains("and 242 more", section, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoModels_NoSection()
    {
        var comment = CommentRenderer.Render(ReportSamples.Green());

        Assert.DoesNotContain("Changed models", comment, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_LongModelName_ClippedAtANameBoundaryWithEllipsis()
    {
        var name = "int_" + string.Join("_", Enumerable.Repeat("segment", 12));
        var report = ReportSamples.Green() with { Models = [Model(1, ModelChangeKind.Unknown) with { Name = name }] };

        var comment = CommentRenderer.Render(report);

        Assert.Contains("| `int_segment_segment_segment_segment_segment_segment_segment…` | ❔ unknown |", comment, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_TightBudget_LeanFrameKeepsFiveRowsWithoutImpactList()
    {
        var models = Enumerable.Range(1, 12).Select(i => Model(i, ModelChangeKind.Partial, 3)).ToList();
        var report = ReportSamples.Oversized(400) with { Models = models };

        var comment = CommentRenderer.Render(report, ReportSamples.PullRequestChange, maxLength: 20_000);

        Assert.True(comment.Length <= 20_000);
        Assert.Contains("#### Changed models", comment, StringComparison.Ordinal);
        Assert.Equal(5, Regex.Count(comment, @"^\| `model_", RegexOptions.Multiline));
        Assert.DoesNotContain("Impacted lineage", comment, StringComparison.Ordinal);
    }
}
