using System.Text;
using ReviewBot.Core.Changes;
using ReviewBot.TestUtils;

namespace ReviewBot.Core.Tests.Changes;

public sealed class GitChangeSourceTests : IDisposable
{
    private readonly TempGitRepo _repo = TempGitRepo.Create();
    private readonly List<string> _cleanup = [];

    public void Dispose()
    {
        _repo.Dispose();
        foreach (var path in _cleanup)
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
            else if (File.Exists(path))
            {
                File.Delete(path);
            }
        }
    }

    [Fact]
    public async Task FromRangeAsync_BranchBehindMain_ReviewsOnlyTheBranchChangesFromTheMergeBase()
    {
        _repo.WriteFile("models/orders.sql", "select 1\n");
        _repo.WriteFile("models/customers.sql", "select 1\n");
        var mergeBase = _repo.Commit("base");
        _repo.Branch("feature", checkout: true);
        _repo.WriteFile("models/orders.sql", "select 2\n");
        var feature = _repo.Commit("feature change");
        _repo.Checkout("main");
        _repo.WriteFile("models/customers.sql", "select 3\n");
        _repo.Commit("main moves on");

        var change = await GitChangeSource.FromRangeAsync(_repo.Root, "main", "feature", CancellationToken.None);

        var file = Assert.Single(change.Files);
        Assert.Equal(("models/orders.sql", ChangeKind.Modified), (file.Path, file.Kind));
        Assert.Equal(mergeBase, change.Base.Revision);
        Assert.Equal(feature, change.Head.Revision);
        Assert.Null(change.PullRequest);
        Assert.Null(change.BlobUrlPrefix);
        var before = await change.Base.ReadFilesAsync(["models/orders.sql", "models/customers.sql"], CancellationToken.None);
        var after = await change.Head.ReadFilesAsync(["models/orders.sql", "models/customers.sql"], CancellationToken.None);
        Assert.Equal("select 1\n", before["models/orders.sql"]);
        Assert.Equal("select 1\n", before["models/customers.sql"]);
        Assert.Equal("select 2\n", after["models/orders.sql"]);
        Assert.Equal("select 1\n", after["models/customers.sql"]);
    }

    [Fact]
    public async Task FromRangeAsync_HeadOmitted_UsesCheckedOutHead()
    {
        _repo.WriteFile("a.sql", "select 1\n");
        _repo.Commit("base");
        _repo.Branch("feature", checkout: true);
        _repo.WriteFile("b.sql", "select 2\n");
        var head = _repo.Commit("add b");

        var change = await GitChangeSource.FromRangeAsync(_repo.Root, "main", null, CancellationToken.None);

        Assert.Equal(head, change.Head.Revision);
        Assert.Equal([("b.sql", ChangeKind.Added)], change.Files.Select(f => (f.Path, f.Kind)));
    }

    [Fact]
    public async Task FromRangeAsync_FromSubfolderWithShaRefs_PathsAreRelativeToTheRepositoryRoot()
    {
        _repo.WriteFile("dbt/models/a.sql", "select 1\n");
        var first = _repo.Commit("base");
        _repo.WriteFile("dbt/models/a.sql", "select 2\n");
        var second = _repo.Commit("change");

        var change = await GitChangeSource.FromRangeAsync(_repo.PathOf("dbt/models"), first[..10], second, CancellationToken.None);

        Assert.Equal("dbt/models/a.sql", Assert.Single(change.Files).Path);
        Assert.Equal(first, change.Base.Revision);
    }

    [Fact]
    public async Task FromRangeAsync_HostileUserGitConfig_OutputIsStillParsedCorrectly()
    {
        _repo.WriteFile("models/p\u00e4th one.sql", "select 1\n");
        _repo.WriteFile("sub/x.sql", "a\n\nb\n");
        var first = _repo.Commit("base");
        _repo.WriteFile("models/p\u00e4th one.sql", "select 2\n");
        _repo.WriteFile("sub/x.sql", "a\n\nc\n");
        var second = _repo.Commit("change");
        _repo.Config("diff.noprefix", "true")
            .Config("diff.mnemonicPrefix", "true")
            .Config("color.ui", "always")
            .Config("color.diff", "always")
            .Config("core.quotepath", "false")
            .Config("diff.external", "/bin/false")
            .Config("diff.relative", "true")
            .Config("diff.context", "0")
            .Config("diff.suppressBlankEmpty", "true")
            .Config("diff.renames", "false");

        var change = await GitChangeSource.FromRangeAsync(_repo.PathOf("sub"), first, second, CancellationToken.None);

        var files = change.Files.ToDictionary(f => f.Path);
        Assert.Equal(2, files.Count);
        Assert.Equal("select 2", files["models/p\u00e4th one.sql"].AddedLines.Single().Text);
        var lines = files["sub/x.sql"].Hunks.Single().Lines;
        Assert.Equal(
            [(DiffLineKind.Context, "a", (int?)1, (int?)1), (DiffLineKind.Context, "", 2, 2), (DiffLineKind.Removed, "b", 3, null), (DiffLineKind.Added, "c", null, 3)],
            lines.Select(l => (l.Kind, l.Text, l.BaseLine, l.HeadLine)));
    }

    [Fact]
    public async Task FromRangeAsync_RenamesCopiesBinaryAndModes_AllComeThrough()
    {
        var body = string.Join('\n', Enumerable.Range(1, 20).Select(i => $"row {i}")) + "\n";
        _repo.WriteFile("seeds/a.csv", body);
        _repo.WriteFile("old.sql", "select 1\n");
        _repo.WriteFile("run.sh", "echo\n");
        _repo.WriteFile("img.png", [1, 0, 2]);
        var first = _repo.Commit("base");
        _repo.WriteFile("seeds/a.csv", body + "row 21\n");
        _repo.WriteFile("seeds/b.csv", body);
        _repo.Move("old.sql", "new.sql");
        _repo.SetExecutable("run.sh");
        _repo.WriteFile("img.png", [1, 0, 3]);
        var second = _repo.Commit("change");

        var change = await GitChangeSource.FromRangeAsync(_repo.Root, first, second, CancellationToken.None);

        var files = change.Files.ToDictionary(f => f.Path);
        Assert.Equal((ChangeKind.Copied, "seeds/a.csv"), (files["seeds/b.csv"].Kind, files["seeds/b.csv"].OldPath));
        Assert.Equal((ChangeKind.Renamed, "old.sql", 100), (files["new.sql"].Kind, files["new.sql"].OldPath, files["new.sql"].Similarity));
        Assert.Equal(("100644", "100755"), (files["run.sh"].OldMode, files["run.sh"].NewMode));
        Assert.True(files["img.png"].IsBinary);
        Assert.Empty(change.Skipped); // binaries stay in Files (IsBinary); the pipeline decides what to skip
    }

    [Fact]
    public async Task FromRangeAsync_BareRepositoryWithPullRef_ReviewsThePullRequestAgainstItsMergeBase()
    {
        _repo.WriteFile("models/orders.sql", "select 1\n");
        var mergeBase = _repo.Commit("base");
        _repo.Branch("feature", checkout: true);
        _repo.WriteFile("models/orders.sql", "select 2\n");
        var feature = _repo.Commit("feature");
        _repo.Checkout("main");
        var bare = Path.Combine(Path.GetTempPath(), "rb-bare-" + Guid.NewGuid().ToString("N"));
        _cleanup.Add(bare);
        _repo.Run("clone", "--bare", "--quiet", _repo.Root, bare);
        _repo.Run("--git-dir", bare, "update-ref", "refs/pull/7/head", feature);

        var change = await GitChangeSource.FromRangeAsync(bare, "main", "refs/pull/7/head", CancellationToken.None);

        Assert.Equal("models/orders.sql", Assert.Single(change.Files).Path);
        Assert.Equal(mergeBase, change.Base.Revision);
        var head = await change.Head.ReadFilesAsync(["models/orders.sql"], CancellationToken.None);
        Assert.Equal("select 2\n", head["models/orders.sql"]);
    }

    [Fact]
    public async Task FromRangeAsync_MissingRepositoryPath_ThrowsNamingThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), "reviewbot-tests", "does-not-exist-" + Guid.NewGuid().ToString("N"));

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => GitChangeSource.FromRangeAsync(missing, "main", null, CancellationToken.None));

        Assert.Equal($"repository path '{missing}' does not exist", e.Message);
    }

    [Fact]
    public async Task FromRangeAsync_FolderThatIsNotARepository_ThrowsNotAGitRepository()
    {
        var folder = NewTempFolder();

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => GitChangeSource.FromRangeAsync(folder, "main", null, CancellationToken.None));

        Assert.Equal($"'{folder}' is not a git repository", e.Message);
    }

    [Theory]
    [InlineData("no-such-branch", null, "base")]
    [InlineData("main", "origin/nope", "head")]
    [InlineData("--output=/tmp/x", null, "base")]
    [InlineData("main", "0123456789abcdef0123456789abcdef01234567", "head")]
    public async Task FromRangeAsync_UnknownRef_ThrowsNamingTheRef(string @base, string? head, string role)
    {
        _repo.WriteFile("a.sql", "select 1\n");
        _repo.Commit("base");

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => GitChangeSource.FromRangeAsync(_repo.Root, @base, head, CancellationToken.None));

        Assert.StartsWith($"unknown {role} ref '{(role == "base" ? @base : head)}'", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task FromRangeAsync_EmptyBase_ThrowsInvalidInput(string @base)
    {
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => GitChangeSource.FromRangeAsync(_repo.Root, @base, null, CancellationToken.None));

        Assert.Equal("the base ref is empty: name a branch, tag or commit", e.Message);
    }

    [Fact]
    public async Task FromRangeAsync_EmptyRepositoryWithoutCommits_ThrowsUnknownRef()
    {
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => GitChangeSource.FromRangeAsync(_repo.Root, "main", null, CancellationToken.None));

        Assert.StartsWith("unknown base ref 'main'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromRangeAsync_UnrelatedHistories_ThrowsNoCommonHistory()
    {
        _repo.WriteFile("a.sql", "select 1\n");
        _repo.Commit("main root");
        _repo.Run("checkout", "--quiet", "--orphan", "other");
        _repo.WriteFile("b.sql", "select 2\n");
        _repo.Commit("other root");

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => GitChangeSource.FromRangeAsync(_repo.Root, "main", "other", CancellationToken.None));

        Assert.Equal($"'main' and 'other' have no common history in '{_repo.Root}'", e.Message);
    }

    [Fact]
    public async Task FromRangeAsync_ShallowCloneMissingTheBase_SaysTheCloneIsShallow()
    {
        _repo.WriteFile("a.sql", "select 1\n");
        _repo.Commit("one");
        _repo.WriteFile("a.sql", "select 2\n");
        var first = _repo.Commit("two");
        _repo.WriteFile("a.sql", "select 3\n");
        _repo.Commit("three");
        var clone = NewTempFolder();
        _repo.Run("clone", "--quiet", "--depth", "1", "file://" + _repo.Root, clone);

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => GitChangeSource.FromRangeAsync(clone, first, null, CancellationToken.None));

        Assert.StartsWith($"unknown base ref '{first}'", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("the clone is shallow: fetch the history of both refs (for actions/checkout, fetch-depth: 0)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromRangeAsync_SameCommit_GivesAnEmptyChange()
    {
        _repo.WriteFile("a.sql", "select 1\n");
        _repo.Commit("base");

        var change = await GitChangeSource.FromRangeAsync(_repo.Root, "main", "HEAD", CancellationToken.None);

        Assert.Empty(change.Files);
    }

    [Fact]
    public async Task FromRangeAsync_CancelledToken_Throws()
    {
        _repo.WriteFile("a.sql", "select 1\n");
        _repo.Commit("base");
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => GitChangeSource.FromRangeAsync(_repo.Root, "main", null, cts.Token));
    }

    [Fact]
    public async Task GitSnapshot_ReadFiles_SkipsBinaryLargeSymlinkAndMissingFiles()
    {
        _repo.WriteFile("text.sql", "\uFEFFselect 1\n");
        _repo.WriteFile("bin.dat", [65, 0, 66]);
        _repo.WriteFile("big.sql", new string('x', GitSnapshot.DefaultMaxFileBytes + 1));
        _repo.WriteFile("exactly-limit.sql", new string('y', GitSnapshot.DefaultMaxFileBytes));
        _repo.WriteFile("latin1.sql", [0x63, 0x61, 0x66, 0xE9]);
        if (!OperatingSystem.IsWindows())
        {
            File.CreateSymbolicLink(_repo.PathOf("link.sql"), "/etc/hostname");
        }

        var sha = _repo.Commit("files");
        var snapshot = new GitSnapshot(_repo.Root, sha);

        var listed = await snapshot.ListFilesAsync(CancellationToken.None);
        var read = await snapshot.ReadFilesAsync(["text.sql", "bin.dat", "big.sql", "exactly-limit.sql", "latin1.sql", "link.sql", "missing.sql"], CancellationToken.None);

        Assert.Contains("bin.dat", listed);
        Assert.Contains("big.sql", listed);
        Assert.Equal(["exactly-limit.sql", "latin1.sql", "text.sql"], read.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("select 1\n", read["text.sql"]);
        Assert.Equal("caf\uFFFD", read["latin1.sql"]);
        Assert.Equal(GitSnapshot.DefaultMaxFileBytes, read["exactly-limit.sql"].Length);
    }

    [Fact]
    public async Task GitSnapshot_ReadManyFiles_OneBatchReturnsEveryFile()
    {
        for (var i = 0; i < 1000; i++)
        {
            _repo.WriteFile($"models/m{i}.sql", $"select {i}\n" + new string('-', i % 300) + "\n");
        }

        var sha = _repo.Commit("many");
        var snapshot = new GitSnapshot(_repo.Root, sha);

        var paths = (await snapshot.ListFilesAsync(CancellationToken.None)).ToList();
        var read = await snapshot.ReadFilesAsync(paths, CancellationToken.None);

        Assert.Equal(1000, read.Count);
        Assert.Equal("select 734\n" + new string('-', 734 % 300) + "\n", read["models/m734.sql"]);
    }

    [Fact]
    public async Task GitSnapshot_PathsWithSpacesQuotesAndUnicode_AreListedAndRead()
    {
        const string odd = "models/p\u00e4th \"q\" \u65e5.sql";
        _repo.WriteFile(odd, "select 1\n");
        var sha = _repo.Commit("odd");
        var snapshot = new GitSnapshot(_repo.Root, sha);

        Assert.Equal([odd], await snapshot.ListFilesAsync(CancellationToken.None));
        Assert.Equal("select 1\n", (await snapshot.ReadFilesAsync([odd], CancellationToken.None))[odd]);
    }

    [Fact]
    public async Task FromDiffFileAsync_WorkingTreeDiff_HeadIsDiskAndBaseIsHeadCommit()
    {
        _repo.WriteFile("models/a.sql", "select 1\n");
        _repo.WriteFile(".gitignore", "target/\n");
        var head = _repo.Commit("base");
        _repo.WriteFile("models/a.sql", "select 2\n");
        _repo.WriteFile("target/compiled.sql", "ignored\n");
        var diffFile = NewTempFile(_repo.RunBytes("diff"));

        var change = await GitChangeSource.FromDiffFileAsync(_repo.Root, diffFile, CancellationToken.None);

        Assert.Equal("models/a.sql", Assert.Single(change.Files).Path);
        Assert.Equal(head, change.Base.Revision);
        Assert.Equal(WorkingTreeSnapshot.WorkingTreeRevision, change.Head.Revision);
        Assert.Equal("select 1\n", (await change.Base.ReadFilesAsync(["models/a.sql"], CancellationToken.None))["models/a.sql"]);
        Assert.Equal("select 2\n", (await change.Head.ReadFilesAsync(["models/a.sql"], CancellationToken.None))["models/a.sql"]);
        Assert.Equal([".gitignore", "models/a.sql"], await change.Head.ListFilesAsync(CancellationToken.None));
        Assert.Null(change.PullRequest);
    }

    [Fact]
    public async Task FromDiffFileAsync_FolderThatIsNotARepository_UsesTheWorkingTreeForBoth()
    {
        var folder = NewTempFolder();
        File.WriteAllText(Path.Combine(folder, "a.sql"), "select 2\n");
        Directory.CreateDirectory(Path.Combine(folder, ".git-not-really"));
        var diffFile = NewTempFile("diff --git a/a.sql b/a.sql\n--- a/a.sql\n+++ b/a.sql\n@@ -1 +1 @@\n-select 1\n+select 2\n"u8.ToArray());

        var change = await GitChangeSource.FromDiffFileAsync(folder, diffFile, CancellationToken.None);

        Assert.Equal("a.sql", Assert.Single(change.Files).Path);
        Assert.Same(change.Base, change.Head);
        Assert.Equal(["a.sql"], await change.Head.ListFilesAsync(CancellationToken.None));
        Assert.Equal("select 2\n", (await change.Head.ReadFilesAsync(["a.sql", "../escape.sql", "missing.sql"], CancellationToken.None))["a.sql"]);
    }

    [Fact]
    public async Task FromDiffFileAsync_MissingDiffFile_ThrowsNamingTheFile()
    {
        var missing = Path.Combine(_repo.Root, "nope.diff");

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => GitChangeSource.FromDiffFileAsync(_repo.Root, missing, CancellationToken.None));

        Assert.Equal($"diff file '{missing}' does not exist", e.Message);
    }

    [Fact]
    public async Task FromDiffFileAsync_DiffFileIsAFolder_ThrowsNamingTheFile()
    {
        var e = await Assert.ThrowsAsync<InvalidInputException>(() => GitChangeSource.FromDiffFileAsync(_repo.Root, _repo.Root, CancellationToken.None));

        Assert.Equal($"diff file '{_repo.Root}' is a folder, not a file", e.Message);
    }

    [Fact]
    public async Task FromDiffFileAsync_UnreadableDiffFile_ThrowsNamingTheFile()
    {
        if (OperatingSystem.IsWindows() || Environment.UserName == "root")
        {
            return; // root reads anything; the permission cannot be taken away
        }

        var file = NewTempFile("diff --git a/x b/x\n"u8.ToArray());
        File.SetUnixFileMode(file, UnixFileMode.None);

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => GitChangeSource.FromDiffFileAsync(_repo.Root, file, CancellationToken.None));

        Assert.StartsWith($"cannot read diff file '{file}'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromDiffFileAsync_NotADiff_ThrowsNamingTheFile()
    {
        var file = NewTempFile(Encoding.UTF8.GetBytes("# README\n\nThis is not a diff.\n"));

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => GitChangeSource.FromDiffFileAsync(_repo.Root, file, CancellationToken.None));

        Assert.Equal($"{file}: not a diff: no 'diff --git' header and no '@@' hunk found", e.Message);
    }

    [Fact]
    public async Task FromDiffFileAsync_TruncatedDiff_ThrowsNamingTheFileAndLine()
    {
        _repo.WriteFile("a.sql", "1\n2\n3\n");
        _repo.Commit("base");
        _repo.WriteFile("a.sql", "1\nX\n3\n4\n");
        var full = _repo.RunBytes("diff");
        var file = NewTempFile(full[..(full.Length - 6)]);

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => GitChangeSource.FromDiffFileAsync(_repo.Root, file, CancellationToken.None));

        Assert.StartsWith($"{file}: line ", e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated diff", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FromDiffFileAsync_EmptyDiffFile_GivesNoFiles()
    {
        _repo.WriteFile("a.sql", "select 1\n");
        _repo.Commit("base");

        var change = await GitChangeSource.FromDiffFileAsync(_repo.Root, NewTempFile([]), CancellationToken.None);

        Assert.Empty(change.Files);
    }

    [Fact]
    public async Task FromDiffFileAsync_MissingRepository_ThrowsNamingThePath()
    {
        var missing = Path.Combine(Path.GetTempPath(), "reviewbot-tests", "missing-" + Guid.NewGuid().ToString("N"));

        var e = await Assert.ThrowsAsync<InvalidInputException>(() => GitChangeSource.FromDiffFileAsync(missing, NewTempFile([]), CancellationToken.None));

        Assert.Equal($"repository path '{missing}' does not exist", e.Message);
    }

    [Fact]
    public async Task WorkingTreeSnapshot_SymlinkedFolder_IsNotFollowed()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var outside = NewTempFolder();
        File.WriteAllText(Path.Combine(outside, "secret.txt"), "secret\n");
        var folder = NewTempFolder();
        Directory.CreateSymbolicLink(Path.Combine(folder, "linked"), outside);
        File.WriteAllText(Path.Combine(folder, "own.txt"), "mine\n");
        var snapshot = new WorkingTreeSnapshot(folder, isGitRepository: false);

        var read = await snapshot.ReadFilesAsync(["linked/secret.txt", "own.txt"], CancellationToken.None);

        Assert.Equal(["own.txt"], read.Keys);
        Assert.Equal(["own.txt"], await snapshot.ListFilesAsync(CancellationToken.None));
    }

    private string NewTempFolder()
    {
        var folder = Path.Combine(Path.GetTempPath(), "reviewbot-tests", "plain-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        _cleanup.Add(folder);
        return Path.GetFullPath(folder);
    }

    private string NewTempFile(byte[] content)
    {
        var path = Path.Combine(NewTempFolder(), "change.diff");
        File.WriteAllBytes(path, content);
        return path;
    }
}
