using ReviewBot.Cli.Output;
using ReviewBot.TestUtils;

namespace ReviewBot.Cli.Tests.Review;

/// <summary>What a new user meets first (issue 18): each message names the real problem and the way out.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class NewcomerMessagesTests : IDisposable
{
    private readonly TempGitRepo _repo = TempGitRepo.Create();

    public NewcomerMessagesTests()
    {
        _repo.WriteFile("models/orders.sql", "select 1 as order_id\n").Commit("init");
    }

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task Review_UncommittedChangesOnly_SaysTheyAreNotPartOfTheRangeAndThatTheRangeIsEmpty()
    {
        _repo.WriteFile("models/orders.sql", "select 1 as order_id, 2 as amount\n").WriteFile("models/new.sql", "select 3 as x\n");

        var result = await CliRunner.RunAsync("review", "--repo", _repo.Root, "--base", "main", "--format", "text");

        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("passed — No findings", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("nothing to review", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("the range main...HEAD has no changed files: nothing was reviewed", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("2 uncommitted change(s)", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("models/orders.sql", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("--diff <(git diff HEAD)", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_EmptyRangeAsJson_NoteOnStandardErrorReportUntouched()
    {
        var result = await CliRunner.RunAsync("review", "--repo", _repo.Root, "--base", "main", "--format", "json");

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("{", result.StdOut.TrimStart(), StringComparison.Ordinal);
        Assert.Contains("reviewbot: note: the range main...HEAD has no changed files: nothing was reviewed", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("uncommitted", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_EmptyRangeToOutputFile_DoesNotCallItPassedWithoutSayingSo()
    {
        var output = Path.Combine(_repo.Root, "out", "review.md");

        var result = await CliRunner.RunAsync("review", "--repo", _repo.Root, "--base", "main", "--output", output);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("success: nothing to review (no changed files)", result.StdErr, StringComparison.Ordinal);
        Assert.True(File.Exists(output));
    }

    [Theory]
    [InlineData("bogus", "unknown command 'bogus'; the commands are: review, action")]
    [InlineData("reveiw", "unknown command 'reveiw'; the commands are: review, action")]
    public async Task UnknownCommand_NamedWithTheRealOnes(string command, string expected)
    {
        var result = await CliRunner.RunAsync(command, "--base", "main");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains(expected, result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoCommand_ListsTheCommands()
    {
        var result = await CliRunner.RunAsync();

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("no command given; the commands are: review, action", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_RepoIsAFile_SaysItIsAFile()
    {
        var result = await CliRunner.RunAsync("review", "--repo", _repo.PathOf("models/orders.sql"), "--base", "main");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is a file; give the folder of the repository", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("does not exist", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_OutputIsAFolder_RefusedBeforeTheReviewWithTheRealReason()
    {
        _repo.WriteFile("models/orders.sql", "select 1 as order_id, 2 as amount\n").Commit("change");
        var folder = Directory.CreateDirectory(Path.Combine(_repo.Root, "reports")).FullName;

        var result = await CliRunner.RunAsync("review", "--repo", _repo.Root, "--base", "HEAD~1", "--output", folder);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains($"--output: '{folder}' is a folder; give the path of the report file", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("Access", result.StdErr, StringComparison.Ordinal);
        // Validated before reviewing: no agent ran, so no progress line was printed.
        Assert.DoesNotContain("reviewbot: governance:", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_OutputInAFolderThatCannotBeCreated_RefusedBeforeTheReview()
    {
        var blocker = _repo.PathOf("models/orders.sql");

        var result = await CliRunner.RunAsync("review", "--repo", _repo.Root, "--base", "main", "--output", Path.Combine(blocker, "review.md"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--output: cannot write", result.StdErr, StringComparison.Ordinal);
        Assert.DoesNotContain("reviewbot: governance:", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_BinaryDiffFileContainingADiff_Refused()
    {
        var diff = "diff --git a/models/orders.sql b/models/orders.sql\n--- a/models/orders.sql\n+++ b/models/orders.sql\n@@ -1 +1 @@\n-select 1 as order_id\n+select 1 as order_id, 2 as amount\n"u8.ToArray();
        var binary = new byte[] { 0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00 }.Concat(diff).Concat(new byte[] { 0x00, 0x01, 0x02 }).ToArray();
        var file = _repo.PathOf("change.bin");
        await File.WriteAllBytesAsync(file, binary);

        var result = await CliRunner.RunAsync("review", "--repo", _repo.Root, "--diff", file);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not text (a NUL byte at offset 4)", result.StdErr, StringComparison.Ordinal);
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public async Task Review_SampleAsText_VerdictBlockingFindingsWithFileLineAdvisoryCountsCoverage()
    {
        var result = await CliRunner.RunAsync("review", "--sample", "--format", "text");

        Assert.Equal(1, result.ExitCode);
        var lines = result.StdOut.Split('\n');
        Assert.StartsWith("ReviewBot: FAILED — ", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("Blocking (", StringComparison.Ordinal));
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^  (critical|high) +\S+:\d+  "));
        Assert.Contains(lines, l => l.StartsWith("Advisory: ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Coverage: ", StringComparison.Ordinal) && l.Contains("changed files reviewed", StringComparison.Ordinal));
        Assert.DoesNotContain("<!--", result.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain("```mermaid", result.StdOut, StringComparison.Ordinal);
        Assert.True(lines.Length < 60, $"{lines.Length} lines");
    }

    [Theory]
    [InlineData(null, false, false, "Text")]
    [InlineData(null, false, true, "Markdown")]
    [InlineData(null, true, false, "Markdown")]
    [InlineData("markdown", false, false, "Markdown")]
    [InlineData("text", false, true, "Text")]
    [InlineData("json", false, false, "Json")]
    public void Format_TextOnATerminalMarkdownWhenRedirectedExplicitWins(string? requested, bool toFile, bool redirected, string expected) =>
        Assert.Equal(Enum.Parse<ReportFormat>(expected), ReportFormats.Resolve(requested, toFile, redirected));
}
