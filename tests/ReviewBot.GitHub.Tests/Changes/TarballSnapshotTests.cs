using System.Formats.Tar;
using System.IO.Compression;
using ReviewBot.GitHub.Changes;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.GitHub.Tests.Changes;

public sealed class TarballSnapshotTests
{
    [Fact]
    public async Task Read_GitHubShapedArchive_StripsTopFolderKeepsText()
    {
        var bytes = FakeGitHub.BuildTarball("o-r-abc1234", "abc1234", new Dictionary<string, string>
        {
            ["models/a.sql"] = "\uFEFFselect 1\n",
            ["README.md"] = "# r\n",
        });

        var result = await TarballSnapshot.ReadAsync(new MemoryStream(bytes), "abc1234", 1 << 20, 1 << 30, CancellationToken.None);

        Assert.Equal(["README.md", "models/a.sql"], await result.Snapshot.ListFilesAsync(CancellationToken.None));
        Assert.Equal("select 1\n", (await result.Snapshot.ReadFilesAsync(["models/a.sql"], CancellationToken.None))["models/a.sql"]);
        Assert.Empty(result.Dropped);
    }

    [Fact]
    public async Task Read_BinaryNonUtf8OversizedAndOverTotal_DroppedWithReasons()
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

        output.Position = 0;
        var result = await TarballSnapshot.ReadAsync(output, "sha", maxFileBytes: 100, maxTotalBytes: 15, CancellationToken.None);

        Assert.Equal(["a.sql"], await result.Snapshot.ListFilesAsync(CancellationToken.None));
        Assert.Equal("binary", result.Dropped["logo.png"]);
        Assert.Equal("not UTF-8 text", result.Dropped["latin1.csv"]);
        Assert.StartsWith("larger than limits.max_file_bytes", result.Dropped["big.sql"], StringComparison.Ordinal);
        Assert.StartsWith("the repository archive exceeds", result.Dropped["b.sql"], StringComparison.Ordinal);
    }
}
