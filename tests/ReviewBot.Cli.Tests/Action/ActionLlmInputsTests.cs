using ReviewBot.Cli.Tests.Reliability;
using ReviewBot.TestUtils.GitHub;
using Xunit.Abstractions;

namespace ReviewBot.Cli.Tests.Action;

/// <summary>The LLM provider inputs of action.yml, as a workflow passes them (<c>INPUT_*</c>), through the real run.</summary>
public sealed class ActionLlmInputsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Action_OpenAiInputs_LlmPassCallsTheOpenAiCompatibleServerAndKeyIsMasked()
    {
        using var action = InProcessAction.Create();
        var llm = action.WithOpenAiCompatible();
        llm.Answer("""{"findings":[]}""");

        var result = await action.RunAsync();
        output.WriteLine(result.ToString());

        Assert.True(llm.RequestCount > 0, "no chat completion reached the OpenAI-compatible stub");
        Assert.Contains($"::add-mask::{InProcessAction.OpenAiKey}", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(InProcessAction.OpenAiKey, result.Stderr, StringComparison.Ordinal);
        Assert.All(action.GitHub.Comments, c => Assert.DoesNotContain(InProcessAction.OpenAiKey, c.Body, StringComparison.Ordinal));
        var agents = result.Report!["agents"]!.AsArray();
        Assert.Contains(agents, a => a!["promptTokens"]!.GetValue<int>() > 0);
    }

    [Fact]
    public async Task Action_OpenAiBaseUrlWithoutModel_BadInputNamingTheInput()
    {
        using var action = InProcessAction.Create();
        action.WithOpenAiCompatible();
        action.Environment.Remove("INPUT_OPENAI_MODEL");

        var result = await action.RunAsync();

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("openai_model", result.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("openai_base_url")]
    [InlineData("openai_model")]
    [InlineData("openai_api_key")]
    [InlineData("azure_openai_endpoint")]
    [InlineData("azure_openai_deployment")]
    [InlineData("azure_openai_api_key")]
    public void ActionYml_DeclaresEveryLlmInput(string input)
    {
        var declared = File.ReadAllText(Path.Combine(WebhookFixtures.RepositoryRoot, "action.yml"));

        Assert.Contains($"\n  {input}:\n    description:", declared, StringComparison.Ordinal);
    }

    [Fact]
    public void SecretVariables_CoverEverySecretInputOfActionYml()
    {
        var declared = File.ReadAllLines(Path.Combine(WebhookFixtures.RepositoryRoot, "action.yml"))
            .Where(l => l.StartsWith("  ", StringComparison.Ordinal) && !l.StartsWith("   ", StringComparison.Ordinal) && l.TrimEnd().EndsWith(':'))
            .Select(l => l.Trim().TrimEnd(':'))
            .Where(name => name.EndsWith("_api_key", StringComparison.Ordinal) || name.EndsWith("_token", StringComparison.Ordinal))
            .ToList();

        Assert.Contains("openai_api_key", declared);
        Assert.All(declared, name => Assert.Contains("INPUT_" + name.ToUpperInvariant(), Cli.Action.ActionSettings.SecretVariables));
    }
}
