using System.Collections.Concurrent;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Reports;
using ReviewBot.TestUtils;

namespace ReviewBot.Pipeline.Tests;

/// <summary>
/// The content check looks only at what will be reviewed: files outside the paths or clipped at
/// <c>limits.max_files</c> are never opened (before, every changed file of the pull request was read in full first).
/// </summary>
public sealed class ContentCheckTests : IDisposable
{
    private readonly TempGitRepo _repo = TempGitRepo.Create();

    public ContentCheckTests()
    {
        _repo.WriteFile("migrations/001_init.sql", "create table analytics.customers (id int);\n");
        _repo.Commit("init");
        _repo.Branch("feature", checkout: true);
    }

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task Run_MaxFilesExceeded_TheClippedHugeFileIsNeverRead()
    {
        _repo.WriteFile("migrations/002_grant.sql", "grant select on analytics.customers to public;\n")
            .WriteFile("migrations/003_view.sql", "create view analytics.v as select id from analytics.customers;\n")
            .WriteFile("zz/notes.md", string.Concat(Enumerable.Repeat("a long appendix line\n", 100_000))); // 2 MB of prose
        _repo.Commit("three files");
        var config = new ReviewConfig { Limits = new LimitsConfig { MaxFiles = 2, MaxFileBytes = 4 << 20 } };

        var (report, head) = await RunAsync(config);

        Assert.Contains(report.Coverage.Skipped, s => s.File == "zz/notes.md" && s.Reason.StartsWith("clipped", StringComparison.Ordinal));
        Assert.Contains(report.Findings, f => f.Rule == "grant-to-public");
        Assert.DoesNotContain("zz/notes.md", head.Asked);
    }

    [Fact]
    public async Task Run_FileOutsideTheConfiguredPaths_NeverRead()
    {
        _repo.WriteFile("migrations/002_grant.sql", "grant select on analytics.customers to public;\n")
            .WriteFile("vendor/big.sql", string.Concat(Enumerable.Repeat("select 1;\n", 100_000)));
        _repo.Commit("vendor");
        var config = ConfigLoader.Parse("paths:\n  exclude: ['vendor/**']\n", "c.yml");

        var (report, head) = await RunAsync(config);

        Assert.Contains(report.Coverage.Skipped, s => s.File == "vendor/big.sql" && s.Kind == SkipKind.Excluded);
        Assert.DoesNotContain("vendor/big.sql", head.Asked);
    }

    [Fact]
    public async Task Run_BinaryDataBeyondMaxFiles_ListedAsBinaryNeverClippedOrBlocking()
    {
        _repo.WriteFile("migrations/002_view.sql", "create view analytics.v as select id from analytics.customers;\n")
            .WriteFile("migrations/003_view.sql", "create view analytics.w as select id from analytics.customers;\n");
        for (var i = 0; i < 3; i++)
        {
            _repo.WriteFile($"data/part-{i}.parquet", [0x50, 0x41, 0x52, 0x31, 0, (byte)i, 2, 3]);
        }

        _repo.Commit("views and data");
        var config = new ReviewConfig { Limits = new LimitsConfig { MaxFiles = 2 } };

        var (report, _) = await RunAsync(config);

        Assert.Equal((Conclusion.Success, false), (report.Conclusion, report.Incomplete));
        Assert.Equal(3, report.Coverage.Skipped.Count(s => s.Kind == SkipKind.Binary && s.File.EndsWith(".parquet", StringComparison.Ordinal)));
        Assert.DoesNotContain(report.Coverage.Skipped, s => s.Reason.StartsWith("clipped", StringComparison.Ordinal));
    }

    private async Task<(ReviewReport Report, RecordingSnapshot Head)> RunAsync(ReviewConfig config)
    {
        var change = await GitChangeSource.FromRangeAsync(_repo.Root, "main", "feature", CancellationToken.None);
        var head = new RecordingSnapshot((GitSnapshot)change.Head);
        var report = await new ReviewPipeline(TimeProvider.System).RunAsync(change with { Head = head }, config, null, CancellationToken.None);
        return (report, head);
    }

    /// <summary>The real git snapshot, recording every path anything asked it to read or explain.</summary>
    private sealed class RecordingSnapshot(GitSnapshot inner) : ISnapshot, ISizeLimitedSnapshot
    {
        private readonly ConcurrentDictionary<string, bool> _asked = new(StringComparer.Ordinal);

        public IReadOnlyCollection<string> Asked => _asked.Keys.ToList();

        public string Revision => inner.Revision;

        public int MaxFileBytes
        {
            get => inner.MaxFileBytes;
            set => inner.MaxFileBytes = value;
        }

        public ValueTask<IReadOnlyList<string>> ListFilesAsync(CancellationToken cancellationToken) => inner.ListFilesAsync(cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, string>> ReadFilesAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
        {
            Record(paths);
            return inner.ReadFilesAsync(paths, cancellationToken);
        }

        public ValueTask<IReadOnlyDictionary<string, SkippedFile>> ExplainAbsentAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken)
        {
            Record(paths);
            return inner.ExplainAbsentAsync(paths, cancellationToken);
        }

        private void Record(IEnumerable<string> paths)
        {
            foreach (var path in paths)
            {
                _asked[path] = true;
            }
        }
    }
}
