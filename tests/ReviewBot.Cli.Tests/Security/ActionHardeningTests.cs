using ReviewBot.Cli.Tests.Action;
using ReviewBot.TestUtils.GitHub;
using Xunit.Abstractions;

namespace ReviewBot.Cli.Tests.Security;

/// <summary>
/// The published <c>reviewbot action</c> against a pull request that attacks the job: symbolic links committed on
/// the output paths, escape sequences in file names, other bots' comments carrying the marker, and GitHub's
/// secondary rate limit on the first write.
/// </summary>
public sealed class ActionHardeningTests(ITestOutputHelper output) : IDisposable
{
    private const string Marker = "<!-- reviewbot:comment -->";
    private const string VictimText = "root:x:0:0:victim file outside the workspace\n";

    private readonly string _outside = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "reviewbot-victim", Guid.NewGuid().ToString("N")[..12])).FullName;

    public static TheoryData<string> Links => new() { "report-file", "report-folder", "sarif-file" };

    [Theory]
    [MemberData(nameof(Links))]
    public async Task Action_PrCommitsASymlinkOnAnOutputPath_VictimOutsideTheWorkspaceUntouched(string kind)
    {
        var victimFolder = Directory.CreateDirectory(Path.Combine(_outside, "etc")).FullName;
        var victim = Path.Combine(victimFolder, "report.json");
        File.WriteAllText(victim, VictimText);
        var runnerTemp = Directory.CreateDirectory(Path.Combine(_outside, "runner-temp")).FullName;
        using var h = ActionHarness.Create(editHead: root =>
        {
            switch (kind)
            {
                case "report-file":
                    Directory.CreateDirectory(Path.Combine(root, ".reviewbot"));
                    File.CreateSymbolicLink(Path.Combine(root, ".reviewbot", "report.json"), victim);
                    break;
                case "report-folder":
                    File.CreateSymbolicLink(Path.Combine(root, ".reviewbot"), victimFolder);
                    break;
                default:
                    File.CreateSymbolicLink(Path.Combine(root, "results.sarif"), victim);
                    break;
            }
        });
        h.Environment["RUNNER_TEMP"] = runnerTemp;
        if (kind == "sarif-file")
        {
            h.Environment["INPUT_SARIF"] = "results.sarif";
        }

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        Assert.Equal(VictimText, File.ReadAllText(victim));
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("failure", result.Outputs["conclusion"]);
        Assert.Contains("symbolic link", result.Stdout, StringComparison.Ordinal);
        var moved = kind == "sarif-file" ? result.Outputs["sarif"] : result.Outputs["report"];
        Assert.StartsWith(runnerTemp, moved, StringComparison.Ordinal);
        Assert.Contains(kind == "sarif-file" ? "2.1.0" : "\"schemaVersion\"", File.ReadAllText(moved), StringComparison.Ordinal);
        Assert.Single(h.GitHub.CheckRuns);
    }

    [Fact]
    public async Task Action_ForkFallback_EscapesAndBidiControlsInAFileName_NotInTheWorkflowCommands()
    {
        const string Hostile = "pipelines/\u001b[2K\u001b[1A\u001b]8;;https://evil.example/\u0007ok\u001b]8;;\u0007_\u202Egnp.py";
        using var h = ActionHarness.Create().WithoutCheckout();
        h.GitHub.Trees[h.HeadSha][Hostile] = "import os\n\npassword = \"hunter2\"\n";
        h.GitHub.AddFile(Hostile, "added", "@@ -0,0 +1,3 @@\n+import os\n+\n+password = \"hunter2\"");
        const string Forbidden = """{"message":"Resource not accessible by integration"}""";
        foreach (var (method, pattern) in (ValueTuple<string, string>[])[("POST", "/check-runs$"), ("PATCH", "/check-runs/"), ("POST", "/issues/2/comments$"), ("PATCH", "/issues/comments/")])
        {
            h.GitHub.Faults.Add(new FakeFault { Method = method, PathPattern = pattern, Status = 403, Body = Forbidden, Times = -1 });
        }

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        var commands = result.Stdout.Split('\n').Where(l => l.StartsWith("::", StringComparison.Ordinal)).ToList();
        Assert.Contains(commands, l => l.StartsWith("::error file=pipelines/ok_gnp.py,line=3", StringComparison.Ordinal));
        Assert.All(commands, l => Assert.DoesNotContain(l, c => c == '\u001b' || c == '\u0007' || c == '\u202E'));
    }

    [Fact]
    public async Task Action_OtherBotsQuoteTheMarker_TheirCommentsUntouchedOursEdited()
    {
        using var h = ActionHarness.Create();
        var linter = h.GitHub.AddComment(Marker + "\nTitle lint: add a ticket id.", login: "title-linter[bot]", createdAt: DateTimeOffset.Parse("2026-01-01T08:00:00Z"));
        var echo = h.GitHub.AddComment("Build for `" + Marker + "` passed.", login: "github-actions[bot]", createdAt: DateTimeOffset.Parse("2026-01-01T09:00:00Z"));
        var ours = h.GitHub.AddComment(Marker + "\nold result", login: "github-actions[bot]", createdAt: DateTimeOffset.Parse("2026-01-01T10:00:00Z"));

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(3, h.GitHub.Comments.Count);
        Assert.Equal(linter.Body, h.GitHub.Comments.Single(c => c.Id == linter.Id).Body);
        Assert.Equal(echo.Body, h.GitHub.Comments.Single(c => c.Id == echo.Id).Body);
        Assert.Equal(result.Report!["markdown"]!.GetValue<string>(), h.GitHub.Comments.Single(c => c.Id == ours.Id).Body);
        Assert.Equal(0, h.GitHub.Requests.Count(r => r.Method == "DELETE"));
    }

    [Fact]
    public async Task Action_SecondaryRateLimitOnCreatingTheCheck_WaitedRetriedCheckWritten()
    {
        using var h = ActionHarness.Create();
        h.GitHub.Faults.Add(new FakeFault
        {
            Method = "POST",
            PathPattern = "/check-runs$",
            Status = 403,
            Body = """{"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again."}""",
            Headers = new Dictionary<string, string> { ["Retry-After"] = "1" },
        });

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(2, h.GitHub.CountRequests("POST", "/check-runs"));
        var run = Assert.Single(h.GitHub.CheckRuns);
        Assert.Equal("failure", run["conclusion"]!.GetValue<string>());
        Assert.Single(run["annotations"]!.AsArray());
        Assert.DoesNotContain("checks: write", result.Stdout + result.Summary, StringComparison.Ordinal);
        Assert.Contains("rate limited while creating the check run", result.Stderr, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_outside, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
