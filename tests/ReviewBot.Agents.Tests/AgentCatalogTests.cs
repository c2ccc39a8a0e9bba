using ReviewBot.Core;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Tests;

public sealed class AgentCatalogTests
{
    [Fact]
    public void Create_Defaults_FiveBuiltInsWithDesignedLanesPoliciesAndResources()
    {
        var agents = AgentCatalog.Create(ReviewConfig.Default).ToDictionary(a => a.Descriptor.Name.Value, a => a.Descriptor);

        Assert.Equal(["governance", "quality", "lineage", "cost", "docs"], agents.Keys.ToArray());
        Assert.Equal((Lane.Critical, "required"), (agents["governance"].Lane, agents["governance"].Policy.ToString()));
        Assert.Equal((Lane.High, "retry:1/best_effort"), (agents["quality"].Lane, agents["quality"].Policy.ToString()));
        Assert.Equal((Lane.High, "retry:1/best_effort"), (agents["lineage"].Lane, agents["lineage"].Policy.ToString()));
        Assert.Equal((Lane.Normal, "best_effort"), (agents["cost"].Lane, agents["cost"].Policy.ToString()));
        Assert.Equal((Lane.Low, "best_effort"), (agents["docs"].Lane, agents["docs"].Policy.ToString()));
        Assert.All(agents, a => Assert.Equal([$"findings:{a.Key}"], a.Value.Writes.ToArray()));
        Assert.All(agents.Values, d => Assert.Contains(Resources.Diff, d.Reads));
        Assert.Contains(Resources.PipelineFacts, agents["cost"].Reads);
        Assert.Contains(Resources.DbtGraph, agents["lineage"].Reads);
    }

    [Fact]
    public void Create_ConfigOverrides_LanePolicyRetryTimeoutAndDisabledAgentsOmitted()
    {
        var config = ConfigLoader.Parse("""
            agents:
              docs:
                enabled: false
              cost:
                lane: high
                policy: required
                timeout: 30s
              quality:
                retry: 3
            """, "reviewbot.yml");

        var agents = AgentCatalog.Create(config).ToDictionary(a => a.Descriptor.Name.Value, a => a.Descriptor);

        Assert.False(agents.ContainsKey("docs"));
        Assert.Equal((Lane.High, "required", TimeSpan.FromSeconds(30)), (agents["cost"].Lane, agents["cost"].Policy.ToString(), agents["cost"].Timeout));
        Assert.Equal("retry:3/best_effort", agents["quality"].Policy.ToString());
    }

    [Fact]
    public void Create_CustomAgent_LaneFromConfigAndDeclaredResources()
    {
        var config = ConfigLoader.Parse("""
            agents:
              dagster-conventions:
                lane: normal
                paths:
                  include: ["orchestration/**"]
                patterns:
                  - id: no-print
                    regex: '\bprint\('
                    severity: low
                    title: print() in pipeline code
                    message: Use the Dagster logger instead of print().
            """, "reviewbot.yml");

        var custom = Assert.Single(AgentCatalog.Create(config), a => a.Descriptor.Name.Value == "dagster-conventions").Descriptor;

        Assert.Equal(Lane.Normal, custom.Lane);
        Assert.Equal("best_effort", custom.Policy.ToString());
        Assert.Equal([Resources.Diff], custom.Reads.ToArray());
        Assert.Equal(["findings:dagster-conventions"], custom.Writes.ToArray());
    }

    [Fact]
    public void Create_CustomAgentWithoutLane_InvalidInputNamingTheKey()
    {
        // The loader refuses it at its line, before any catalogue is built.
        var error = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse("agents:\n  mine:\n    patterns:\n      - id: x\n        regex: x\n", "reviewbot.yml"));

        Assert.Contains("reviewbot.yml:2: agents.mine.lane", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_EveryRuleHasKebabIdRationaleAndUniqueIdPerAgent()
    {
        Assert.True(AgentCatalog.Rules.Count >= 35);
        Assert.All(AgentCatalog.Rules, r =>
        {
            Assert.Matches("^[a-z]+(-[a-z]+)*$", r.Id);
            Assert.False(string.IsNullOrWhiteSpace(r.Rationale));
        });
        Assert.Equal(AgentCatalog.Rules.Count, AgentCatalog.Rules.Select(r => r.Id).Distinct().Count());
        Assert.Equal(Severity.Critical, AgentCatalog.Rules.Single(r => r.Id == "secret-in-code").DefaultSeverity);
        Assert.All(AgentCatalog.BuiltInNames, n => Assert.Contains(AgentCatalog.Rules, r => r.Agent == n));
    }
}
