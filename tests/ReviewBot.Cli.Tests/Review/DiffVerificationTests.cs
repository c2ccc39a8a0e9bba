using ReviewBot.TestUtils;

namespace ReviewBot.Cli.Tests.Review;

/// <summary>
/// <c>reviewbot review --diff FILE</c> must not review text the diff never described, nor take its config from the
/// state after the change (issue 19).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class DiffVerificationTests : IDisposable
{
    private const string Grant = "grant select on analytics.customers to public;\n";

    private readonly TempGitRepo _repo = TempGitRepo.Create();
    private readonly string _diffFile = Path.Combine(Path.GetTempPath(), $"rb-{Guid.NewGuid():N}.diff");

    public DiffVerificationTests()
    {
        _repo.WriteFile("migrations/001_init.sql", "create table analytics.customers (id int);\n").Commit("init");
        _repo.Branch("feature", checkout: true);
        _repo.WriteFile("migrations/002_grant.sql", Grant).WriteFile("migrations/001_init.sql", "create table analytics.customers (id int, name text);\n").Commit("grant");
    }

    public void Dispose()
    {
        _repo.Dispose();
        File.Delete(_diffFile);
    }

    [Fact]
    public async Task Review_BranchDiffWithRepoOnThePrBranch_RefusedNamingTheFirstFile()
    {
        // The diff main...feature, with --repo checked out on feature: HEAD is the post-image, not the pre-image.
        File.WriteAllBytes(_diffFile, _repo.RunBytes("diff", "--no-color", "main", "feature"));

        var result = await CliRunner.RunAsync("review", "--repo", _repo.Root, "--diff", _diffFile);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("migrations/001_init.sql", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("pre-image blob", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_FolderLacksTheFiles_RefusedNotPassed()
    {
        File.WriteAllBytes(_diffFile, _repo.RunBytes("diff", "--no-color", "main", "feature"));
        var empty = Directory.CreateTempSubdirectory("rb-empty-");
        try
        {
            var result = await CliRunner.RunAsync("review", "--repo", empty.FullName, "--diff", _diffFile);

            Assert.Equal(2, result.ExitCode);
            Assert.Contains("post-image blob", result.StdErr, StringComparison.Ordinal);
            Assert.DoesNotContain("reviewed", result.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Review_DiffAppliedOnItsPreImageCommit_Accepted()
    {
        _repo.Checkout("main");
        _repo.WriteFile("migrations/002_grant.sql", Grant);
        _repo.Run("add", "-N", "migrations/002_grant.sql");
        File.WriteAllBytes(_diffFile, _repo.RunBytes("diff", "--no-color"));

        var result = await CliRunner.RunAsync("review", "--repo", _repo.Root, "--diff", _diffFile, "--format", "json");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("grant-to-public", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Review_DiffSwitchesGovernanceOffInAFolderWithoutGit_ConfigReadAsBeforeTheDiff()
    {
        var folder = Directory.CreateTempSubdirectory("rb-nogit-");
        try
        {
            Directory.CreateDirectory(Path.Combine(folder.FullName, ".github"));
            Directory.CreateDirectory(Path.Combine(folder.FullName, "migrations"));
            File.WriteAllText(Path.Combine(folder.FullName, ".github", "reviewbot.yml"), "fail_on: high\nagents:\n  governance: false\n");
            File.WriteAllText(Path.Combine(folder.FullName, "migrations", "002_grant.sql"), Grant);
            File.WriteAllText(_diffFile, """
                diff --git a/.github/reviewbot.yml b/.github/reviewbot.yml
                --- a/.github/reviewbot.yml
                +++ b/.github/reviewbot.yml
                @@ -1 +1,3 @@
                 fail_on: high
                +agents:
                +  governance: false
                diff --git a/migrations/002_grant.sql b/migrations/002_grant.sql
                new file mode 100644
                --- /dev/null
                +++ b/migrations/002_grant.sql
                @@ -0,0 +1 @@
                +grant select on analytics.customers to public;

                """);

            var result = await CliRunner.RunAsync("review", "--repo", folder.FullName, "--diff", _diffFile, "--format", "json");

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("grant-to-public", result.StdOut, StringComparison.Ordinal);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }
}
