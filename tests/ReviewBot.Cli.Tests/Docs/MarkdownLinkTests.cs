using System.Diagnostics;
using ReviewBot.Cli.Output;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Pipeline;
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
    private const string EmptyTree = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

    [Fact]
    public async Task RepositoryMarkdown_EveryRelativeLinkResolves()
    {
        var root = WebhookFixtures.RepositoryRoot;
        var diff = await GitAsync(root, "diff", "--no-color", "--no-renames", "--no-ext-diff", EmptyTree, "--",
            ":(glob)**/*.md", ":(exclude)samples/**", ":(exclude)tests/**");
        var file = Path.Combine(Path.GetTempPath(), $"reviewbot-markdown-{Guid.NewGuid():N}.diff");
        await File.WriteAllTextAsync(file, diff);
        try
        {
            var change = await GitChangeSource.FromDiffFileAsync(root, file, CancellationToken.None);
            var config = ConfigLoader.Parse("agents:\n  governance: false\n  quality: false\n  lineage: false\n  cost: false\n", "links.yml");

            var report = await new ReviewPipeline(TimeProvider.System, null).RunAsync(change, config, new ConsoleObserver(TextWriter.Null), CancellationToken.None);

            var checkedFiles = change.Files.Select(f => f.Path).ToList();
            output.WriteLine($"{checkedFiles.Count} Markdown files: {string.Join(", ", checkedFiles)}");
            Assert.Contains("README.md", checkedFiles);
            Assert.Contains("docs/reliability.md", checkedFiles);
            Assert.DoesNotContain(report.Coverage.NotAnalysed, n => n.Agent == "docs");
            var broken = report.Findings.Where(f => f.Rule == "broken-markdown-link").Select(f => $"{f.File}:{f.Line}: {f.Message}").ToList();
            Assert.True(broken.Count == 0, string.Join('\n', broken));
        }
        finally
        {
            File.Delete(file);
        }
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
