using System.Text;
using ReviewBot.Core.Changes;
using ReviewBot.TestUtils;

namespace ReviewBot.Core.Tests.Changes;

/// <summary>The parser on real <c>git diff</c> output, each case made with git in a temp repository.</summary>
public sealed class UnifiedDiffParserGitTests : IDisposable
{
    private readonly TempGitRepo _repo = TempGitRepo.Create();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Parse_ModifiedFile_MapsEveryLineToBaseAndHead()
    {
        _repo.WriteFile("models/orders.sql", "a\nb\nc\nd\ne\n");
        var before = _repo.Commit("base");
        _repo.WriteFile("models/orders.sql", "a\nB\nc\nd\ne\nf\n");
        var after = _repo.Commit("change");

        var file = Assert.Single(Diff(before, after));

        Assert.Equal("models/orders.sql", file.Path);
        Assert.Equal(ChangeKind.Modified, file.Kind);
        Assert.Null(file.OldPath);
        Assert.False(file.IsBinary);
        var hunk = Assert.Single(file.Hunks);
        Assert.Equal((1, 5, 1, 6), (hunk.BaseStart, hunk.BaseCount, hunk.HeadStart, hunk.HeadCount));
        Assert.Equal(
            [
                (DiffLineKind.Context, "a", (int?)1, (int?)1),
                (DiffLineKind.Removed, "b", 2, null),
                (DiffLineKind.Added, "B", null, 2),
                (DiffLineKind.Context, "c", 3, 3),
                (DiffLineKind.Context, "d", 4, 4),
                (DiffLineKind.Context, "e", 5, 5),
                (DiffLineKind.Added, "f", null, 6),
            ],
            Lines(hunk));
        Assert.Equal(2, file.Additions);
        Assert.Equal(1, file.Deletions);
        Assert.True(file.IsAddedLine(6));
        Assert.False(file.IsAddedLine(3));
    }

    [Fact]
    public void Parse_TwoHunks_SecondHunkNumbersAccountForLinesAddedAbove()
    {
        var lines = Enumerable.Range(1, 30).Select(i => $"line {i}").ToList();
        _repo.WriteFile("etl/job.py", string.Join('\n', lines) + "\n");
        var before = _repo.Commit("base");
        lines.Insert(1, "inserted one");
        lines.Insert(2, "inserted two");
        lines[26] = "changed 25";
        _repo.WriteFile("etl/job.py", string.Join('\n', lines) + "\n");
        var after = _repo.Commit("change");

        var file = Assert.Single(Diff(before, after));

        Assert.Equal(2, file.Hunks.Count);
        var second = file.Hunks[1];
        var removed = Assert.Single(second.Lines, l => l.Kind == DiffLineKind.Removed);
        var added = Assert.Single(second.Lines, l => l.Kind == DiffLineKind.Added);
        Assert.Equal(("line 25", 25), (removed.Text, removed.BaseLine!.Value));
        Assert.Equal(("changed 25", 27), (added.Text, added.HeadLine!.Value));
        Assert.All(second.Lines.Where(l => l.Kind == DiffLineKind.Context), l => Assert.Equal(l.BaseLine + 2, l.HeadLine));
        Assert.Equal(second.HeadStart, second.Lines[0].HeadLine);
    }

    [Fact]
    public void Parse_SqlCommentsAndDiffLookalikes_StayHunkContent()
    {
        // "-- comment" removed becomes "--- comment"; "++ x" added becomes "+++ x": not file headers.
        _repo.WriteFile("q.sql", "-- old comment\nselect 1\n");
        var before = _repo.Commit("base");
        _repo.WriteFile("q.sql", "++ odd\ndiff --git a/x b/x\n@@ -1 +1 @@\nselect 1\n");
        var after = _repo.Commit("change");

        var file = Assert.Single(Diff(before, after));

        Assert.Equal(
            [
                (DiffLineKind.Removed, "-- old comment", (int?)1, (int?)null),
                (DiffLineKind.Added, "++ odd", null, 1),
                (DiffLineKind.Added, "diff --git a/x b/x", null, 2),
                (DiffLineKind.Added, "@@ -1 +1 @@", null, 3),
                (DiffLineKind.Context, "select 1", 2, 4),
            ],
            Lines(Assert.Single(file.Hunks)));
    }

    [Fact]
    public void Parse_AddedFile_HasNewModeAndHeadLinesOnly()
    {
        var before = _repo.Commit("empty");
        _repo.WriteFile("models/new_model.sql", "select\n  id\nfrom x\n");
        var after = _repo.Commit("add");

        var file = Assert.Single(Diff(before, after));

        Assert.Equal(ChangeKind.Added, file.Kind);
        Assert.Equal("models/new_model.sql", file.Path);
        Assert.Equal("100644", file.NewMode);
        Assert.Null(file.OldMode);
        var hunk = Assert.Single(file.Hunks);
        Assert.Equal((0, 0, 1, 3), (hunk.BaseStart, hunk.BaseCount, hunk.HeadStart, hunk.HeadCount));
        Assert.Equal([1, 2, 3], hunk.Lines.Select(l => l.HeadLine!.Value));
        Assert.All(hunk.Lines, l => Assert.Equal((DiffLineKind.Added, (int?)null), (l.Kind, l.BaseLine)));
    }

    [Fact]
    public void Parse_DeletedFile_UsesBasePathAndBaseLines()
    {
        _repo.WriteFile("old/legacy.sql", "select 1\nselect 2\n");
        var before = _repo.Commit("base");
        _repo.DeleteFile("old/legacy.sql");
        var after = _repo.Commit("delete");

        var file = Assert.Single(Diff(before, after));

        Assert.Equal(ChangeKind.Deleted, file.Kind);
        Assert.Equal("old/legacy.sql", file.Path);
        Assert.Equal("old/legacy.sql", file.BasePath);
        Assert.Equal("100644", file.OldMode);
        Assert.Equal([(DiffLineKind.Removed, "select 1", (int?)1, (int?)null), (DiffLineKind.Removed, "select 2", 2, null)], Lines(Assert.Single(file.Hunks)));
    }

    [Fact]
    public void Parse_PureRename_HasOldPathSimilarityAndNoHunks()
    {
        _repo.WriteFile("models/stg_orders.sql", "select * from raw.orders\n");
        var before = _repo.Commit("base");
        _repo.Move("models/stg_orders.sql", "models/staging/stg_orders.sql");
        var after = _repo.Commit("move");

        var file = Assert.Single(Diff(before, after));

        Assert.Equal(ChangeKind.Renamed, file.Kind);
        Assert.Equal("models/staging/stg_orders.sql", file.Path);
        Assert.Equal("models/stg_orders.sql", file.OldPath);
        Assert.Equal("models/stg_orders.sql", file.BasePath);
        Assert.Equal(100, file.Similarity);
        Assert.Empty(file.Hunks);
    }

    [Fact]
    public void Parse_RenameWithEdit_HasSimilarityBelow100AndHunk()
    {
        var body = string.Join('\n', Enumerable.Range(1, 20).Select(i => $"  col_{i},")) + "\n";
        _repo.WriteFile("a.sql", "select\n" + body + "from t\n");
        var before = _repo.Commit("base");
        _repo.Move("a.sql", "b.sql");
        _repo.WriteFile("b.sql", "select\n" + body + "from t2\n");
        var after = _repo.Commit("move and edit");

        var file = Assert.Single(Diff(before, after));

        Assert.Equal((ChangeKind.Renamed, "b.sql", "a.sql"), (file.Kind, file.Path, file.OldPath));
        Assert.InRange(file.Similarity!.Value, 50, 99);
        Assert.Equal(("from t2", 22), (file.AddedLines.Single().Text, file.AddedLines.Single().HeadLine!.Value));
    }

    [Fact]
    public void Parse_Copy_IsCopiedWithSourcePath()
    {
        var body = string.Join('\n', Enumerable.Range(1, 20).Select(i => $"value {i}")) + "\n";
        _repo.WriteFile("seeds/countries.csv", body);
        var before = _repo.Commit("base");
        _repo.WriteFile("seeds/countries.csv", body + "value 21\n");
        _repo.WriteFile("seeds/countries_copy.csv", body);
        var after = _repo.Commit("copy");

        var files = Diff(before, after);

        var copy = Assert.Single(files, f => f.Kind == ChangeKind.Copied);
        Assert.Equal(("seeds/countries_copy.csv", "seeds/countries.csv", 100), (copy.Path, copy.OldPath, copy.Similarity));
        Assert.Empty(copy.Hunks);
        Assert.Equal(ChangeKind.Modified, Assert.Single(files, f => f.Path == "seeds/countries.csv").Kind);
    }

    [Fact]
    public void Parse_ModeChangeOnly_HasOldAndNewModeWithoutHunks()
    {
        _repo.WriteFile("scripts/run.sh", "#!/bin/sh\necho hi\n");
        var before = _repo.Commit("base");
        _repo.SetExecutable("scripts/run.sh");
        var after = _repo.Commit("chmod");

        var file = Assert.Single(Diff(before, after));

        Assert.Equal((ChangeKind.Modified, "100644", "100755"), (file.Kind, file.OldMode, file.NewMode));
        Assert.Empty(file.Hunks);
    }

    [Fact]
    public void Parse_NewExecutableFile_HasNewFileMode100755()
    {
        var before = _repo.Commit("empty");
        _repo.WriteFile("bin/tool", "#!/bin/sh\n");
        _repo.SetExecutable("bin/tool");
        var after = _repo.Commit("add");

        var file = Assert.Single(Diff(before, after));

        Assert.Equal((ChangeKind.Added, "100755"), (file.Kind, file.NewMode));
    }

    [Fact]
    public void Parse_BinaryFilesDiffer_IsBinaryAndFollowingFilesStillParse()
    {
        _repo.WriteFile("assets/logo.png", [0x89, 0x50, 0x4E, 0x47, 0, 0, 1, 2]);
        _repo.WriteFile("z.sql", "select 1\n");
        var before = _repo.Commit("base");
        _repo.WriteFile("assets/logo.png", [0x89, 0x50, 0x4E, 0x47, 0, 0, 3, 4]);
        _repo.WriteFile("assets/new.bin", [0, 1, 2, 3]);
        _repo.WriteFile("z.sql", "select 2\n");
        var after = _repo.Commit("change");

        var files = Diff(before, after).ToDictionary(f => f.Path);

        Assert.Equal(3, files.Count);
        Assert.True(files["assets/logo.png"].IsBinary);
        Assert.Equal(ChangeKind.Modified, files["assets/logo.png"].Kind);
        Assert.Empty(files["assets/logo.png"].Hunks);
        Assert.Equal((ChangeKind.Added, true), (files["assets/new.bin"].Kind, files["assets/new.bin"].IsBinary));
        Assert.False(files["z.sql"].IsBinary);
        Assert.Equal("select 2", files["z.sql"].AddedLines.Single().Text);
    }

    [Fact]
    public void Parse_GitBinaryPatch_IsBinaryAndFollowingFilesStillParse()
    {
        var random = new Random(42);
        var blob = new byte[4096];
        random.NextBytes(blob);
        blob[0] = 0;
        _repo.WriteFile("data/blob.bin", blob);
        _repo.WriteFile("z.sql", "select 1\n");
        var before = _repo.Commit("base");
        random.NextBytes(blob);
        blob[0] = 0;
        _repo.WriteFile("data/blob.bin", blob);
        _repo.WriteFile("z.sql", "select 2\n");
        var after = _repo.Commit("change");
        var diff = _repo.RunBytes("diff", "--binary", "--full-index", before, after);
        Assert.Contains("GIT binary patch", Encoding.ASCII.GetString(diff), StringComparison.Ordinal);

        var files = UnifiedDiffParser.Parse(diff);

        Assert.Equal(2, files.Count);
        Assert.True(files[0].IsBinary);
        Assert.Equal(("data/blob.bin", ChangeKind.Modified), (files[0].Path, files[0].Kind));
        Assert.Equal("select 2", files[1].AddedLines.Single().Text);
    }

    [Fact]
    public void Parse_NoNewlineAtEndOfFile_MarksTheLinesGitMarked()
    {
        _repo.WriteFile("a.txt", "one\ntwo");
        _repo.WriteFile("b.txt", "one\ntwo");
        var before = _repo.Commit("base");
        _repo.WriteFile("a.txt", "one\nthree");
        _repo.WriteFile("b.txt", "one\ntwo\n");
        var after = _repo.Commit("change");

        var files = Diff(before, after).ToDictionary(f => f.Path);

        var a = Assert.Single(files["a.txt"].Hunks).Lines;
        Assert.Equal(
            [("one", false), ("two", true), ("three", true)],
            a.Select(l => (l.Text, l.NoNewlineAtEnd)));
        var b = Assert.Single(files["b.txt"].Hunks).Lines;
        Assert.Equal(
            [(DiffLineKind.Context, "one", false), (DiffLineKind.Removed, "two", true), (DiffLineKind.Added, "two", false)],
            b.Select(l => (l.Kind, l.Text, l.NoNewlineAtEnd)));
        Assert.Equal([1, 2], b.Where(l => l.HeadLine is not null).Select(l => l.HeadLine!.Value));
    }

    [Fact]
    public void Parse_CrlfContent_TextHasNoCarriageReturnAndKeepsTheRest()
    {
        _repo.WriteFile("win.sql", "select a,\r\n  b\r\nfrom t\r\n");
        var before = _repo.Commit("base");
        _repo.WriteFile("win.sql", "select a,\r\n  b,\r\n  c\r\nfrom t\r\n");
        var after = _repo.Commit("change");

        var file = Assert.Single(Diff(before, after));

        Assert.Equal(
            [
                (DiffLineKind.Context, "select a,", (int?)1, (int?)1),
                (DiffLineKind.Removed, "  b", 2, null),
                (DiffLineKind.Added, "  b,", null, 2),
                (DiffLineKind.Added, "  c", null, 3),
                (DiffLineKind.Context, "from t", 3, 4),
            ],
            Lines(Assert.Single(file.Hunks)));
    }

    [Fact]
    public void Parse_NonUtf8Content_DecodesWithReplacementCharacters()
    {
        var latin1 = Encoding.Latin1.GetBytes("caf\u00e9 = 1\n");
        _repo.WriteFile("legacy.py", "x = 1\n");
        var before = _repo.Commit("base");
        _repo.WriteFile("legacy.py", [.. Encoding.ASCII.GetBytes("x = 1\n"), .. latin1, 0xFF, 0xFE, (byte)'\n']);
        var after = _repo.Commit("change");

        var file = Assert.Single(Diff(before, after));

        Assert.False(file.IsBinary);
        Assert.Equal(["caf\uFFFD = 1", "\uFFFD\uFFFD"], file.AddedLines.Select(l => l.Text));
        Assert.Equal([2, 3], file.AddedLines.Select(l => l.HeadLine!.Value));
    }

    [Fact]
    public void Parse_EmptyFiles_AddedDeletedAndFilled()
    {
        _repo.WriteFile("gone.txt", "");
        _repo.WriteFile("filled.txt", "");
        var first = _repo.Commit("base");
        _repo.WriteFile("models/.gitkeep", "");
        var second = _repo.Commit("add an empty file");
        _repo.WriteFile("filled.txt", "now text\n");
        var third = _repo.Commit("fill an empty file");
        _repo.DeleteFile("gone.txt");
        var fourth = _repo.Commit("delete an empty file");

        var added = Assert.Single(Diff(first, second));
        var filled = Assert.Single(Diff(second, third));
        var deleted = Assert.Single(Diff(third, fourth));

        Assert.Equal(("models/.gitkeep", ChangeKind.Added, 0, "100644"), (added.Path, added.Kind, added.Hunks.Count, added.NewMode));
        Assert.Equal(("filled.txt", ChangeKind.Modified), (filled.Path, filled.Kind));
        Assert.Equal((0, 0, 1, 1), (filled.Hunks[0].BaseStart, filled.Hunks[0].BaseCount, filled.Hunks[0].HeadStart, filled.Hunks[0].HeadCount));
        Assert.Equal(("gone.txt", ChangeKind.Deleted, 0), (deleted.Path, deleted.Kind, deleted.Hunks.Count));
    }

    [Fact]
    public void Parse_EmptyFileMovedWhileAnotherIsDeleted_GitCallsItARename()
    {
        _repo.WriteFile("gone.txt", "");
        var before = _repo.Commit("base");
        _repo.DeleteFile("gone.txt");
        _repo.WriteFile("models/.gitkeep", "");
        var after = _repo.Commit("change");

        var file = Assert.Single(Diff(before, after));

        Assert.Equal((ChangeKind.Renamed, "models/.gitkeep", "gone.txt", 100), (file.Kind, file.Path, file.OldPath, file.Similarity));
    }

    [Fact]
    public void Parse_PathsWithSpaces_AddedModifiedRenamedAndEmpty()
    {
        _repo.WriteFile("my models/daily orders.sql", "select 1\n");
        _repo.WriteFile("docs/old name.md", "# Title\n");
        var before = _repo.Commit("base");
        _repo.WriteFile("my models/daily orders.sql", "select 2\n");
        _repo.WriteFile("new folder/new file.sql", "select 3\n");
        _repo.WriteFile("new folder/empty file.txt", "");
        _repo.Move("docs/old name.md", "docs/new name.md");
        var after = _repo.Commit("change");

        var files = Diff(before, after).ToDictionary(f => f.Path);

        Assert.Equal(ChangeKind.Modified, files["my models/daily orders.sql"].Kind);
        Assert.Equal(ChangeKind.Added, files["new folder/new file.sql"].Kind);
        Assert.Equal(ChangeKind.Added, files["new folder/empty file.txt"].Kind);
        Assert.Equal("docs/old name.md", files["docs/new name.md"].OldPath);
        Assert.Equal(4, files.Count);
    }

    [Fact]
    public void Parse_QuotedPaths_DecodesOctalEscapesAndQuotes()
    {
        const string odd = "models/p\u00e4th \"q\".sql";
        const string tab = "models/tab\there.sql";
        _repo.WriteFile(odd, "select 1\n");
        _repo.WriteFile("models/plain.sql", "x\n");
        var before = _repo.Commit("base");
        _repo.WriteFile(odd, "select 2\n");
        _repo.WriteFile(tab, "select 3\n");
        _repo.Move("models/plain.sql", "models/\u65e5\u672c.sql");
        var after = _repo.Commit("change");
        var raw = Encoding.UTF8.GetString(_repo.RunBytes("-c", "core.quotepath=on", "diff", "-M", before, after));
        Assert.Contains("\"a/models/p\\303\\244th \\\"q\\\".sql\"", raw, StringComparison.Ordinal);

        var files = Diff(before, after).ToDictionary(f => f.Path);

        Assert.Equal(ChangeKind.Modified, files[odd].Kind);
        Assert.Equal("select 2", files[odd].AddedLines.Single().Text);
        Assert.Equal(ChangeKind.Added, files[tab].Kind);
        Assert.Equal((ChangeKind.Renamed, "models/plain.sql"), (files["models/\u65e5\u672c.sql"].Kind, files["models/\u65e5\u672c.sql"].OldPath));
    }

    [Fact]
    public void Parse_WithoutQuotePath_RawUtf8PathsWork()
    {
        var before = _repo.Commit("empty");
        _repo.WriteFile("models/\u00fcber sales.sql", "select 1\n");
        var after = _repo.Commit("add");

        var file = Assert.Single(UnifiedDiffParser.Parse(_repo.RunBytes("-c", "core.quotepath=off", "diff", before, after)));

        Assert.Equal("models/\u00fcber sales.sql", file.Path);
    }

    [Fact]
    public void Parse_NoPrefixAndMnemonicPrefixOutput_StripsPrefixesCorrectly()
    {
        _repo.WriteFile("models/x.sql", "select 1\n");
        var before = _repo.Commit("base");
        _repo.WriteFile("models/x.sql", "select 2\n");
        _repo.WriteFile("models/y.sql", "new\n");

        var noPrefix = UnifiedDiffParser.Parse(_repo.RunBytes("-c", "diff.noprefix=true", "diff", before));
        var mnemonic = UnifiedDiffParser.Parse(_repo.RunBytes("-c", "diff.mnemonicPrefix=true", "diff", before));

        Assert.Equal(["models/x.sql"], noPrefix.Select(f => f.Path));
        Assert.Equal(["models/x.sql"], mnemonic.Select(f => f.Path));
        Assert.Equal("select 2", noPrefix[0].AddedLines.Single().Text);
    }

    [Fact]
    public void Parse_TenMegabyteSingleLine_ParsesInLinearTime()
    {
        var before = _repo.Commit("empty");
        var line = new string('x', 10 * 1024 * 1024);
        _repo.WriteFile("data/huge.sql", "select '" + line + "'\n");
        var after = _repo.Commit("add");
        var diff = _repo.RunBytes("diff", before, after);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var file = Assert.Single(UnifiedDiffParser.Parse(diff));
        watch.Stop();

        Assert.Equal(line.Length + 9, file.AddedLines.Single().Text.Length);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Parse_GitDiffOfManyFiles_ReturnsThemInOrder()
    {
        var before = _repo.Commit("empty");
        for (var i = 0; i < 300; i++)
        {
            _repo.WriteFile($"models/m{i:D3}.sql", $"select {i}\n");
        }

        var after = _repo.Commit("add");

        var files = Diff(before, after);

        Assert.Equal(Enumerable.Range(0, 300).Select(i => $"models/m{i:D3}.sql"), files.Select(f => f.Path));
        Assert.All(files, f => Assert.Equal(1, f.HeadLineOfOnlyAddition()));
    }

    private IReadOnlyList<FileChange> Diff(string from, string to) =>
        UnifiedDiffParser.Parse(_repo.RunBytes("-c", "core.quotepath=on", "diff", "-M", "-C", "--full-index", from, to));

    private static List<(DiffLineKind, string, int?, int?)> Lines(DiffHunk hunk) =>
        hunk.Lines.Select(l => (l.Kind, l.Text, l.BaseLine, l.HeadLine)).ToList();
}

internal static class FileChangeTestExtensions
{
    public static int HeadLineOfOnlyAddition(this FileChange file) => file.AddedLines.Single().HeadLine!.Value;
}
