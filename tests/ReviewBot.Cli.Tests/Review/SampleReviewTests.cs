using System.Text.Json;
using ReviewBot.Core.Changes;
using ReviewBot.TestUtils;

namespace ReviewBot.Cli.Tests.Review;

[Collection(ConsoleCollection.Name)]
public sealed class SampleReviewTests
{
    private static readonly string[] AgentNames = ["governance", "quality", "lineage", "cost", "docs"];

    [Fact]
    public async Task Review_Sample_PrintsCommentWithVerdictFirstAndFailsTheGate()
    {
        var result = await CliRunner.RunAsync("review", "--sample");

        Assert.Equal(1, result.ExitCode);
        var lines = result.StdOut.Split('\n');
        Assert.Equal("<!-- reviewbot:comment -->", lines[0].TrimEnd());
        Assert.StartsWith("### ❌", lines[1]);
        foreach (var agent in AgentNames)
        {
            Assert.Contains($"| {agent} |", result.StdOut);
        }
    }

    [Fact]
    public async Task Review_SampleAsJson_HasFindingsFromAllFiveAgentsAndSchemaOneFieldNames()
    {
        var result = await CliRunner.RunAsync("review", "--sample", "--format", "json");

        Assert.Equal(1, result.ExitCode);
        using var doc = JsonDocument.Parse(result.StdOut);
        var root = doc.RootElement;
        AssertHasProperties(root, "schemaVersion", "conclusion", "incomplete", "title", "agents", "findings", "coverage", "budget", "markdown");
        Assert.Equal(1, root.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("failure", root.GetProperty("conclusion").GetString());
        Assert.False(root.GetProperty("incomplete").GetBoolean());

        foreach (var agent in root.GetProperty("agents").EnumerateArray())
        {
            AssertHasProperties(agent, "name", "lane", "policy", "status", "durationMs", "findings", "promptTokens", "completionTokens", "reason");
            Assert.Equal("completed", agent.GetProperty("status").GetString());
        }

        var findings = root.GetProperty("findings").EnumerateArray().ToList();
        foreach (var finding in findings)
        {
            AssertHasProperties(finding, "agent", "rule", "severity", "file", "line", "endLine", "title", "message", "source", "fingerprint");
            Assert.Contains(finding.GetProperty("severity").GetString(), new[] { "critical", "high", "medium", "low", "info" });
            Assert.Equal("rule", finding.GetProperty("source").GetString());
            Assert.False(string.IsNullOrEmpty(finding.GetProperty("fingerprint").GetString()));
        }

        var agentsWithFindings = findings.Select(f => f.GetProperty("agent").GetString()).ToHashSet();
        Assert.Equal(AgentNames.Order(), agentsWithFindings.Order());

        AssertHasProperties(root.GetProperty("coverage"), "filesChanged", "filesReviewed", "skipped");
        AssertHasProperties(root.GetProperty("budget"), "promptTokens", "completionTokens", "limitTokens", "shed");
        Assert.StartsWith("<!-- reviewbot:comment -->", root.GetProperty("markdown").GetString());
    }

    [Fact]
    public async Task Review_Sample_NeverEchoesTheCommittedPassword()
    {
        var password = "Sn0wfl4ke-Pr0d-2024!x9";
        Assert.Contains(password, File.ReadAllText(RepositoryRoot.Combine("samples/jaffle_pipeline/head/profiles.yml")));

        foreach (var format in new[] { "markdown", "json", "sarif" })
        {
            var result = await CliRunner.RunAsync("review", "--sample", "--format", format);
            Assert.DoesNotContain(password, result.StdOut);
            Assert.DoesNotContain(password, result.StdErr);
        }
    }

    [Fact]
    public async Task Review_SampleAsSarif_WritesSarif210ToTheOutputFile()
    {
        var output = Path.Combine(Path.GetTempPath(), $"reviewbot-{Guid.NewGuid():N}", "out.sarif");
        try
        {
            var result = await CliRunner.RunAsync("review", "--sample", "--format", "sarif", "--output", output);

            Assert.Equal(1, result.ExitCode);
            Assert.Equal("", result.StdOut);
            Assert.Contains("report written to", result.StdErr);
            using var doc = JsonDocument.Parse(File.ReadAllText(output));
            Assert.Equal("2.1.0", doc.RootElement.GetProperty("version").GetString());
            Assert.NotEmpty(doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray());
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(output)!, recursive: true);
        }
    }

    [Fact]
    public void EmbeddedSampleDiff_IsWhatGitComputesFromBaseToHead()
    {
        var sample = RepositoryRoot.Combine("samples/jaffle_pipeline");
        using var repo = TempGitRepo.Create();
        CopyTree(Path.Combine(sample, "base"), repo.Root);
        repo.Commit("base");
        foreach (var entry in Directory.EnumerateFileSystemEntries(repo.Root).Where(e => Path.GetFileName(e) != ".git"))
        {
            if (Directory.Exists(entry))
            {
                Directory.Delete(entry, recursive: true);
            }
            else
            {
                File.Delete(entry);
            }
        }

        CopyTree(Path.Combine(sample, "head"), repo.Root);
        repo.Run("add", "-A");
        var fromGit = UnifiedDiffParser.Parse(repo.RunBytes("-c", "core.quotepath=on", "diff", "--cached", "--no-color", "--no-ext-diff", "-M", "--src-prefix=a/", "--dst-prefix=b/"));
        var shipped = UnifiedDiffParser.Parse(File.ReadAllBytes(Path.Combine(sample, "change.diff")));

        Assert.Equal(Describe(fromGit), Describe(shipped));
    }

    private static string Describe(IReadOnlyList<FileChange> files) =>
        string.Join('\n', files.OrderBy(f => f.Path, StringComparer.Ordinal).SelectMany(f =>
            new[] { $"{f.Kind} {f.OldPath} {f.Path}" }.Concat(f.Hunks.SelectMany(h => h.Lines).Select(l => $"{l.Kind} {l.BaseLine} {l.HeadLine} {l.Text}"))));

    private static void CopyTree(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    private static void AssertHasProperties(JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            Assert.True(element.TryGetProperty(name, out _), $"missing property '{name}' in {element}");
        }
    }
}
