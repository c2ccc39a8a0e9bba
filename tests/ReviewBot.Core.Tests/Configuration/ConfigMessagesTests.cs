using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;

namespace ReviewBot.Core.Tests.Configuration;

/// <summary>Config errors as a newcomer meets them (issue 18): the real line, a suggestion, one meaning of a value.</summary>
public sealed class ConfigMessagesTests
{
    [Theory]
    [InlineData("fail_on: high\nagents:\n\tgovernance: false\n", 3)]
    [InlineData("fail_on: high\nmax_parallel: 2\nagents:\n  governance:\n  \tlane: high\n", 5)]
    public void Parse_TabIndentation_ReportedAtItsLine(string yaml, int line)
    {
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, ".github/reviewbot.yml"));

        Assert.StartsWith($".github/reviewbot.yml:{line}: not valid YAML: a tab indents this line", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TabInsideAQuotedValue_IsNotIndentation()
    {
        var config = ConfigLoader.Parse("agents:\n  reviewers:\n    lane: low\n    prompt: \"a\tb\"\n", "c.yml");

        Assert.Equal("a\tb", config.Agents["reviewers"].Prompt);
    }

    [Fact]
    public void Parse_MisspeltBuiltInAgent_UnknownAgentWithSuggestionFileAndLine()
    {
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse("fail_on: high\nagents:\n  governance: true\n  dcos: false\n", ".github/reviewbot.yml"));

        Assert.Equal(".github/reviewbot.yml:4: agents.dcos: unknown agent 'dcos' — did you mean 'docs'? (a custom agent needs a prompt or rules)", e.Message);
    }

    [Theory]
    [InlineData("agents:\n  qualty:\n    timeout: 30s\n", "did you mean 'quality'?")]
    [InlineData("agents:\n  linage: true\n", "did you mean 'lineage'?")]
    [InlineData("agents:\n  security: true\n", "(the built-in agents are governance, quality, lineage, cost, docs)")]
    public void Parse_CustomAgentWithoutPromptOrRules_UnknownAgent(string yaml, string expected)
    {
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, "c.yml"));

        Assert.Contains("c.yml:2: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("(a custom agent needs a prompt or rules)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CustomAgentWithoutLane_NamesTheKeyAndLine()
    {
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse("agents:\n  reviewers:\n    prompt: Look for typos.\n", "c.yml"));

        Assert.Equal("c.yml:2: agents.reviewers.lane: required for a custom agent (critical, high, normal or low)", e.Message);
    }

    [Theory]
    [InlineData("fail_on: HIGH\n", "write it in lower case: high")]
    [InlineData("fail_on: High\n", "write it in lower case: high")]
    [InlineData("on_incomplete: Fail\n", "write it in lower case: fail")]
    [InlineData("llm:\n  provider: Azure-OpenAI\n", "write it in lower case: azure-openai")]
    public void Parse_ValueInAnotherCase_RefusedAsTheSchemaDoesWithTheFix(string yaml, string hint)
    {
        var e = Assert.Throws<InvalidInputException>(() => ConfigLoader.Parse(yaml, "c.yml"));

        Assert.Contains(hint, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LowerCaseSeverity_Accepted() => Assert.Equal(Severity.Medium, ConfigLoader.Parse("fail_on: medium\n", "c.yml").FailOn);
}
