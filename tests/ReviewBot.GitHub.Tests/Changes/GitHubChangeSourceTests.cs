using ReviewBot.Core;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.GitHub.Changes;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.GitHub.Tests.Changes;

public sealed class GitHubChangeSourceTests
{
    private const string Patch = "@@ -1,3 +1,4 @@ select\n select id,\n-  name\n+  name,\n+  email\n from customers";

    [Fact]
    public async Task GetPullRequest_OpenedPayload_MetadataFromTheApi()
    {
        using var fake = new FakeGitHub();
        using var api = TestApi.For(fake);

        var pr = await new GitHubChangeSource(api).GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);

        Assert.Equal("Update the README with new information.", pr.Info.Title);
        Assert.Equal("Codertocat", pr.Info.Author);
        Assert.Equal("ec26c3e57ca3a959ca5aad62de7213c562f8c821", pr.Info.HeadSha);
        Assert.Equal("f95f852bd8fca8fcc58a9a2d6c842781e32a215e", pr.Info.BaseSha);
        Assert.Equal("https://github.com/Codertocat/Hello-World/pull/2", pr.Info.HtmlUrl);
        Assert.False(pr.Info.IsDraft);
        Assert.True(pr.IsOpen);
        Assert.False(pr.IsFromFork);
        Assert.Equal("https://github.com/Codertocat/Hello-World", pr.RepositoryHtmlUrl);
    }

    [Fact]
    public async Task GetPullRequest_ClosedDraft_Reported()
    {
        using var fake = new FakeGitHub(payload: "pull_request/closed.payload.json");
        fake.PullRequest["draft"] = true;
        using var api = TestApi.For(fake);

        var pr = await new GitHubChangeSource(api).GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);

        Assert.False(pr.IsOpen);
        Assert.True(pr.Info.IsDraft);
    }

    [Fact]
    public async Task GetPullRequest_Missing_InvalidInputNamingThePr()
    {
        using var fake = new FakeGitHub();
        using var api = TestApi.For(fake);

        var e = await Assert.ThrowsAsync<InvalidInputException>(
            () => new GitHubChangeSource(api).GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 99, CancellationToken.None));

        Assert.Contains("#99", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acquire_WithoutWorkspace_FilesFromFilesApiAndOneArchivePerSide()
    {
        using var fake = new FakeGitHub();
        fake.AddFile("models/stg_customers.sql", patch: Patch);
        fake.AddFile("models/new.sql", "added", "@@ -0,0 +1 @@\n+select 1");
        fake.AddFile("models/old.sql", "removed", "@@ -1 +0,0 @@\n-select 2");
        fake.AddFile("models/renamed.sql", "renamed", "@@ -1 +1 @@\n-a\n+b", previous: "models/before.sql");
        fake.Trees[fake.BaseSha] = new() { ["models/stg_customers.sql"] = "select id,\n  name\nfrom customers\n", ["models/old.sql"] = "select 2\n" };
        fake.Trees[fake.HeadSha] = new() { ["models/stg_customers.sql"] = "select id,\n  name,\n  email\nfrom customers\n", ["models/new.sql"] = "select 1\n", ["models/renamed.sql"] = "b\n" };
        using var api = TestApi.For(fake);
        var source = new GitHubChangeSource(api);
        var pr = await source.GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);

        var change = await source.AcquireAsync(pr, ReviewConfig.Default, workspace: null, CancellationToken.None);

        Assert.Equal("api", source.ContentSource);
        Assert.Equal(["models/stg_customers.sql", "models/new.sql", "models/old.sql", "models/renamed.sql"], change.Files.Select(f => f.Path));
        Assert.Equal([ChangeKind.Modified, ChangeKind.Added, ChangeKind.Deleted, ChangeKind.Renamed], change.Files.Select(f => f.Kind));
        Assert.Equal("models/before.sql", change.Files[3].OldPath);
        var hunk = Assert.Single(change.Files[0].Hunks);
        Assert.Equal((1, 3, 1, 4), (hunk.BaseStart, hunk.BaseCount, hunk.HeadStart, hunk.HeadCount));
        Assert.True(change.Files[0].IsAddedLine(3));
        Assert.Equal(["  name,", "  email"], change.Files[0].AddedLines.Select(l => l.Text));
        Assert.Equal("https://github.com/Codertocat/Hello-World/blob/ec26c3e57ca3a959ca5aad62de7213c562f8c821/", change.BlobUrlPrefix);
        Assert.Same(pr.Info, change.PullRequest);
        var head = await change.Head.ReadFilesAsync(["models/stg_customers.sql"], CancellationToken.None);
        Assert.Contains("email", head["models/stg_customers.sql"], StringComparison.Ordinal);
        var @base = await change.Base.ReadFilesAsync(["models/old.sql"], CancellationToken.None);
        Assert.Equal("select 2\n", @base["models/old.sql"]);
        Assert.Equal(1, fake.CountRequests("GET", $"/tarball/{fake.BaseSha}"));
        Assert.Equal(1, fake.CountRequests("GET", $"/tarball/{fake.HeadSha}"));
        Assert.DoesNotContain(fake.Requests, r => r.Headers.TryGetValue("Accept", out var accept) && accept.Contains("diff", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Acquire_ArchiveRedirected_FollowsToCodeload()
    {
        using var fake = new FakeGitHub { RedirectArchives = true };
        fake.AddFile("a.sql", patch: "@@ -1 +1 @@\n-a\n+b");
        fake.Trees[fake.BaseSha] = new() { ["a.sql"] = "a\n" };
        fake.Trees[fake.HeadSha] = new() { ["a.sql"] = "b\n" };
        using var api = TestApi.For(fake);
        var source = new GitHubChangeSource(api);
        var pr = await source.GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);

        var change = await source.AcquireAsync(pr, ReviewConfig.Default, null, CancellationToken.None);

        Assert.Equal("b\n", (await change.Head.ReadFilesAsync(["a.sql"], CancellationToken.None))["a.sql"]);
        Assert.Equal(2, fake.Requests.Count(r => r.Path.StartsWith("/codeload/", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Acquire_ArchiveOverTheLimit_RefusedWithAdviceToCheckOut(bool redirect)
    {
        using var fake = new FakeGitHub { RedirectArchives = redirect };
        fake.AddFile("a.sql", patch: "@@ -1 +1 @@\n-a\n+b");
        var noise = string.Concat(Enumerable.Range(0, 4000).Select(i => (i * 2654435761u).ToString("x8", System.Globalization.CultureInfo.InvariantCulture)));
        fake.Trees[fake.BaseSha] = new() { ["a.sql"] = "a\n", ["blob.txt"] = noise };
        fake.Trees[fake.HeadSha] = new() { ["a.sql"] = "b\n", ["blob.txt"] = noise };
        using var api = GitHubClientFactory.Create(new GitHubOptions { ApiUrl = new Uri(fake.ApiUrl), Token = "t", MaxArchiveBytes = 4_000 });
        var source = new GitHubChangeSource(api);
        var pr = await source.GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => source.AcquireAsync(pr, ReviewConfig.Default, null, CancellationToken.None));

        Assert.Contains("the 4 KiB limit", e.Message, StringComparison.Ordinal);
        Assert.Contains("fetch-depth: 0", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acquire_350Files_PaginatedByHundreds()
    {
        using var fake = new FakeGitHub();
        for (var i = 0; i < 350; i++)
        {
            fake.AddFile($"models/m{i:000}.sql", patch: "@@ -1 +1 @@\n-a\n+b");
        }

        fake.Trees[fake.BaseSha] = fake.Files.ToDictionary(f => (string)f["filename"]!, _ => "a\n");
        fake.Trees[fake.HeadSha] = fake.Files.ToDictionary(f => (string)f["filename"]!, _ => "b\n");
        using var api = TestApi.For(fake);
        var source = new GitHubChangeSource(api);
        var pr = await source.GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);

        var change = await source.AcquireAsync(pr, ReviewConfig.Default, null, CancellationToken.None);

        Assert.Equal(350, change.Files.Count);
        Assert.Equal(350, change.Files.Select(f => f.Path).Distinct().Count());
        var pages = fake.Requests.Where(r => r.Path.EndsWith("/pulls/2/files", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, pages.Count);
        Assert.All(pages, p => Assert.Contains("per_page=100", p.Query, StringComparison.Ordinal));
        Assert.Empty(change.Skipped);
    }

    [Fact]
    public async Task Acquire_MoreFilesThanMaxFiles_ClippedFilesListedWithReason()
    {
        using var fake = new FakeGitHub();
        for (var i = 0; i < 12; i++)
        {
            fake.AddFile($"m{i:00}.sql", patch: "@@ -1 +1 @@\n-a\n+b");
        }

        fake.Trees[fake.BaseSha] = fake.Files.ToDictionary(f => (string)f["filename"]!, _ => "a\n");
        fake.Trees[fake.HeadSha] = fake.Files.ToDictionary(f => (string)f["filename"]!, _ => "b\n");
        using var api = TestApi.For(fake);
        var source = new GitHubChangeSource(api);
        var pr = await source.GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);
        var config = new ReviewConfig { Limits = new LimitsConfig { MaxFiles = 10 } };

        var change = await source.AcquireAsync(pr, config, null, CancellationToken.None);

        Assert.Equal(10, change.Files.Count);
        Assert.Equal(["m10.sql", "m11.sql"], change.Skipped.Select(s => s.File));
        Assert.All(change.Skipped, s => Assert.Contains("limits.max_files is 10", s.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Acquire_BinaryTooLargeOutsidePathsAndUnlisted_SkippedWithExactReasons()
    {
        using var fake = new FakeGitHub();
        fake.AddFile("docs/logo.png", "added", patch: null, changes: 0);
        fake.AddFile("seeds/huge.csv", "modified", patch: null, changes: 250_000);
        fake.AddFile("vendor/lib.sql", patch: "@@ -1 +1 @@\n-a\n+b");
        fake.AddFile("models/a.sql", patch: "@@ -1 +1 @@\n-a\n+b");
        fake.PullRequest["changed_files"] = 3_010;
        fake.Trees[fake.BaseSha] = [];
        fake.Trees[fake.HeadSha] = new() { ["models/a.sql"] = "b\n" };
        using var api = TestApi.For(fake);
        var source = new GitHubChangeSource(api);
        var pr = await source.GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);
        var config = new ReviewConfig { Paths = new PathFilter { Exclude = [new Glob("vendor/**")] } };

        var change = await source.AcquireAsync(pr, config, null, CancellationToken.None);

        Assert.Equal(["models/a.sql"], change.Files.Select(f => f.Path));
        var reasons = change.Skipped.ToDictionary(s => s.File, s => s.Reason);
        Assert.Equal("binary file", reasons["docs/logo.png"]);
        Assert.Equal("diff too large for the GitHub API (250,000 changed lines); not reviewed", reasons["seeds/huge.csv"]);
        Assert.Equal("outside the configured paths", reasons["vendor/lib.sql"]);
        Assert.Contains("3,006 further changed files were not listed", reasons["(3,006 more files)"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acquire_HeadFileOverSizeLimit_SkippedNotHalfReviewed()
    {
        using var fake = new FakeGitHub();
        fake.AddFile("models/big.sql", patch: "@@ -1 +1 @@\n-a\n+b");
        fake.AddFile("models/small.sql", patch: "@@ -1 +1 @@\n-a\n+b");
        fake.Trees[fake.BaseSha] = [];
        fake.Trees[fake.HeadSha] = new() { ["models/big.sql"] = new string('x', 2_000), ["models/small.sql"] = "b\n" };
        using var api = TestApi.For(fake);
        var source = new GitHubChangeSource(api);
        var pr = await source.GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);
        var config = new ReviewConfig { Limits = new LimitsConfig { MaxFileBytes = 1_000 } };

        var change = await source.AcquireAsync(pr, config, null, CancellationToken.None);

        Assert.Equal(["models/small.sql"], change.Files.Select(f => f.Path));
        var skipped = Assert.Single(change.Skipped);
        Assert.Equal("models/big.sql", skipped.File);
        Assert.StartsWith("larger than limits.max_file_bytes", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acquire_ExportIgnoreHidesChangedFilesFromTheArchive_ReadsThemFromTheContentsApi()
    {
        using var fake = new FakeGitHub();
        fake.AddFile("models/secret.sql", patch: "@@ -1 +1 @@\n-select 1\n+select 2");
        fake.AddFile(".gitattributes", "added", "@@ -0,0 +1 @@\n+models/** export-ignore");
        fake.Trees[fake.BaseSha] = new() { ["models/secret.sql"] = "select 1\n" };
        fake.Trees[fake.HeadSha] = new() { ["models/secret.sql"] = "select 2\n", [".gitattributes"] = "models/** export-ignore\n" };
        fake.ExportIgnored.Add("models/secret.sql");
        using var api = TestApi.For(fake);
        var source = new GitHubChangeSource(api);
        var pr = await source.GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);

        var change = await source.AcquireAsync(pr, ReviewConfig.Default, null, CancellationToken.None);

        Assert.Contains(change.Files, f => f.Path == "models/secret.sql");
        Assert.Empty(change.Skipped);
        Assert.Equal("select 2\n", (await change.Head.ReadFilesAsync(["models/secret.sql"], CancellationToken.None))["models/secret.sql"]);
        Assert.Equal("select 1\n", (await change.Base.ReadFilesAsync(["models/secret.sql"], CancellationToken.None))["models/secret.sql"]);
        Assert.Equal(2, fake.Requests.Count(r => r.Path.EndsWith("/contents/models/secret.sql", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Acquire_ChangedFileInNeitherArchiveNorContentsApi_NotAnalysedWithTheReason()
    {
        using var fake = new FakeGitHub();
        fake.AddFile("models/secret.sql", "added", "@@ -0,0 +1 @@\n+select 2");
        fake.Trees[fake.BaseSha] = [];
        fake.Trees[fake.HeadSha] = [];
        using var api = TestApi.For(fake);
        var source = new GitHubChangeSource(api);
        var pr = await source.GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);

        var change = await source.AcquireAsync(pr, ReviewConfig.Default, null, CancellationToken.None);

        Assert.Empty(change.Files);
        var skipped = Assert.Single(change.Skipped);
        Assert.Equal(SkipKind.NotAnalysed, skipped.Kind);
        Assert.StartsWith("missing from the repository archive", skipped.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acquire_GitHubSendsNoPatchForATextFile_NotAnalysedRatherThanBinary()
    {
        using var fake = new FakeGitHub();
        fake.AddFile("models/hidden.sql", "added", patch: null, changes: 0);
        fake.AddFile("data/x.parquet", "added", patch: null, changes: 0);
        fake.AddFile("models/a.sql", patch: "@@ -1 +1 @@\n-a\n+b");
        fake.Trees[fake.BaseSha] = [];
        fake.Trees[fake.HeadSha] = new() { ["models/hidden.sql"] = "grant select on t to public;\n", ["data/x.parquet"] = "PAR1\0\0", ["models/a.sql"] = "b\n" };
        using var api = TestApi.For(fake);
        var source = new GitHubChangeSource(api);
        var pr = await source.GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);

        var change = await source.AcquireAsync(pr, ReviewConfig.Default, null, CancellationToken.None);

        var skipped = change.Skipped.ToDictionary(s => s.File);
        Assert.Equal(SkipKind.NotAnalysed, skipped["models/hidden.sql"].Kind);
        Assert.Contains("no diff for this text file", skipped["models/hidden.sql"].Reason, StringComparison.Ordinal);
        Assert.Equal(SkipKind.Binary, skipped["data/x.parquet"].Kind);
    }

    [Fact]
    public async Task Acquire_OneLinePrInARepositoryWith300MiBOfText_ReadsOnlyTheChangedFile()
    {
        // 300 files of 1 MiB compress to a few hundred KB: the archive path used to decode every text file of both sides.
        using var fake = new FakeGitHub();
        fake.AddFile("models/a.sql", patch: "@@ -1 +1 @@\n-select 1\n+select 2");
        var filler = new string('x', 1 << 20);
        var head = Enumerable.Range(0, 300).ToDictionary(i => $"seeds/big{i:D3}.csv", _ => filler);
        var @base = new Dictionary<string, string>(head) { ["models/a.sql"] = "select 1\n" };
        head["models/a.sql"] = "select 2\n";
        fake.Trees[fake.BaseSha] = @base;
        fake.Trees[fake.HeadSha] = head;
        using var api = TestApi.For(fake);
        var source = new GitHubChangeSource(api);
        var pr = await source.GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);
        var before = GC.GetTotalMemory(forceFullCollection: true);

        var change = await source.AcquireAsync(pr, ReviewConfig.Default, null, CancellationToken.None);
        var read = await change.Head.ReadFilesAsync(["models/a.sql"], CancellationToken.None);

        var retained = GC.GetTotalMemory(forceFullCollection: true) - before;
        Assert.Equal("select 2\n", read["models/a.sql"]);
        Assert.True(retained < 64L << 20, $"retained {retained / (1 << 20)} MiB");
        Assert.Equal(301, (await change.Head.ListFilesAsync(CancellationToken.None)).Count);
        GC.KeepAlive(change);
    }

    [Fact]
    public async Task Acquire_WorkspaceHasBothCommits_ReadsGitNotArchives()
    {
        using var ws = GitWorkspace.Create(
            new Dictionary<string, string> { ["models/a.sql"] = "select a\n", ["README.md"] = "x\n" },
            new Dictionary<string, string> { ["models/a.sql"] = "select b\n", ["README.md"] = "x\n" });
        using var fake = new FakeGitHub();
        fake.HeadSha = ws.HeadSha;
        fake.BaseSha = ws.BaseSha;
        fake.AddFile("models/a.sql", patch: "@@ -1 +1 @@\n-select a\n+select b");
        using var api = TestApi.For(fake);
        var source = new GitHubChangeSource(api);
        var pr = await source.GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);

        var change = await source.AcquireAsync(pr, ReviewConfig.Default, ws.Path, CancellationToken.None);

        Assert.Equal("workspace", source.ContentSource);
        Assert.Equal("select b\n", (await change.Head.ReadFilesAsync(["models/a.sql"], CancellationToken.None))["models/a.sql"]);
        Assert.Equal("select a\n", (await change.Base.ReadFilesAsync(["models/a.sql"], CancellationToken.None))["models/a.sql"]);
        Assert.Equal(["README.md", "models/a.sql"], await change.Head.ListFilesAsync(CancellationToken.None));
        Assert.DoesNotContain(fake.Requests, r => r.Path.Contains("/tarball/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Acquire_WorkspaceWithoutTheCommits_FallsBackToArchives()
    {
        using var ws = GitWorkspace.Create(new Dictionary<string, string> { ["x"] = "1\n" }, new Dictionary<string, string> { ["x"] = "2\n" });
        using var fake = new FakeGitHub();
        fake.AddFile("a.sql", patch: "@@ -1 +1 @@\n-a\n+b");
        fake.Trees[fake.BaseSha] = new() { ["a.sql"] = "a\n" };
        fake.Trees[fake.HeadSha] = new() { ["a.sql"] = "b\n" };
        using var api = TestApi.For(fake);
        var source = new GitHubChangeSource(api);
        var pr = await source.GetPullRequestAsync(RepositoryId.Parse(fake.FullName), 2, CancellationToken.None);

        await source.AcquireAsync(pr, ReviewConfig.Default, ws.Path, CancellationToken.None);

        Assert.Equal("api", source.ContentSource);
    }

    [Fact]
    public async Task ReadBaseConfig_FromBaseShaNotHead_ThePrCannotSwitchItsReviewOff()
    {
        using var fake = new FakeGitHub();
        fake.Trees[fake.BaseSha] = new() { [".github/reviewbot.yml"] = "fail_on: medium\n" };
        fake.Trees[fake.HeadSha] = new() { [".github/reviewbot.yml"] = "fail_on: critical\nagents:\n  governance: false\n" };
        using var api = TestApi.For(fake);

        var config = await new GitHubChangeSource(api).ReadBaseConfigAsync(
            RepositoryId.Parse(fake.FullName), fake.BaseSha, ConfigLoader.DefaultPath, null, CancellationToken.None);

        Assert.Equal(Severity.Medium, config.FailOn);
        Assert.Empty(config.Agents);
        var request = Assert.Single(fake.Requests);
        Assert.Contains($"ref={fake.BaseSha}", request.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadBaseConfig_NoFile_Defaults()
    {
        using var fake = new FakeGitHub();
        using var api = TestApi.For(fake);

        var config = await new GitHubChangeSource(api).ReadBaseConfigAsync(
            RepositoryId.Parse(fake.FullName), fake.BaseSha, ConfigLoader.DefaultPath, null, CancellationToken.None);

        Assert.Same(ReviewConfig.Default, config);
    }

    [Fact]
    public async Task ReadBaseConfig_Invalid_InvalidInputNamingFileAndLine()
    {
        using var fake = new FakeGitHub();
        fake.Trees[fake.BaseSha] = new() { [".github/reviewbot.yml"] = "fail_on: high\nmax_paralel: 3\n" };
        using var api = TestApi.For(fake);

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => new GitHubChangeSource(api).ReadBaseConfigAsync(
            RepositoryId.Parse(fake.FullName), fake.BaseSha, ConfigLoader.DefaultPath, null, CancellationToken.None));

        Assert.StartsWith(".github/reviewbot.yml@f95f852:2:", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fail_on: low\n", false)]
    [InlineData("\uFEFFfail_on: low\n", false)] // a byte order mark is not YAML
    [InlineData(null, true)] // no config at base: the defaults, whatever the head adds
    public async Task ReadBaseConfig_WorkspaceHasBase_ReadFromGitWithoutARequest(string? baseConfig, bool defaults)
    {
        var baseFiles = new Dictionary<string, string> { ["models/a.sql"] = "select 1\n" };
        if (baseConfig is not null)
        {
            baseFiles[".github/reviewbot.yml"] = baseConfig;
        }

        using var ws = GitWorkspace.Create(baseFiles, new Dictionary<string, string> { ["models/a.sql"] = "select 1\n", [".github/reviewbot.yml"] = "fail_on: critical\n" });
        using var fake = new FakeGitHub();
        using var api = TestApi.For(fake);

        var config = await new GitHubChangeSource(api).ReadBaseConfigAsync(
            RepositoryId.Parse(fake.FullName), ws.BaseSha, ConfigLoader.DefaultPath, ws.Path, CancellationToken.None);

        Assert.Equal(defaults ? ReviewConfig.Default.FailOn : Severity.Low, config.FailOn);
        Assert.Empty(fake.Requests);
    }

    [Theory]
    [InlineData("folder", "not a file (a tree)")]
    [InlineData("huge", "the limit is 1,048,576")]
    [InlineData("binary", "a binary file, not YAML")]
    public async Task ReadBaseConfig_WorkspaceConfigUnreadable_ClearErrorNoDefaults(string shape, string expected)
    {
        var baseFiles = shape switch
        {
            "folder" => new Dictionary<string, string> { [".github/reviewbot.yml/inner.yml"] = "fail_on: low\n" },
            "huge" => new Dictionary<string, string> { [".github/reviewbot.yml"] = "# " + new string('x', (4 * ConfigLoader.MaxBytes) + 1) + "\n" },
            _ => new Dictionary<string, string> { [".github/reviewbot.yml"] = "fail_on: low\0\n" },
        };
        using var ws = GitWorkspace.Create(baseFiles, new Dictionary<string, string> { ["README.md"] = "x\n" });
        using var fake = new FakeGitHub();
        using var api = TestApi.For(fake);

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => new GitHubChangeSource(api).ReadBaseConfigAsync(
            RepositoryId.Parse(fake.FullName), ws.BaseSha, ConfigLoader.DefaultPath, ws.Path, CancellationToken.None));

        Assert.Contains(".github/reviewbot.yml@", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Empty(fake.Requests);
    }
    [Fact]
    public async Task ReadBaseConfig_WorkspaceIsNotARepository_ReadsTheContentsApi()
    {
        // The Action without actions/checkout: GITHUB_WORKSPACE is an empty folder, git exits before reading its input.
        using var fake = new FakeGitHub();
        fake.Trees[fake.BaseSha] = new() { [".github/reviewbot.yml"] = "fail_on: medium\n" };
        using var api = TestApi.For(fake);
        var empty = Directory.CreateTempSubdirectory("reviewbot-empty-workspace");
        try
        {
            var config = await new GitHubChangeSource(api).ReadBaseConfigAsync(
                RepositoryId.Parse(fake.FullName), fake.BaseSha, ConfigLoader.DefaultPath, empty.FullName, CancellationToken.None);

            Assert.Equal(Severity.Medium, config.FailOn);
            Assert.Contains($"ref={fake.BaseSha}", Assert.Single(fake.Requests).Query, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }
}
