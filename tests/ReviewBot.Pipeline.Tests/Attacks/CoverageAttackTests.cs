using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Reports;
using ReviewBot.TestUtils;

namespace ReviewBot.Pipeline.Tests.Attacks;

/// <summary>
/// Attacks on the honest gate (issue 19), each through a real git repository and the whole pipeline: every one of
/// them ended as a green check before coverage became part of the verdict.
/// </summary>
public sealed class CoverageAttackTests : IDisposable
{
    private const string Grant = "grant select on analytics.customers to public;\n";

    private readonly TempGitRepo _repo = TempGitRepo.Create();

    public CoverageAttackTests()
    {
        _repo.WriteFile("migrations/001_init.sql", "create table analytics.customers (id int);\n")
            .WriteFile("README.md", "# Warehouse\n");
        _repo.Commit("init");
        _repo.Branch("feature", checkout: true);
    }

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task Run_MigrationPaddedPastMaxFileBytes_IsNotReviewedAndNamesTheFile()
    {
        // A long SQL comment pushes the file over the 1 MiB default; before, GitSnapshot dropped it without a word.
        _repo.WriteFile("migrations/002_grant.sql", Grant + "-- " + new string('x', (1 << 20) + 10) + "\n");
        _repo.Commit("padded");

        var report = await RunAsync(ReviewConfig.Default);

        Assert.True(report.Incomplete);
        Assert.Equal(Conclusion.Failure, report.Conclusion);
        Assert.StartsWith("Not reviewed: governance could not analyse 1 file (migrations/002_grant.sql: larger than limits.max_file_bytes", report.Title, StringComparison.Ordinal);
        Assert.Contains(report.Coverage.Files, f => f.File == "migrations/002_grant.sql" && f.Status == CoverageStatus.NotAnalysed);
        var notAnalysed = report.Markdown.IndexOf("#### Not analysed", StringComparison.Ordinal);
        Assert.InRange(notAnalysed, 0, report.Markdown.IndexOf("| Agent |", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_MaxFileBytesRaisedInConfig_ReadsTheLargeFileAndFindsTheGrant()
    {
        _repo.WriteFile("migrations/002_grant.sql", Grant + "-- " + new string('x', (1 << 20) + 10) + "\n");
        _repo.Commit("padded");

        var report = await RunAsync(new ReviewConfig { Limits = new LimitsConfig { MaxFileBytes = 4 << 20 } });

        Assert.False(report.Incomplete);
        Assert.Contains(report.Findings, f => f.Rule == "grant-to-public" && f.File == "migrations/002_grant.sql");
    }

    [Fact]
    public async Task Run_OnUnanalysedWarn_PassesButListsTheFile()
    {
        _repo.WriteFile("migrations/002_note.sql", "-- " + new string('x', 5_000) + "\n");
        _repo.Commit("long");

        var report = await RunAsync(new ReviewConfig { OnUnanalysed = UnanalysedOutcome.Warn, Limits = new LimitsConfig { MaxFileBytes = 1_000 } });

        Assert.Equal((Conclusion.Success, false), (report.Conclusion, report.Incomplete));
        Assert.Contains("not analysed (on_unanalysed: warn)", report.Title, StringComparison.Ordinal);
        Assert.Contains(report.Coverage.Unanalysed, u => u.File == "migrations/002_note.sql");
        Assert.Contains("migrations/002\\_note.sql", report.Markdown.Replace("`migrations/002_note.sql`", "migrations/002\\_note.sql", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("* -diff\n")]
    [InlineData("* binary\n")]
    [InlineData("*.sql diff=hidden\n")]
    public async Task Run_PullRequestAddsGitattributesThatHideText_StillReadsTheChange(string attributes)
    {
        _repo.WriteFile(".gitattributes", attributes).WriteFile("migrations/002_grant.sql", Grant);
        _repo.Config("diff.hidden.textconv", "true");
        _repo.Commit("hide");

        var report = await RunAsync(ReviewConfig.Default);

        Assert.Contains(report.Findings, f => f.Rule == "grant-to-public" && f.File == "migrations/002_grant.sql");
        Assert.DoesNotContain(report.Coverage.Skipped, s => s.File == "migrations/002_grant.sql");
        Assert.Equal(Conclusion.Failure, report.Conclusion);
    }

    [Fact]
    public async Task Run_RealBinaryData_IsListedButDoesNotMakeTheRunIncomplete()
    {
        _repo.WriteFile("data/sample.parquet", [0x50, 0x41, 0x52, 0x31, 0, 0, 0, 1, 2, 3]);
        _repo.Commit("data");

        var report = await RunAsync(ReviewConfig.Default);

        Assert.Equal((Conclusion.Success, false), (report.Conclusion, report.Incomplete));
        Assert.Contains(report.Coverage.Files, f => f.File == "data/sample.parquet" && f.Kind == SkipKind.Binary);
        Assert.Contains("data/sample.parquet", report.Markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ThreeThousandFillerMarkdownFilesSortFirst_TheMigrationIsStillReviewed()
    {
        for (var i = 0; i < 3_000; i++)
        {
            _repo.WriteFile($"aaa/filler-{i:D4}.md", $"note {i}\n");
        }

        _repo.WriteFile("migrations/002_grant.sql", Grant);
        _repo.Commit("filler");

        var report = await RunAsync(ReviewConfig.Default);

        Assert.Contains(report.Findings, f => f.Rule == "grant-to-public");
        var clipped = report.Coverage.Skipped.Where(s => s.Reason.StartsWith("clipped", StringComparison.Ordinal)).ToList();
        Assert.Single(clipped); // 3,001 reviewable files, limit 3,000: one prose file is clipped and named
        Assert.EndsWith(".md", clipped[0].File, StringComparison.Ordinal);
        Assert.False(report.Incomplete); // clipped prose does not block governance
    }

    private async Task<ReviewReport> RunAsync(ReviewConfig config)
    {
        var change = await GitChangeSource.FromRangeAsync(_repo.Root, "main", "feature", CancellationToken.None);
        return await new ReviewPipeline(TimeProvider.System).RunAsync(change, config, null, CancellationToken.None);
    }
}
