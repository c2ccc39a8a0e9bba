using ReviewBot.TestUtils.Llm;
using Xunit.Abstractions;

namespace ReviewBot.Cli.Tests.Action;

/// <summary>
/// The published binary (self-contained ReadyToRun: see action/publish.sh), as the image runs it, through the LLM
/// pass: the Azure OpenAI and OpenAI clients send and parse real wire formats from the stubs.
/// </summary>
public sealed class PublishedLlmTests(ITestOutputHelper output)
{
    private const string Config = "agents:\n  quality: false\n  lineage: false\n  cost: false\n  docs: false\n";

    [Fact]
    public async Task PublishedAction_AzureOpenAiInputs_LlmPassRunsThroughThePublishedClient()
    {
        using var llm = ChatCompletionsStub.StartAzure();
        llm.Answer("""{"findings":[]}""", promptTokens: 321, completionTokens: 12);
        using var h = ActionHarness.Create(config: Config);
        h.Environment["INPUT_AZURE_OPENAI_ENDPOINT"] = llm.Endpoint;
        h.Environment["INPUT_AZURE_OPENAI_DEPLOYMENT"] = llm.Deployment;
        h.Environment["INPUT_AZURE_OPENAI_API_KEY"] = "azure-published-key";

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        Assert.True(llm.RequestCount > 0, "no request reached the Azure OpenAI stub");
        var governance = result.Report!["agents"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "governance")!;
        Assert.Equal(321 * llm.RequestCount, governance["promptTokens"]!.GetValue<int>());
    }

    [Fact]
    public async Task PublishedAction_OpenAiInputs_LlmPassRunsThroughThePublishedClient()
    {
        using var llm = ChatCompletionsStub.StartOpenAiCompatible();
        llm.Answer("""{"findings":[]}""", promptTokens: 123, completionTokens: 7);
        using var h = ActionHarness.Create(config: Config);
        h.Environment["INPUT_OPENAI_BASE_URL"] = llm.Endpoint;
        h.Environment["INPUT_OPENAI_MODEL"] = llm.Deployment;
        h.Environment["INPUT_OPENAI_API_KEY"] = "sk-published-key";

        var result = await h.RunAsync();
        output.WriteLine(result.ToString());

        Assert.True(llm.RequestCount > 0, "no request reached the OpenAI-compatible stub");
        var governance = result.Report!["agents"]!.AsArray().Single(a => a!["name"]!.GetValue<string>() == "governance")!;
        Assert.Equal(123 * llm.RequestCount, governance["promptTokens"]!.GetValue<int>());
    }
}
