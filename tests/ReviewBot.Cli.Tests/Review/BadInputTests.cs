using ReviewBot.TestUtils;

namespace ReviewBot.Cli.Tests.Review;

[Collection(ConsoleCollection.Name)]
public sealed class BadInputTests : IDisposable
{
    private readonly TempGitRepo _repo = TempGitRepo.Create();

    public BadInputTests()
    {
        _repo.WriteFile("models/a.sql", "select 1 as id\n").Commit("init");
    }

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task Review_MissingRepository_ExitsTwoNamingTheFolder()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-repo-{Guid.NewGuid():N}");
        var result = await CliRunner.RunAsync("review", "--repo", missing, "--base", "main");
        AssertBadInput(result, missing);
    }

    [Fact]
    public async Task Review_UnknownRef_ExitsTwoNamingTheRef()
    {
        var result = await CliRunner.RunAsync("review", "--repo", _repo.Root, "--base", "no-such-branch");
        AssertBadInput(result, "no-such-branch");
    }

    [Fact]
    public async Task Review_FileThatIsNotADiff_ExitsTwoNamingTheFile()
    {
        var file = _repo.PathOf("notes.txt");
        File.WriteAllText(file, "just some notes\nnot a diff at all\n");
        var result = await CliRunner.RunAsync("review", "--repo", _repo.Root, "--diff", file);
        AssertBadInput(result, "notes.txt");
    }

    [Fact]
    public async Task Review_MissingDiffFile_ExitsTwoNamingTheFile()
    {
        var result = await CliRunner.RunAsync("review", "--repo", _repo.Root, "--diff", _repo.PathOf("missing.diff"));
        AssertBadInput(result, "missing.diff");
    }

    [Fact]
    public async Task Review_UnknownOption_ExitsTwoNamingTheOption()
    {
        var result = await CliRunner.RunAsync("review", "--sample", "--colour", "red");
        AssertBadInput(result, "--colour");
    }

    [Fact]
    public async Task Review_UnknownFormat_ExitsTwo()
    {
        var result = await CliRunner.RunAsync("review", "--sample", "--format", "html");
        AssertBadInput(result, "html");
    }

    [Fact]
    public async Task Review_NothingToReview_ExitsTwoSayingWhatToGive()
    {
        var result = await CliRunner.RunAsync("review", "--repo", _repo.Root);
        AssertBadInput(result, "--base");
    }

    [Fact]
    public async Task Review_ConfigWithUnknownKey_ExitsTwoNamingKeyAndLine()
    {
        var config = _repo.PathOf("bad.yml");
        File.WriteAllText(config, "fail_on: high\nagents:\n  governance:\n    timeot: 30s\n");
        var result = await CliRunner.RunAsync("review", "--sample", "--config", config);
        AssertBadInput(result, "agents.governance.timeot");
        Assert.Contains("bad.yml:4", result.StdErr);
    }

    [Fact]
    public async Task Review_UnreadableConfig_ExitsTwoNamingTheFile()
    {
        var result = await CliRunner.RunAsync("review", "--sample", "--config", _repo.PathOf("absent.yml"));
        AssertBadInput(result, "absent.yml");
    }

    [Fact]
    public async Task Help_ExplainsEveryOption()
    {
        var result = await CliRunner.RunAsync("review", "--help");

        Assert.Equal(0, result.ExitCode);
        foreach (var option in new[] { "--repo", "--base", "--head", "--diff", "--config", "--format", "--output", "--sample" })
        {
            Assert.Contains(option, result.StdOut);
        }
    }

    private static void AssertBadInput(CliResult result, string mentioned)
    {
        Assert.Equal(2, result.ExitCode);
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.Contains(mentioned, lines[0]);
        Assert.DoesNotContain("   at ", result.StdErr);
        Assert.Equal("", result.StdOut);
    }
}
