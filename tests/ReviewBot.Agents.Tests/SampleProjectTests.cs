using ReviewBot.Core.Agents;
using ReviewBot.Core.Findings;
using ReviewBot.TestUtils;

namespace ReviewBot.Agents.Tests;

/// <summary>The embedded sample (samples/jaffle_pipeline): a second realistic project whose change has a real problem for every agent.</summary>
public sealed class SampleProjectTests
{
    private static Dictionary<string, string> Side(string side)
    {
        var root = RepositoryRoot.Combine($"samples/jaffle_pipeline/{side}");
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);
    }

    [Fact]
    public async Task RunAsync_SampleChange_EveryAgentFindsItsDefects()
    {
        var result = await Review.RunAsync(ChangeSets.FromFiles(Side("base"), Side("head")));

        string[] expected =
        [
            "secret-in-code", "destructive-ddl", "grant-to-public", "pii-column-untagged", "hard-coded-relation", "equals-null", "select-star-final",
            "column-removed-referenced", "incremental-to-full-rebuild", "schedule-tightened", "env-var-undocumented", "model-undocumented",
        ];
        Assert.All(expected, rule => Assert.True(result.Of(rule).Count > 0, $"no {rule}:\n{result.Describe()}"));
        Assert.All(new[] { AgentName.Governance, AgentName.Quality, AgentName.Lineage, AgentName.Cost, AgentName.Docs },
            agent => Assert.Contains(result.Outputs[agent].Findings, f => f.Severity >= Severity.Medium));
        var secret = result.Single("secret-in-code");
        Assert.DoesNotContain("Sn0wfl4ke", secret.Message + secret.Anchor, StringComparison.Ordinal);
        Assert.All(result.Findings, f => Assert.False(string.IsNullOrWhiteSpace(f.Anchor)));
        Assert.All(result.Findings.Where(f => f.Line is not null), f => Assert.True(IsAddedOrFileLevel(f), $"{f.Rule} at {f.File}:{f.Line} is not on an added line"));
    }

    private static bool IsAddedOrFileLevel(Finding finding)
    {
        var change = ChangeSets.FromFiles(Side("base"), Side("head")).Files.FirstOrDefault(f => f.Path == finding.File);
        return change is not null && change.IsAddedLine(finding.Line!.Value);
    }
}
