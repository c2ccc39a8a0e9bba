using System.Diagnostics;
using System.Text;
using ReviewBot.Core.Changes;

namespace ReviewBot.Core.Tests.Changes;

/// <summary>GitHub <c>patch</c> hunks, plain unified diffs, bad input and scale.</summary>
public sealed class UnifiedDiffParserInputTests
{
    // The `patch` field of GET /repos/{o}/{r}/pulls/{n}/files: hunks only, no trailing newline.
    private const string GitHubPatch =
        "@@ -1,4 +1,5 @@ with orders as (\n" +
        " select\n" +
        "-    id,\n" +
        "+    id as order_id,\n" +
        "+    customer_id,\n" +
        "     amount\n" +
        " from {{ ref('stg_orders') }}\n" +
        "@@ -20,3 +21,2 @@ final as (\n" +
        " select *\n" +
        "-from orders\n" +
        " where amount > 0\n" +
        "\\ No newline at end of file";

    [Fact]
    public void ParseHunks_GitHubPatch_MapsLinesAndSections()
    {
        var hunks = UnifiedDiffParser.ParseHunks(GitHubPatch);

        Assert.Equal(2, hunks.Count);
        Assert.Equal(("with orders as (", 1, 4, 1, 5), (hunks[0].Section, hunks[0].BaseStart, hunks[0].BaseCount, hunks[0].HeadStart, hunks[0].HeadCount));
        Assert.Equal(
            [
                (DiffLineKind.Context, "select", (int?)1, (int?)1),
                (DiffLineKind.Removed, "    id,", 2, null),
                (DiffLineKind.Added, "    id as order_id,", null, 2),
                (DiffLineKind.Added, "    customer_id,", null, 3),
                (DiffLineKind.Context, "    amount", 3, 4),
                (DiffLineKind.Context, "from {{ ref('stg_orders') }}", 4, 5),
            ],
            hunks[0].Lines.Select(l => (l.Kind, l.Text, l.BaseLine, l.HeadLine)));
        Assert.Equal("final as (", hunks[1].Section);
        Assert.Equal([(20, 21), (21, null), (22, 22)], hunks[1].Lines.Select(l => (l.BaseLine!.Value, l.HeadLine)));
        Assert.True(hunks[1].Lines[^1].NoNewlineAtEnd);
        Assert.False(hunks[1].Lines[^2].NoNewlineAtEnd);
    }

    [Fact]
    public void ParseHunks_HeaderWithoutCounts_DefaultsToOne()
    {
        var hunk = Assert.Single(UnifiedDiffParser.ParseHunks("@@ -3 +3 @@\n-a\n+b\n"));

        Assert.Equal((3, 1, 3, 1, ""), (hunk.BaseStart, hunk.BaseCount, hunk.HeadStart, hunk.HeadCount, hunk.Section));
        Assert.Equal([(3, null), ((int?)null, (int?)3)], hunk.Lines.Select(l => (l.BaseLine, l.HeadLine)));
    }

    [Fact]
    public void ParseHunks_CrlfPatch_StripsCarriageReturns()
    {
        var hunk = Assert.Single(UnifiedDiffParser.ParseHunks("@@ -1,2 +1,2 @@\r\n a\r\n-b\r\n+c\r\n"));

        Assert.Equal(["a", "b", "c"], hunk.Lines.Select(l => l.Text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n")]
    [InlineData("  \r\n")]
    public void ParseHunks_EmptyPatch_ReturnsNoHunks(string patch) => Assert.Empty(UnifiedDiffParser.ParseHunks(patch));

    [Fact]
    public void ParseHunks_NotAPatch_Throws()
    {
        var e = Assert.Throws<InvalidInputException>(() => UnifiedDiffParser.ParseHunks("hello world\n"));

        Assert.Contains("not a patch", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ParseHunks_TruncatedHunk_ThrowsNamingTheHunk()
    {
        var e = Assert.Throws<InvalidInputException>(() => UnifiedDiffParser.ParseHunks("@@ -1,3 +1,3 @@\n a\n-b\n"));

        Assert.Equal("line 3: truncated diff: the input ends while the hunk starting at line 1 still expects 1 base and 2 head lines", e.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n")]
    public void Parse_EmptyDiff_ReturnsNoFiles(string diff) => Assert.Empty(UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(diff)));

    [Theory]
    [InlineData("just some text\nnot a diff\n")]
    [InlineData("{\"json\": true}")]
    [InlineData("--- only one header line\nsomething else\n")]
    public void Parse_NotADiff_ThrowsNotADiff(string text)
    {
        var e = Assert.Throws<InvalidInputException>(() => UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(text)));

        Assert.Equal("not a diff: no 'diff --git' header and no '@@' hunk found", e.Message);
    }

    [Fact]
    public void Parse_BinaryGarbage_ThrowsNotADiff()
    {
        var garbage = new byte[64 * 1024];
        new Random(7).NextBytes(garbage);
        garbage = garbage.Select(b => b == (byte)'@' ? (byte)0 : b).ToArray();

        var e = Assert.Throws<InvalidInputException>(() => UnifiedDiffParser.Parse(garbage));

        Assert.StartsWith("not a diff", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HunkOnlyText_ThrowsAndPointsAtParseHunks()
    {
        var e = Assert.Throws<InvalidInputException>(() => UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(GitHubPatch)));

        Assert.Equal("line 1: hunk before any file header ('diff --git' or '---'/'+++')", e.Message);
    }

    [Fact]
    public void Parse_DiffTruncatedInsideHunk_ThrowsTruncated()
    {
        const string diff =
            "diff --git a/x.sql b/x.sql\nindex 1111111..2222222 100644\n--- a/x.sql\n+++ b/x.sql\n" +
            "@@ -1,3 +1,4 @@\n select 1,\n-  2\n";

        var e = Assert.Throws<InvalidInputException>(() => UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(diff)));

        Assert.Contains("truncated diff", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("line 7:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_HunkCutShortByNextFile_ThrowsTruncated()
    {
        const string diff =
            "diff --git a/x.sql b/x.sql\n--- a/x.sql\n+++ b/x.sql\n@@ -1,3 +1,3 @@\n a\n" +
            "diff --git a/y.sql b/y.sql\n--- a/y.sql\n+++ b/y.sql\n@@ -1 +1 @@\n-a\n+b\n";

        var e = Assert.Throws<InvalidInputException>(() => UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(diff)));

        Assert.Equal("line 6: truncated diff: a new file starts while the hunk starting at line 4 still expects 2 base and 2 head lines", e.Message);
    }

    [Theory]
    [InlineData("diff --git a/x.sql b/x.sql\nindex 1111111..2222222 100644\n--- a/x.sql\n")]
    [InlineData("diff --git a/x.sql b/x.sql\nindex 1111111..2222222 100644\n--- a/x.sql\n+++ b/x.sql\n")]
    [InlineData("diff --git a/x.sql b/x.sql\n--- a/x.sql\n+++ b/x.sql\ndiff --git a/y.sql b/y.sql\nnew file mode 100644\n")]
    public void Parse_DiffTruncatedInsideFileHeader_ThrowsTruncated(string diff)
    {
        var e = Assert.Throws<InvalidInputException>(() => UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(diff)));

        Assert.Equal("line 1: truncated diff: the file header starting here has no hunk", e.Message);
    }

    [Theory]
    [InlineData("@@ -x,1 +1,1 @@")]
    [InlineData("@@ -1,1 +1,1")]
    [InlineData("@@ -99999999999,1 +1,1 @@")]
    [InlineData("@@@ -1,1 -1,1 +1,1 @@@")]
    public void Parse_MalformedHunkHeader_ThrowsNamingTheLine(string header)
    {
        var diff = $"diff --git a/x b/x\n--- a/x\n+++ b/x\n{header}\n-a\n+b\n";

        var e = Assert.Throws<InvalidInputException>(() => UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(diff)));

        Assert.StartsWith("line 4: malformed hunk header", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnexpectedLineInsideHunk_Throws()
    {
        const string diff = "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1,2 +1,2 @@\n a\n*b\n";

        var e = Assert.Throws<InvalidInputException>(() => UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(diff)));

        Assert.Equal("line 6: expected a hunk line starting with ' ', '+' or '-', found '*b'", e.Message);
    }

    [Fact]
    public void Parse_CombinedMergeDiff_ThrowsUnsupported()
    {
        const string diff = "diff --cc x.sql\nindex 1,2..3\n--- a/x.sql\n+++ b/x.sql\n@@@ -1,1 -1,1 +1,1 @@@\n- a\n -b\n++c\n";

        var e = Assert.Throws<InvalidInputException>(() => UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(diff)));

        Assert.Contains("combined (merge) diffs are not supported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PlainUnifiedDiffWithTimestamps_UsesPathsWithoutTimestamp()
    {
        const string diff =
            "diff -u old/orders.sql new/orders.sql\n" +
            "--- old/orders.sql\t2024-01-01 10:00:00.000000000 +0000\n" +
            "+++ new/orders.sql\t2024-01-02 10:00:00.000000000 +0000\n" +
            "@@ -1 +1 @@\n-select 1\n+select 2\n" +
            "--- /dev/null\t1970-01-01 00:00:00.000000000 +0000\n" +
            "+++ new/added.sql\t2024-01-02 10:00:00.000000000 +0000\n" +
            "@@ -0,0 +1 @@\n+select 3\n";

        var files = UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(diff));

        Assert.Equal([("new/orders.sql", ChangeKind.Modified), ("new/added.sql", ChangeKind.Added)], files.Select(f => (f.Path, f.Kind)));
    }

    [Fact]
    public void Parse_FormatPatchMailWithSignature_IgnoresPreambleAndTrailer()
    {
        const string mail =
            "From 1234567890abcdef Mon Sep 17 00:00:00 2001\nFrom: Dev <dev@example.com>\nSubject: [PATCH] Fix\n\n---\n x.sql | 2 +-\n\n" +
            "diff --git a/x.sql b/x.sql\nindex 1111111..2222222 100644\n--- a/x.sql\n+++ b/x.sql\n@@ -1 +1 @@\n-select 1\n+select 2\n" +
            "-- \n2.39.5\n\n";

        var file = Assert.Single(UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(mail)));

        Assert.Equal(("x.sql", 1, 1), (file.Path, file.Additions, file.Deletions));
    }

    [Fact]
    public void Parse_WholeDiffWithCrlfLineEndings_ParsesHeadersAndContent()
    {
        const string diff = "diff --git a/x.sql b/x.sql\r\nnew file mode 100644\r\nindex 0000000..2222222\r\n--- /dev/null\r\n+++ b/x.sql\r\n@@ -0,0 +1,2 @@\r\n+a\r\n+b\r\n";

        var file = Assert.Single(UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(diff)));

        Assert.Equal(("x.sql", ChangeKind.Added, "100644"), (file.Path, file.Kind, file.NewMode));
        Assert.Equal(["a", "b"], file.AddedLines.Select(l => l.Text));
    }

    [Theory]
    [InlineData("utf-8")]
    [InlineData("utf-16")]
    [InlineData("utf-16BE")]
    public void Parse_DiffSavedWithByteOrderMark_ParsesTheFirstFileToo(string encodingName)
    {
        // What `git diff > change.diff` gives in Windows PowerShell (UTF-16) or some editors (UTF-8 BOM).
        const string diff = "diff --git a/x.sql b/x.sql\r\n--- a/x.sql\r\n+++ b/x.sql\r\n@@ -1 +1 @@\r\n-select 1\r\n+select '\u00e9'\r\n";
        var encoding = Encoding.GetEncoding(encodingName);

        var file = Assert.Single(UnifiedDiffParser.Parse([.. encoding.GetPreamble(), .. encoding.GetBytes(diff)]));

        Assert.Equal("x.sql", file.Path);
        Assert.Equal("select '\u00e9'", file.AddedLines.Single().Text);
    }

    [Fact]
    public void Parse_CarriageReturnInsideALine_IsKept()
    {
        var diff = "diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -0,0 +1 @@\n+a\rb\r\n"u8.ToArray();

        var file = Assert.Single(UnifiedDiffParser.Parse(diff));

        Assert.Equal("a\rb", file.AddedLines.Single().Text);
    }

    [Fact]
    public void Parse_InvalidUtf8InPathsAndContent_NeverThrows()
    {
        byte[] diff =
        [
            .. "diff --git a/caf"u8, 0xE9, .. ".sql b/caf"u8, 0xE9, .. ".sql\n--- a/caf"u8, 0xE9, .. ".sql\n+++ b/caf"u8, 0xE9,
            .. ".sql\n@@ -1 +1 @@\n-"u8, 0xC3, 0x28, .. "\n+"u8, 0xFF, 0xFE, 0xFD, .. "\n"u8,
        ];

        var file = Assert.Single(UnifiedDiffParser.Parse(diff));

        Assert.Equal("caf\uFFFD.sql", file.Path);
        Assert.Equal("\uFFFD(", file.RemovedLines.Single().Text);
        Assert.Equal("\uFFFD\uFFFD\uFFFD", file.AddedLines.Single().Text);
    }

    [Fact]
    public void Parse_HundredThousandChangedLines_WellUnderOneSecond()
    {
        var diff = new StringBuilder();
        for (var f = 0; f < 100; f++)
        {
            diff.Append($"diff --git a/models/m{f}.sql b/models/m{f}.sql\nindex 1111111..2222222 100644\n--- a/models/m{f}.sql\n+++ b/models/m{f}.sql\n");
            diff.Append("@@ -1,500 +1,500 @@ select\n");
            for (var i = 0; i < 500; i++)
            {
                diff.Append("-  old_column_").Append(i).Append(",\n");
                diff.Append("+  new_column_").Append(i).Append(",\n");
            }
        }

        var bytes = Encoding.UTF8.GetBytes(diff.ToString());
        UnifiedDiffParser.Parse(bytes.AsSpan(0, IndexOfFileStart(bytes, 10))); // warm up the JIT on the first ten files

        var watch = Stopwatch.StartNew();
        var files = UnifiedDiffParser.Parse(bytes);
        watch.Stop();

        Assert.Equal(100, files.Count);
        Assert.Equal(100_000, files.Sum(f => f.Additions + f.Deletions));
        Assert.Equal(("  new_column_499,", 500), (files[99].AddedLines.Last().Text, files[99].AddedLines.Last().HeadLine!.Value));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"100,000 lines took {watch.Elapsed.TotalMilliseconds:N0} ms");
    }

    [Fact]
    public void Parse_FiftyThousandFiles_ParsesEveryFile()
    {
        var diff = new StringBuilder();
        for (var f = 0; f < 50_000; f++)
        {
            diff.Append($"diff --git a/f/{f}.sql b/f/{f}.sql\nnew file mode 100644\nindex 0000000..2222222\n--- /dev/null\n+++ b/f/{f}.sql\n@@ -0,0 +1 @@\n+select {f}\n");
        }

        var watch = Stopwatch.StartNew();
        var files = UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(diff.ToString()));
        watch.Stop();

        Assert.Equal(50_000, files.Count);
        Assert.Equal(("f/49999.sql", ChangeKind.Added, "select 49999"), (files[^1].Path, files[^1].Kind, files[^1].AddedLines.Single().Text));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"50,000 files took {watch.Elapsed.TotalMilliseconds:N0} ms");
    }

    [Fact]
    public void Parse_TenMegabyteLineWithoutNewlines_IsNotADiffQuickly()
    {
        var bytes = new byte[10 * 1024 * 1024];
        bytes.AsSpan().Fill((byte)'a');

        var watch = Stopwatch.StartNew();
        Assert.Throws<InvalidInputException>(() => UnifiedDiffParser.Parse(bytes));
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Parse_TenMegabyteHunkLineOfMarkers_IsLinear()
    {
        // Pathological content for a backtracking parser: one huge line of '-', '+' and '@'.
        var line = new string('-', 5 * 1024 * 1024) + new string('@', 5 * 1024 * 1024);
        var diff = Encoding.UTF8.GetBytes($"diff --git a/x b/x\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-{line}\n+{line}\n");

        var watch = Stopwatch.StartNew();
        var file = Assert.Single(UnifiedDiffParser.Parse(diff));
        watch.Stop();

        Assert.Equal(line, file.AddedLines.Single().Text);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Parse_HugeHeaderLineFullOfQuotes_IsLinear()
    {
        // An unquoted old name followed by many quoted-looking tokens: every ' "' is a candidate split.
        var line = "diff --git a/x" + string.Concat(Enumerable.Repeat(" \"q", 500_000)) + "\"\n";

        var watch = Stopwatch.StartNew();
        var e = Record.Exception(() => UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(line)));
        watch.Stop();

        Assert.True(e is null or InvalidInputException, e?.ToString());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
    }

    [Fact]
    public void Parse_ThousandsOfHunksOverSeveralFiles_EachFileKeepsItsOwnHunksLinesAndSections()
    {
        // 3 files x 3,000 hunks x 3 lines: hunks and lines both cross the flat store's chunk boundaries, and each
        // file's hunks sit between the neighbours' in one store.
        const int files = 3, hunks = 3_000;
        var diff = new StringBuilder();
        for (var f = 0; f < files; f++)
        {
            diff.Append($"diff --git a/m{f}.sql b/m{f}.sql\n--- a/m{f}.sql\n+++ b/m{f}.sql\n");
            for (var h = 0; h < hunks; h++)
            {
                var at = (h * 10) + 1;
                var section = h % 3 == 0 ? "" : $"  cte_{h % 7} as (  ";
                diff.Append($"@@ -{at},2 +{at},2 @@{section}\n keep {f}.{h}\n-old {f}.{h}\n+new {f}.{h}\n");
            }

            diff.Append("\\ No newline at end of file\n");
        }

        var parsed = UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(diff.ToString()));

        Assert.Equal(files, parsed.Count);
        for (var f = 0; f < files; f++)
        {
            Assert.Equal(hunks, parsed[f].Hunks.Count);
            var h = 0;
            foreach (var hunk in parsed[f].Hunks)
            {
                var at = (h * 10) + 1;
                Assert.Equal((at, 2, at, 2, h % 3 == 0 ? "" : $"cte_{h % 7} as ("), (hunk.BaseStart, hunk.BaseCount, hunk.HeadStart, hunk.HeadCount, hunk.Section));
                Assert.Equal(
                    [
                        (DiffLineKind.Context, $"keep {f}.{h}", (int?)at, (int?)at, false),
                        (DiffLineKind.Removed, $"old {f}.{h}", at + 1, null, false),
                        (DiffLineKind.Added, $"new {f}.{h}", null, at + 1, h == hunks - 1),
                    ],
                    hunk.Lines.Select(l => (l.Kind, l.Text, l.BaseLine, l.HeadLine, l.NoNewlineAtEnd)));
                h++;
            }

            Assert.Equal(hunks, parsed[f].Additions);
            var last = ((hunks - 1) * 10) + 1;
            Assert.Equal((true, false, true, false), (parsed[f].IsAddedLine(last + 1), parsed[f].IsAddedLine(last), parsed[f].IsInHunk(last), parsed[f].IsInHunk(last + 5)));
        }
    }

    [Theory]
    [InlineData("index 1234567..89abcde 100644", "1234567", "89abcde")]
    [InlineData("index 0000000000000000000000000000000000000000..e69de29bb2d1d6434b8b29ae775ad8c2e48c5391", "0000000000000000000000000000000000000000", "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391")]
    [InlineData("index 1234567..89abcde\t", "1234567", "89abcde")]
    [InlineData("index ABCDEF0..1234567 100644", null, null)]
    [InlineData("index 123..4567", null, null)]
    [InlineData("index 1234567..89abcde..fffffff", null, null)]
    [InlineData("index 1234567 100644", null, null)]
    public void Parse_IndexLine_ReadsBothBlobIdsOrNone(string index, string? baseBlob, string? headBlob)
    {
        var file = Assert.Single(UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes($"diff --git a/x b/x\n{index}\n--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n")));

        Assert.Equal((baseBlob, headBlob), (file.BaseBlob, file.HeadBlob));
    }

    [Fact]
    public void Parse_SameHunkReadTwice_GivesEqualHunks()
    {
        var file = Assert.Single(UnifiedDiffParser.Parse("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n@@ -9 +9 @@\n-a\n+b\n"u8));

        Assert.Equal(file.Hunks[0], file.Hunks[0]);
        Assert.Equal(file.Hunks[0].GetHashCode(), file.Hunks[0].GetHashCode());
        Assert.NotEqual(file.Hunks[0], file.Hunks[1]);
        Assert.Equal(file, file with { });
        Assert.Throws<ArgumentOutOfRangeException>(() => file.Hunks[2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => file.Hunks[0].Lines[-1]);
    }

    [Fact]
    public void Parse_LongLinesInTheMiddleOfALineGroup_ReadEveryLineByIndexAndInOrder()
    {
        // Lines are kept as 2-byte distances from their 32-line group's start; lines of 5 KiB push a group past
        // 64 KiB after its 13th line, so that group switches to full offsets half-way (and the next one starts wide).
        // A "\ No newline" marker sits inside the hunk, between the last base line and the first head line.
        var expected = new List<DiffLine>();
        var diff = new StringBuilder("--- a/x\n+++ b/x\n@@ -1,50 +1,50 @@\n");
        for (var i = 1; i <= 50; i++)
        {
            var text = i is > 12 and < 45 ? $"{i}:" + new string((char)('a' + (i % 26)), 5000) : $"short {i}";
            diff.Append('-').Append(text).Append(i == 50 ? "\n\\ No newline at end of file\n" : "\r\n");
            expected.Add(new DiffLine(DiffLineKind.Removed, text, i, null) { NoNewlineAtEnd = i == 50 });
        }

        for (var i = 1; i <= 50; i++)
        {
            var text = i is > 30 and < 70 ? $"é{i}" + new string('z', 3000) : $"+{i}";
            diff.Append('+').Append(text).Append('\n');
            expected.Add(new DiffLine(DiffLineKind.Added, text, null, i));
        }

        var hunk = Assert.Single(Assert.Single(UnifiedDiffParser.Parse(Encoding.UTF8.GetBytes(diff.ToString()))).Hunks);

        Assert.Equal(expected, hunk.Lines);
        Assert.Equal(expected, Enumerable.Range(0, hunk.Lines.Count).Select(i => hunk.Lines[i]));
    }

    [Fact]
    public void IsAddedLineAndIsInHunk_HunksBuiltByHand_ReadTheHeadersToo()
    {
        var file = new FileChange("x.sql", ChangeKind.Modified, [new DiffHunk(5, 1, 5, 2, "", [new DiffLine(DiffLineKind.Context, "a", 5, 5), new DiffLine(DiffLineKind.Added, "b", null, 6)])]);

        Assert.Equal((true, false, true, false), (file.IsAddedLine(6), file.IsAddedLine(5), file.IsInHunk(5), file.IsInHunk(7)));
    }

    private static int IndexOfFileStart(byte[] bytes, int fileNumber)
    {
        var seen = 0;
        for (var i = bytes.AsSpan().IndexOf("diff --git"u8); i >= 0;)
        {
            if (seen++ == fileNumber)
            {
                return i;
            }

            var next = bytes.AsSpan(i + 1).IndexOf("diff --git"u8);
            i = next < 0 ? -1 : i + 1 + next;
        }

        return bytes.Length;
    }
}
