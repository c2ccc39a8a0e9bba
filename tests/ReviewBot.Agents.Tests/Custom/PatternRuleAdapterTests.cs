using ReviewBot.Core.Agents;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Tests.Custom;

public sealed class PatternRuleAdapterTests
{
    private static readonly ReviewConfig Config = ConfigLoader.Parse("""
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

    [Fact]
    public async Task RunAsync_PatternOnAddedLineInsidePaths_OneFindingPerLine()
    {
        var result = await Review.RunAsync(
            Review.Shop(
                Review.Edit("orchestration/dagster/schedules.py", "import os\n", "import os\n\nprint(\"loading\")\n"),
                ("scripts/tool.py", "print('outside the agent paths')\n")),
            Config);

        var finding = Assert.Single(result.Outputs[new AgentName("dagster-conventions")].Findings);
        Assert.Equal(("no-print", Severity.Low, 3), (finding.Rule, finding.Severity, finding.Line));
        Assert.Equal("print(\"loading\")", finding.Anchor);
        Assert.Equal("Use the Dagster logger instead of print().", finding.Message);
    }

    [Fact]
    public async Task RunAsync_PatternOnlyInUnchangedLines_NoFinding()
    {
        var result = await Review.RunAsync(
            Review.Shop(("orchestration/dagster/schedules.py", "print('old')\n" + Review.Fixture("shop")["orchestration/dagster/schedules.py"])),
            Config);

        Assert.Single(result.Outputs[new AgentName("dagster-conventions")].Findings);
        var again = await Review.RunAsync(
            Review.Shop(Review.Edit("orchestration/dagster/schedules.py", "import os\n", "import os  # settings\n")),
            Config);
        Assert.Empty(again.Outputs[new AgentName("dagster-conventions")].Findings);
    }
}
