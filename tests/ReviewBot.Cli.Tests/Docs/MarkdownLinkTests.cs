using System.Diagnostics;
using ReviewBot.Cli.Output;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Pipeline;
using ReviewBot.TestUtils;
using ReviewBot.TestUtils.GitHub;
using Xunit.Abstractions;

namespace ReviewBot.Cli.Tests.Docs;

/// <summary>
/// The repository's own Markdown (README, docs/, SECURITY.md, ...; not the samples and test fixtures, whose
/// broken links are on purpose) checked by the docs agent's <c>broken-markdown-link</c> rule, through the real
/// pipeline: every file is presented as added, so every relative link in it is checked against the checkout.
/// </summary>
public sealed class MarkdownLinkTests(ITestOutputHelper output)
{
    [Fact]
    public async Task RepositoryMarkdown_EveryRelativeLinkResolves()
    {
        var root = WebhookFixtures.RepositoryRoot;
        var paths = (await GitAsync(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"))
            .Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(p => File.Exists(Path.Combine(root, p))).ToList();

        // A copy of the repository's tree in which the own Markdown is added on top of an empty commit: every link
        // in it is new to the rule, and every path of the repository exists as a link target (empty, but there).
        using var copy = TempGitRepo.Create();
        var baseSha = copy.WriteFile(".reviewbot-link-check", "").Commit("empty");
        var checkedFiles = new List<string>();
        foreach (var path in paths)
        {
            var own = path.EndsWith(".md", StringComparison.Ordinal) && !path.StartsWith("samples/", StringComparison.Ordinal) && !path.StartsWith("tests/", StringComparison.Ordinal);
            copy.WriteFile(path, own ? await File.ReadAllTextAsync(Path.Combine(root, path)) : "");
            if (own)
            {
                checkedFiles.Add(path);
            }
        }

        copy.Commit("the repository");
        var change = await GitChangeSource.FromRangeAsync(copy.Root, baseSha, null, CancellationToken.None);
        var config = ConfigLoader.Parse("agents:\n  governance: false\n  quality: false\n  lineage: false\n  cost: false\nlimits:\n  max_files: 100000\n", "links.yml");

        var report = await new ReviewPipeline(TimeProvider.System, null).RunAsync(change, config, new ConsoleObserver(TextWriter.Null), CancellationToken.None);

        output.WriteLine($"{checkedFiles.Count} Markdown files: {string.Join(", ", checkedFiles)}");
        Assert.Contains("README.md", checkedFiles);
        Assert.Contains("docs/reliability.md", checkedFiles);
        Assert.DoesNotContain(report.Coverage.NotAnalysed, n => n.Agent == "docs" && checkedFiles.Contains(n.File));
        var broken = report.Findings.Where(f => f.Rule == "broken-markdown-link").Select(f => $"{f.File}:{f.Line}: {f.Message}").ToList();
        Assert.True(broken.Count == 0, string.Join('\n', broken));
    }

    private static async Task<string> GitAsync(string root, params string[] args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = root };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, await stderr);
        return await stdout;
    }
}
