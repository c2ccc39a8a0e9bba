using System.Formats.Tar;
using System.IO.Compression;
using ReviewBot.Core.Changes;
using ReviewBot.GitHub.Changes;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.GitHub.Tests.Changes;

public sealed class TarballSnapshotTests
{
    [Fact]
    public async Task Open_GitHubShapedArchive_StripsTopFolderKeepsText()
    {
        var bytes = FakeGitHub.BuildTarball("o-r-abc1234", "abc1234", new Dictionary<string, string>
        {
            ["models/a.sql"] = "\uFEFFselect 1\n",
            ["README.md"] = "# r\n",
        });

        var snapshot = await TarballSnapshot.OpenAsync(bytes, "abc1234", 1 << 20, 1 << 30, CancellationToken.None);

        Assert.Equal(["README.md", "models/a.sql"], await snapshot.ListFilesAsync(CancellationToken.None));
        Assert.Equal("select 1\n", (await snapshot.ReadFilesAsync(["models/a.sql"], CancellationToken.None))["models/a.sql"]);
    }

    [Fact]
    public async Task Explain_BinaryNonUtf8OversizedAndOverBudget_EachWithItsReason()
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            void Add(string name, byte[] data) => tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "top/" + name) { DataStream = new MemoryStream(data) });
            Add("logo.png", [0x89, 0x50, 0x00, 0x47]);
            Add("latin1.csv", [0x63, 0xE9, 0x0A]);
            Add("big.sql", new byte[200]);
            Add("a.sql", "aaaaaaaaaa"u8.ToArray());
            Add("b.sql", "bbbbbbbbbb"u8.ToArray());
        }

        var snapshot = await TarballSnapshot.OpenAsync(output.ToArray(), "sha", maxFileBytes: 100, maxTotalBytes: 15, CancellationToken.None);

        string[] all = ["logo.png", "latin1.csv", "big.sql", "a.sql", "b.sql", "gone.sql"];
        var absent = await snapshot.ExplainAbsentAsync(all, CancellationToken.None);

        Assert.Equal(["a.sql"], all.Where(p => !absent.ContainsKey(p)));
        Assert.Equal(SkipKind.Binary, absent["logo.png"].Kind);
        Assert.Equal("not UTF-8 text", absent["latin1.csv"].Reason);
        Assert.StartsWith("larger than limits.max_file_bytes (200 > 100 bytes)", absent["big.sql"].Reason, StringComparison.Ordinal);
        Assert.StartsWith("the snapshot's budget", absent["b.sql"].Reason, StringComparison.Ordinal);
        Assert.StartsWith("missing from the repository archive", absent["gone.sql"].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Read_LargeRepository_DecodesOnlyTheFilesAskedFor()
    {
        // 2,000 files of 10 KB of text: listing and reading one file must not hold the other 20 MB.
        var files = Enumerable.Range(0, 2_000).ToDictionary(i => $"models/m{i:D4}.sql", i => new string('x', 10_000) + i);
        var bytes = FakeGitHub.BuildTarball("o-r-abc", "abc", files);

        var snapshot = await TarballSnapshot.OpenAsync(bytes, "abc", 1 << 20, 1 << 30, CancellationToken.None);
        var read = await snapshot.ReadFilesAsync(["models/m1999.sql"], CancellationToken.None);

        Assert.EndsWith("1999", read["models/m1999.sql"], StringComparison.Ordinal);
        Assert.Equal(2_000, (await snapshot.ListFilesAsync(CancellationToken.None)).Count);
        Assert.Equal(10_004, snapshot.BytesRead);
    }
}
