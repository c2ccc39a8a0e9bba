using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.GitHub.Changes;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.GitHub.Tests.Changes;

/// <summary>
/// Unchanged files an <c>export-ignore</c> hides from the archive (issue 19): before, the API snapshot simply did
/// not have them, so a downstream model the review needed was silently absent.
/// </summary>
public sealed class ExportIgnoredContextTests
{
    [Fact]
    public async Task Acquire_UnchangedFilesHiddenByExportIgnore_ListedAndReadFromTheContentsApi()
    {
        using var fake = new FakeGitHub();
        fake.AddFile("models/staging/stg_orders.sql", patch: "@@ -1 +1 @@\n-select id, amount\n+select id");
        fake.Trees[fake.BaseSha] = new() { ["models/staging/stg_orders.sql"] = "select id, amount\n", ["models/marts/orders.sql"] = "select amount from {{ ref('stg_orders') }}\n" };
        fake.Trees[fake.HeadSha] = new() { ["models/staging/stg_orders.sql"] = "select id\n", ["models/marts/orders.sql"] = "select amount from {{ ref('stg_orders') }}\n", [".gitattributes"] = "models/marts/** export-ignore\n" };
        fake.ExportIgnored.Add("models/marts/orders.sql");
        using var api = TestApi.For(fake);
        var change = await AcquireAsync(fake, api);

        Assert.Contains("models/marts/orders.sql", await change.Head.ListFilesAsync(CancellationToken.None));
        var read = await change.Head.ReadFilesAsync(["models/marts/orders.sql"], CancellationToken.None);

        Assert.Equal("select amount from {{ ref('stg_orders') }}\n", read["models/marts/orders.sql"]);
        Assert.Empty(((IContextGaps)change.Head).UnreadContext);
        Assert.Equal(1, fake.TreeRequests);
    }

    [Fact]
    public async Task Acquire_MoreHiddenFilesThanTheReadBudget_TheRestAreReportedAsUnreadContext()
    {
        using var fake = new FakeGitHub();
        fake.AddFile("models/a.sql", patch: "@@ -1 +1 @@\n-select 1\n+select 2");
        var hidden = Enumerable.Range(0, GitHubChangeSource.MaxIndividualReads + 3).ToDictionary(i => $"models/marts/m{i:D3}.sql", i => $"select {i}\n");
        fake.Trees[fake.BaseSha] = new(hidden) { ["models/a.sql"] = "select 1\n" };
        fake.Trees[fake.HeadSha] = new(hidden) { ["models/a.sql"] = "select 2\n" };
        fake.ExportIgnored.UnionWith(hidden.Keys);
        using var api = TestApi.For(fake);
        var change = await AcquireAsync(fake, api);

        var read = await change.Head.ReadFilesAsync(hidden.Keys.ToList(), CancellationToken.None);

        Assert.Equal(GitHubChangeSource.MaxIndividualReads, read.Count);
        var gaps = ((IContextGaps)change.Head).UnreadContext;
        Assert.Equal(3, gaps.Count);
        Assert.All(gaps, g => Assert.Contains("export-ignore", g.Reason, StringComparison.Ordinal));
        Assert.Equal(SkipKind.NotAnalysed, gaps.First().Kind);
    }

    [Fact]
    public async Task Acquire_NothingHidden_NoContentsRequests()
    {
        using var fake = new FakeGitHub();
        fake.AddFile("models/a.sql", patch: "@@ -1 +1 @@\n-select 1\n+select 2");
        fake.Trees[fake.BaseSha] = new() { ["models/a.sql"] = "select 1\n", ["models/b.sql"] = "select 3\n" };
        fake.Trees[fake.HeadSha] = new() { ["models/a.sql"] = "select 2\n", ["models/b.sql"] = "select 3\n" };
        using var api = TestApi.For(fake);
        var change = await AcquireAsync(fake, api);

        Assert.Equal(["models/a.sql", "models/b.sql"], await change.Head.ListFilesAsync(CancellationToken.None));
        await change.Head.ReadFilesAsync(["models/a.sql", "models/b.sql"], CancellationToken.None);

        Assert.Equal(0, fake.Requests.Count(r => r.Path.Contains("/contents/", StringComparison.Ordinal)));
        Assert.Empty(((IContextGaps)change.Head).UnreadContext);
    }

    private static async Task<ChangeSet> AcquireAsync(FakeGitHub fake, GitHubApi api)
    {
        var source = new GitHubChangeSource(api);
        var pr = await source.GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);
        return await source.AcquireAsync(pr, ReviewConfig.Default, null, CancellationToken.None);
    }
}
