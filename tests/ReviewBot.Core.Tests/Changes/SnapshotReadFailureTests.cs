using ReviewBot.Core.Changes;
using ReviewBot.TestUtils;

namespace ReviewBot.Core.Tests.Changes;

/// <summary>
/// A changed file that cannot be read is "not analysed" with the real reason, never "binary" (which never blocks):
/// real repositories and real files, each failure produced for real.
/// </summary>
public sealed class SnapshotReadFailureTests : IDisposable
{
    private readonly TempGitRepo _repo = TempGitRepo.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task GitExplainAbsent_BlobMissingFromTheObjectStore_NotAnalysedNamingTheMissingObject()
    {
        _repo.WriteFile("models/orders.sql", "select 1 as id\n").WriteFile("models/kept.sql", "select 2 as id\n");
        var commit = _repo.Commit("two models");
        var blob = _repo.Run("rev-parse", $"{commit}:models/orders.sql").Trim();
        File.Delete(Path.Combine(_repo.Root, ".git", "objects", blob[..2], blob[2..])); // a damaged or partial clone

        var absent = await new GitSnapshot(_repo.Root, commit).ExplainAbsentAsync(["models/orders.sql", "models/kept.sql"], CancellationToken.None);

        var why = Assert.Single(absent).Value;
        Assert.Equal("models/orders.sql", why.File);
        Assert.Equal(SkipKind.NotAnalysed, why.Kind);
        Assert.Contains($"git has no object {blob}", why.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkingTreeExplainAbsent_FileLockedByAnotherWriter_NotAnalysedAsUnreadableNotBinary()
    {
        _repo.WriteFile("migrations/002_grant.sql", "grant select on analytics.customers to public;\n");
        await using var locked = new FileStream(_repo.PathOf("migrations/002_grant.sql"), FileMode.Open, FileAccess.ReadWrite, FileShare.None);

        var absent = await new WorkingTreeSnapshot(_repo.Root, isGitRepository: true).ExplainAbsentAsync(["migrations/002_grant.sql"], CancellationToken.None);

        var why = Assert.Single(absent).Value;
        Assert.Equal(SkipKind.NotAnalysed, why.Kind);
        Assert.StartsWith("not readable: ", why.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WorkingTreeExplainAbsent_DirectoryWhereTheDiffHasAFile_NotAnalysedAsADirectory()
    {
        _repo.WriteFile("models/orders.sql/inner.sql", "select 1\n");

        var absent = await new WorkingTreeSnapshot(_repo.Root, isGitRepository: true).ExplainAbsentAsync(["models/orders.sql"], CancellationToken.None);

        var why = Assert.Single(absent).Value;
        Assert.Equal(SkipKind.NotAnalysed, why.Kind);
        Assert.StartsWith("a directory in ", why.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(typeof(UnauthorizedAccessException), "not readable: permission denied")]
    [InlineData(typeof(FileNotFoundException), "vanished while being read")]
    [InlineData(typeof(DirectoryNotFoundException), "vanished while being read")]
    [InlineData(typeof(IOException), "not readable: ")]
    public void ReadFailure_EachKindOfFailedRead_NamedAndNotAnalysed(Type exception, string reason)
    {
        var why = WorkingTreeSnapshot.ReadFailure("m.sql", (Exception)Activator.CreateInstance(exception, "boom")!);

        Assert.NotNull(why);
        Assert.Equal(SkipKind.NotAnalysed, why.Kind);
        Assert.StartsWith(reason, why.Reason, StringComparison.Ordinal);
    }
}

/// <summary>The content check's memory: runs alone, as the allocation meter is process-wide.</summary>
[Collection(nameof(UnifiedDiffParserMemoryTests))]
public sealed class SnapshotPeekMemoryTests
{
    [Fact]
    public async Task GitExplainAbsent_LargeTextAndBinaryBlobs_DecidesFromTheFirstBytesWithoutHoldingThem()
    {
        using var repo = TempGitRepo.Create();
        repo.WriteFile("data/big.csv", string.Concat(Enumerable.Repeat("id,name,amount\n", 300_000))) // 4.5 MB of text
            .WriteFile("data/blob.parquet", [0x50, 0x41, 0x52, 0x31, 0, 1, 2, 3]);
        var commit = repo.Commit("data");
        var snapshot = new GitSnapshot(repo.Root, commit) { MaxFileBytes = 8 << 20 };

        var before = GC.GetTotalAllocatedBytes(precise: true);
        var absent = await snapshot.ExplainAbsentAsync(["data/big.csv", "data/blob.parquet"], CancellationToken.None);

        Assert.Equal(["data/blob.parquet"], absent.Keys);
        Assert.Equal(SkipKind.Binary, absent["data/blob.parquet"].Kind);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 2_000_000, "the 4.5 MB blob was not read into memory");
    }
}
