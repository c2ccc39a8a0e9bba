using System.Text;
using ReviewBot.Core.Findings;
using ReviewBot.TestUtils;

namespace ReviewBot.Agents.Tests;

/// <summary>docs/rules.md lists every built-in rule; it is generated from <see cref="AgentCatalog.Rules"/> and must stay in sync.</summary>
public sealed class RulesDocTests
{
    [Fact]
    public void RulesDoc_MatchesTheCatalogue()
    {
        var path = RepositoryRoot.Combine("docs/rules.md");
        var expected = Generate();
        if (Environment.GetEnvironmentVariable("REVIEWBOT_UPDATE_DOCS") == "1")
        {
            File.WriteAllText(path, expected);
        }

        var example = expected[(expected.IndexOf("```yaml\n", StringComparison.Ordinal) + 8)..expected.IndexOf("```\n\n", StringComparison.Ordinal)];
        Assert.False(ReviewBot.Core.Configuration.ConfigLoader.Parse(example, "docs/rules.md").AgentSettings(Core.Agents.AgentName.Quality).IsRuleEnabled("unused-cte"));
        Assert.True(File.Exists(path), "docs/rules.md is missing: run the tests with REVIEWBOT_UPDATE_DOCS=1 to generate it");
        Assert.True(File.ReadAllText(path).ReplaceLineEndings("\n") == expected, "docs/rules.md is out of date: run the tests with REVIEWBOT_UPDATE_DOCS=1 to regenerate it");
    }

    private static string Generate()
    {
        var sb = new StringBuilder();
        sb.Append("# Built-in rules\n\n");
        sb.Append("Every finding names its rule. Switch a rule off, re-grade it, or except a path in `.github/reviewbot.yml`:\n\n");
        sb.Append("```yaml\nagents:\n  quality:\n    rules:\n      unused-cte: false\n    severity:\n      select-star-final: high\n    exceptions:\n      - path: models/legacy/**\n        rule: hard-coded-relation\n        reason: legacy models are migrated in Q3\n```\n\n");
        sb.Append("Severities below are defaults; some rules grade by impact (cost multipliers of 4× or more are high, smaller ones medium).\n");
        sb.Append("This page is generated from the code (`AgentCatalog.Rules`) by `RulesDocTests`.\n");
        foreach (var group in AgentCatalog.Rules.GroupBy(r => r.Agent))
        {
            sb.Append($"\n## {group.Key}\n\n| rule | default | why |\n|---|---|---|\n");
            foreach (var rule in group)
            {
                sb.Append($"| `{rule.Id}` | {rule.DefaultSeverity.ToText()} | {rule.Rationale} |\n");
            }
        }

        return sb.ToString();
    }
}
