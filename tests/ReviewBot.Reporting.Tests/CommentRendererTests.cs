using System.Text.RegularExpressions;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;
using ReviewBot.Reporting.Tests.Samples;

namespace ReviewBot.Reporting.Tests;

public sealed partial class CommentRendererTests
{
    [Fact]
    public void Render_AnyReport_StartsWithTheMarkerThenTheVerdict()
    {
        var comment = CommentRenderer.Render(ReportSamples.Failing());

        Assert.StartsWith(CommentRenderer.Marker + "\n### ❌ ReviewBot failed: 4 blocking findings", comment);
    }

    [Fact]
    public void Render_IgnoresTheReportsOwnMarkdown()
    {
        var report = ReportSamples.Green() with { Markdown = "<img src=x> stale" };

        Assert.DoesNotContain("stale", CommentRenderer.Render(report));
    }

    [Fact]
    public void Render_IncompleteRun_SaysNotReviewedAndNamesTheAgent()
    {
        var comment = CommentRenderer.Render(ReportSamples.Incomplete());

        Assert.Contains("### ⚠️ Not reviewed: governance timed out", comment);
        Assert.Contains("The required agent **governance** did not finish", comment);
        Assert.DoesNotContain("passed", comment.Split('\n')[1], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Render_IncompleteRunThatPassesByConfig_SaysWhy()
    {
        var report = ReportSamples.Incomplete() with { Conclusion = Conclusion.Success };

        Assert.Contains("passes anyway because this repository sets `on_incomplete: pass`", CommentRenderer.Render(report));
    }

    [Fact]
    public void Render_WithBlobPrefix_LinksFileAndLineRange()
    {
        var comment = CommentRenderer.Render(ReportSamples.Failing(), ReportSamples.PullRequestChange);

        Assert.Contains($"[`models/staging/stg_customers.sql:12-14`]({ReportSamples.PullRequestChange.BlobUrlPrefix}models/staging/stg_customers.sql#L12-L14)", comment);
    }

    [Fact]
    public void Render_WithoutBlobPrefix_WritesPlainPathAndLine()
    {
        var comment = CommentRenderer.Render(ReportSamples.Failing());

        Assert.Contains("— `models/staging/stg_customers.sql:9` ·", comment);
        Assert.Empty(RenderedHtml.Hrefs(RenderedHtml.Of(comment)));
    }

    [Fact]
    public void Render_PathWithSpacesAndParentheses_LinkStaysOneLink()
    {
        var report = ReportSamples.Green() with
        {
            Findings = [ReportSamples.Finding("quality", "select-star", Severity.Low, "models/a (old)/my model.sql", 3, "t", "m")],
        };

        var comment = CommentRenderer.Render(report, ReportSamples.PullRequestChange);

        var hrefs = RenderedHtml.Hrefs(RenderedHtml.Of(comment));
        Assert.Equal([$"{ReportSamples.PullRequestChange.BlobUrlPrefix}models/a%20%28old%29/my%20model.sql#L3"], hrefs);
    }

    [Fact]
    public void Render_LlmFinding_IsMarkedAdvisory()
    {
        var comment = CommentRenderer.Render(ReportSamples.Failing());

        var line = comment.Split('\n').Single(l => l.Contains("Bare `except:`", StringComparison.Ordinal));
        Assert.EndsWith("· *advisory (LLM)*\\", line);
    }

    [Fact]
    public void Render_LlmFindingThatMayBlock_IsNotCalledAdvisory()
    {
        var report = ReportSamples.Failing() with { LlmCanBlock = true, FailOn = Severity.Low };

        var line = CommentRenderer.Render(report).Split('\n').Single(l => l.Contains("Bare `except:`", StringComparison.Ordinal));
        Assert.EndsWith("· *LLM*\\", line);
    }

    [Fact]
    public void Render_LowerSeverities_AreCollapsedAndBlockingOnesAreOpen()
    {
        var comment = CommentRenderer.Render(ReportSamples.Failing());

        var details = comment.IndexOf("<details>\n<summary>🟡 4 medium · 🔵 3 low · ⚪ 1 info (advisory)</summary>", StringComparison.Ordinal);
        Assert.True(details > 0);
        Assert.True(comment.IndexOf("**🟠 High · blocking** (3)", StringComparison.Ordinal) < details);
        Assert.True(comment.IndexOf("**🟡 Medium** (4)", StringComparison.Ordinal) > details);
    }

    [Fact]
    public void Render_FailOnMedium_ShowsMediumOpenAsBlocking()
    {
        var report = ReportSamples.Failing() with { FailOn = Severity.Medium };

        var comment = CommentRenderer.Render(report);

        Assert.Contains("**🟡 Medium · blocking** (4)\n", comment);
        Assert.Contains("<summary>🔵 3 low · ⚪ 1 info (advisory)</summary>", comment);
        Assert.Contains("**8 findings block this change** (severity medium or above)", comment);
    }

    [Fact]
    public void Render_HostileFindingAndAgentText_CannotInjectHtmlMentionsImagesLinksOrTableCells()
    {
        var report = ReportSamples.Failing() with
        {
            Agents =
            [
                ReportSamples.Agent("governance", "critical", "required", "degraded", 5, 1, reason: "boom | extra cell\nnew row <b>x</b> @octocat"),
            ],
            Findings =
            [
                ReportSamples.Finding("governance", "x", Severity.High, "models/evil|name\n.sql", 1,
                    "<script>alert(1)</script> [click](https://evil.example) ![p](https://evil.example/p.png)",
                    "# heading\n- list\n@octocat @acme/team &#64;hubot <details open> https://evil.example/x www.evil.example\n```\n<img src=x>"),
            ],
        };

        var comment = CommentRenderer.Render(report, ReportSamples.PullRequestChange);

        var html = RenderedHtml.Of(comment);
        string[] allowed = ["details", "summary", "sub", "h3", "p", "strong", "table", "thead", "tr", "th", "tbody", "td", "h4", "ul", "li", "a", "code", "br", "em", "hr", "blockquote"];
        Assert.All(RenderedHtml.Tags(html), tag => Assert.Contains(tag, allowed));
        Assert.All(RenderedHtml.Hrefs(html), href => Assert.StartsWith(ReportSamples.PullRequestChange.BlobUrlPrefix!, href));
        Assert.Empty(RenderedHtml.LiveMentions(html));
        Assert.Equal(2, TableRow().Count(html));
        Assert.Equal(6, Regex.Count(html.Split("</tr>")[1], "<td")); // no Tokens column: no agent used any
    }

    [Fact]
    public void Render_MermaidNote_IsRenderedAsAGraph()
    {
        var comment = CommentRenderer.Render(ReportSamples.Failing());

        Assert.Contains("<summary>Lineage graph</summary>\n\n```mermaid\ngraph LR\n", comment);
    }

    [Fact]
    public void Render_MermaidNoteThatClosesItsFenceEarly_IsShownAsText()
    {
        var report = ReportSamples.Green() with
        {
            Agents = [ReportSamples.Agent("lineage", "high", "best_effort", "completed", 1, 0, notes: ["```mermaid\ngraph LR\n```\n<img src=x onerror=alert(1)>\n```"])],
        };

        var comment = CommentRenderer.Render(report);

        Assert.DoesNotContain("```mermaid", comment);
        Assert.DoesNotContain("img", RenderedHtml.Tags(RenderedHtml.Of(comment)));
    }

    [Theory]
    [InlineData(1_000)]
    [InlineData(1_777)]
    [InlineData(4_000)]
    [InlineData(9_999)]
    [InlineData(30_000)]
    [InlineData(65_000)]
    public void Render_AnyLimit_IsRespectedAndKeepsTheMarker(int maxLength)
    {
        foreach (var report in new[] { ReportSamples.Oversized(), ReportSamples.Failing(), ReportSamples.Incomplete() })
        {
            var comment = CommentRenderer.Render(report, ReportSamples.PullRequestChange, maxLength);

            Assert.True(comment.Length <= maxLength, $"{comment.Length} > {maxLength}");
            Assert.StartsWith(CommentRenderer.Marker + "\n### ", comment);
        }
    }

    [Fact]
    public void Render_TooSmallLimit_IsRefused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => CommentRenderer.Render(ReportSamples.Green(), maxLength: 999));

    [Fact]
    public void Render_Oversized_SaysExactlyHowManyFindingsAreNotListed()
    {
        var report = ReportSamples.Oversized(1_500);

        var comment = CommentRenderer.Render(report, maxLength: 65_000);

        var listed = ListedFinding().Count(comment);
        var note = NotListed().Match(comment);
        Assert.True(note.Success, "the comment must say how many findings it leaves out");
        Assert.Equal(1_500, listed + int.Parse(note.Groups[1].Value.Replace(",", ""), System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("The check run and the JSON/SARIF report list every finding in full.", comment);
        Assert.True(listed > 150, $"only {listed} findings listed");
    }

    [Fact]
    public void Render_Oversized_DropsLowestSeverityFirst()
    {
        var report = ReportSamples.Oversized(1_500);

        var comment = CommentRenderer.Render(report, maxLength: 20_000);

        Assert.Contains("**🔴 Critical · blocking** (6)\n", comment);
        Assert.DoesNotContain("**⚪ Info**", comment);
        Assert.DoesNotContain("**🔵 Low**", comment);
    }

    [Fact]
    public void Render_SomewhatTooLong_ShortensLowerSeverityMessagesBeforeDroppingAnyFinding()
    {
        var longMessage = string.Join(' ', Enumerable.Repeat("The model rebuilds every partition on each run.", 20));
        var findings = Enumerable.Range(0, 40)
            .Select(i => ReportSamples.Finding("cost", "full-rebuild", i < 5 ? Severity.High : Severity.Low, $"models/m{i:00}.sql", 1, $"Finding {i} {(char)('a' + (i % 26))}{(char)('a' + (i / 26))}", longMessage))
            .ToList();
        var report = ReportSamples.Green() with { Conclusion = Conclusion.Failure, Title = "5 blocking findings", Findings = findings };

        var comment = CommentRenderer.Render(report, maxLength: 15_000);

        Assert.Equal(40, ListedFinding().Count(comment));
        Assert.DoesNotMatch(NotListed(), comment);
        var shortened = Regex.Match(comment, @"\*\*([\d,]+) findings are shown without their message\*\* \(([\d,]+) low\)");
        Assert.True(shortened.Success, comment);
        Assert.Equal(shortened.Groups[1].Value, shortened.Groups[2].Value);
        // Each title has a word of its own: near-identical findings would be grouped, and this test is about size.
        Assert.Contains("**Finding 0 aa** — `models/m00.sql:1` · cost `full-rebuild`\\\n  The model rebuilds", comment);
        Assert.Contains("**Finding 39 nb** — `models/m39.sql:1` · cost `full-rebuild`\n", comment);
    }

    [Fact]
    public void Render_HugeNotes_GiveWayToFindingsAndSaySo()
    {
        var graph = "```mermaid\ngraph LR\n" + string.Concat(Enumerable.Range(0, 3_000).Select(i => $"  m{i} --> m{i + 1}\n")) + "```";
        var report = ReportSamples.Failing() with
        {
            Agents = [ReportSamples.Agent("lineage", "high", "best_effort", "completed", 1, 2, notes: [graph])],
        };

        var comment = CommentRenderer.Render(report, maxLength: 20_000);

        Assert.Equal(report.Findings.Count, ListedFinding().Count(comment));
        Assert.Contains("1 agent note (including 1 graph) left out to make room for findings; the JSON report has them.", comment);
    }

    [Fact]
    public void Render_ManySkippedFiles_ListsSomeAndCountsTheRest()
    {
        var report = ReportSamples.Green() with
        {
            Coverage = new CoverageReport
            {
                FilesChanged = 400,
                FilesReviewed = 300,
                Skipped = Enumerable.Range(0, 100).Select(i => new SkippedFile($"data/f{i}.parquet", i < 90 ? "binary" : "larger than 1 MB")).ToList(),
            },
        };

        var comment = CommentRenderer.Render(report);

        Assert.Contains("- `data/f19.parquet` — binary\n- …and 80 more (70 binary; 10 larger than 1 MB), all listed in the check run and the JSON/SARIF report\n", comment);
        Assert.Contains("400 files changed · 300 reviewed · 100 skipped", comment);
    }

    [Fact]
    public void Render_NoFindings_SaysSoInOneCalmLine()
    {
        var report = ReportSamples.Green() with { Title = "No findings", Findings = [] };

        var comment = CommentRenderer.Render(report);

        Assert.Contains("### ✅ ReviewBot passed: No findings\n\nNo findings in 3 changed files.\n", comment);
        Assert.DoesNotContain("#### Findings", comment);
    }

    [GeneratedRegex(@"^- \*\*.*?\*\* — ", RegexOptions.Multiline)]
    private static partial Regex ListedFinding();

    [GeneratedRegex(@"\*\*([\d,]+) findings? (?:is|are) not listed here\*\*")]
    private static partial Regex NotListed();

    [GeneratedRegex("<tr>")]
    private static partial Regex TableRow();
}

public sealed class CommentRendererNotesTests
{
    [Fact]
    public void Render_SameNoteFromSeveralAgents_IsWrittenOnce()
    {
        var report = ReportSamples.Green() with
        {
            Agents =
            [
                ReportSamples.Agent("governance", "critical", "required", "completed", 1, 0, notes: ["rules only (no LLM configured)"]),
                ReportSamples.Agent("quality", "high", "best_effort", "completed", 1, 0, notes: ["rules only (no LLM configured)", "2 files not parsed"]),
                ReportSamples.Agent("docs", "low", "best_effort", "completed", 1, 0, notes: ["rules only\n(no LLM configured)"]),
            ],
        };

        var comment = CommentRenderer.Render(report with { Budget = report.Budget with { Llm = "azure-openai:gpt" } });

        Assert.Contains("#### Notes\n\n- **governance, quality, docs**: rules only (no LLM configured)\n- **quality**: 2 files not parsed\n\n", comment);
    }

    [Fact]
    public void Render_RulesOnlyRun_SaysNoLlmOnceInCoverageNotPerAgent()
    {
        var report = ReportSamples.Green() with
        {
            Agents =
            [
                ReportSamples.Agent("governance", "critical", "required", "completed", 1, 0, notes: ["rules only (no LLM configured)"]),
                ReportSamples.Agent("quality", "high", "best_effort", "completed", 1, 0, notes: ["rules only (no LLM configured)", "2 files not parsed"]),
            ],
        };

        var comment = CommentRenderer.Render(report);

        Assert.Single(Regex.Matches(comment, "no LLM|LLM: none"));
        Assert.Contains("#### Notes\n\n- **quality**: 2 files not parsed\n\n", comment);
        Assert.Contains("| Agent | Lane | Status | Time | Findings |\n", comment); // no Tokens or Reason column when both are empty everywhere
    }
}

public sealed class CommentRendererLeanFrameTests
{
    [Fact]
    public void Render_LeanestFrame_SaysWhatItLeftOut()
    {
        var report = ReportSamples.Oversized(1_500) with
        {
            Agents =
            [
                ReportSamples.Agent("lineage", "high", "best_effort", "completed", 1, 0, notes: [ReportSamples.LineageGraph],
                    timeline: [new ReviewBot.Core.Reports.TimelineEntry("alerted", 24_000, null)]),
            ],
        };

        var comment = CommentRenderer.Render(report, maxLength: 20_000);

        Assert.DoesNotContain("#### Timeouts and retries", comment);
        Assert.Contains("> 1 agent note (including 1 graph) and the timeouts and retries left out to make room for findings; the JSON report has them.", comment);
        Assert.Contains("- …and 40 more (40 clipped: the change has more than 300 files), all listed in the check run and the JSON/SARIF report", comment);
    }
}
