using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Reports;
using ReviewBot.TestUtils;

namespace ReviewBot.Pipeline.Tests;

/// <summary>Unchanged files the review asked for and the snapshot could not provide (export-ignore past the read budget).</summary>
public sealed class ContextGapTests
{
    private static readonly Dictionary<string, string> Repo = new(StringComparer.Ordinal)
    {
        ["migrations/001_init.sql"] = "create table analytics.customers (id int);\n",
    };

    [Fact]
    public async Task Run_SnapshotCouldNotProvideAContextFile_NotReviewedNamingIt()
    {
        var report = await RunAsync(ReviewConfig.Default);

        Assert.True(report.Incomplete);
        Assert.Equal(Conclusion.Failure, report.Conclusion);
        Assert.StartsWith("Not reviewed: 1 unchanged file the review needed could not be read (models/marts/orders.sql: missing from the repository archive", report.Title, StringComparison.Ordinal);
        Assert.Contains(report.Coverage.Unanalysed, u => u.Agent == "context" && u.File == "models/marts/orders.sql");
        Assert.Contains("models/marts/orders.sql", report.Markdown.Replace("\\", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ContextGapWithOnUnanalysedWarn_PassesAndSaysSo()
    {
        var report = await RunAsync(new ReviewConfig { OnUnanalysed = UnanalysedOutcome.Warn });

        Assert.Equal((Conclusion.Success, false), (report.Conclusion, report.Incomplete));
        Assert.Contains("1 unchanged file not read as context (on_unanalysed: warn)", report.Title, StringComparison.Ordinal);
    }

    private static async Task<ReviewReport> RunAsync(ReviewConfig config)
    {
        var change = ChangeSets.FromEdits(Repo, new Dictionary<string, string?> { ["migrations/002_view.sql"] = "create view analytics.v as select id from analytics.customers;\n" });
        var head = new GappySnapshot(change.Head, new SkippedFile("models/marts/orders.sql", "missing from the repository archive of abc1234 (export-ignore in .gitattributes) and over the 100 files read one by one"));
        return await new ReviewPipeline(TimeProvider.System).RunAsync(change with { Head = head }, config, null, CancellationToken.None);
    }

    private sealed class GappySnapshot(ISnapshot inner, SkippedFile gap) : ISnapshot, IContextGaps
    {
        public string Revision => inner.Revision;

        public IReadOnlyCollection<SkippedFile> UnreadContext => [gap];

        public ValueTask<IReadOnlyList<string>> ListFilesAsync(CancellationToken cancellationToken) => inner.ListFilesAsync(cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, string>> ReadFilesAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken) => inner.ReadFilesAsync(paths, cancellationToken);

        public ValueTask<IReadOnlyDictionary<string, SkippedFile>> ExplainAbsentAsync(IReadOnlyCollection<string> paths, CancellationToken cancellationToken) => inner.ExplainAbsentAsync(paths, cancellationToken);
    }
}
