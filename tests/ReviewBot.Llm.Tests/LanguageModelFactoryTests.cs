using ReviewBot.Core;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;
using ReviewBot.TestUtils.Llm;

namespace ReviewBot.Llm.Tests;

public sealed class LanguageModelFactoryTests
{
    private static readonly LlmConfig Azure = new() { Provider = LlmProvider.AzureOpenAI };

    [Fact]
    public void Create_ProviderNoneAndNoEnvironment_Null()
    {
        Assert.Null(LanguageModelFactory.Create(new LlmConfig(), Env()));
    }

    [Fact]
    public void Create_ProviderNoneWithOnlyOpenAiKey_Null()
    {
        Assert.Null(LanguageModelFactory.Create(new LlmConfig(), Env(("OPENAI_API_KEY", "sk-x"))));
    }

    [Fact]
    public void Create_ProviderNoneWithAmbientAzureVariables_Null()
    {
        Assert.Null(LanguageModelFactory.Create(new LlmConfig(), Env(
            ("AZURE_OPENAI_ENDPOINT", "https://a.openai.azure.com/"), ("AZURE_OPENAI_DEPLOYMENT", "gpt"), ("AZURE_OPENAI_API_KEY", "k"))));
    }

    [Fact]
    public void Create_AzureConfiguredButNothingSet_Null()
    {
        Assert.Null(LanguageModelFactory.Create(Azure, Env(("AZURE_OPENAI_ENDPOINT", ""), ("INPUT_AZURE_OPENAI_API_KEY", ""))));
    }

    [Fact]
    public void Create_CommittedDeploymentButNoSecretsInThisRun_RulesOnlyNotAnError()
    {
        // A fork PR: the base config names the deployment; the endpoint and key are secrets the run does not get.
        var config = new LlmConfig { Provider = LlmProvider.AzureOpenAI, Deployment = "gpt-4o-mini" };

        Assert.Null(LanguageModelFactory.Create(config, Env(("INPUT_AZURE_OPENAI_API_KEY", ""), ("GITHUB_TOKEN", "t"))));
    }

    [Fact]
    public void ResolveSettings_AzureFromEnvironment_AllValues()
    {
        var settings = LanguageModelFactory.ResolveSettings(Azure, Env(
            ("AZURE_OPENAI_ENDPOINT", "https://contoso.openai.azure.com/"),
            ("AZURE_OPENAI_DEPLOYMENT", "gpt-4o"),
            ("AZURE_OPENAI_API_KEY", "k1")))!;

        Assert.Equal(LlmProvider.AzureOpenAI, settings.Provider);
        Assert.Equal(new Uri("https://contoso.openai.azure.com/"), settings.Endpoint);
        Assert.Equal("gpt-4o", settings.Deployment);
        Assert.Equal("k1", settings.ApiKey);
        Assert.DoesNotContain("k1", settings.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveSettings_ActionInputsWinOverEnvironmentWhichWinsOverConfig()
    {
        var config = new LlmConfig { Provider = LlmProvider.AzureOpenAI, Endpoint = "https://config.openai.azure.com/", Deployment = "from-config" };

        var settings = LanguageModelFactory.ResolveSettings(config, Env(
            ("INPUT_AZURE_OPENAI_ENDPOINT", "https://input.openai.azure.com/"),
            ("AZURE_OPENAI_ENDPOINT", "https://env.openai.azure.com/"),
            ("AZURE_OPENAI_DEPLOYMENT", "from-env"),
            ("INPUT_AZURE_OPENAI_API_KEY", "input-key"),
            ("AZURE_OPENAI_API_KEY", "env-key")))!;

        Assert.Equal("input.openai.azure.com", settings.Endpoint.Host);
        Assert.Equal("from-env", settings.Deployment);
        Assert.Equal("input-key", settings.ApiKey);
    }

    [Fact]
    public void ResolveSettings_EmptyActionInput_FallsBackToEnvironment()
    {
        var settings = LanguageModelFactory.ResolveSettings(Azure, Env(
            ("INPUT_AZURE_OPENAI_ENDPOINT", ""),
            ("AZURE_OPENAI_ENDPOINT", "https://env.openai.azure.com/"),
            ("INPUT_AZURE_OPENAI_DEPLOYMENT", "  "),
            ("AZURE_OPENAI_DEPLOYMENT", "d")))!;

        Assert.Equal("env.openai.azure.com", settings.Endpoint.Host);
        Assert.Equal("d", settings.Deployment);
        Assert.Null(settings.ApiKey);
    }

    [Fact]
    public void ResolveSettings_ConfigEndpointAndDeploymentWithoutKey_KeylessEntraId()
    {
        var config = new LlmConfig { Provider = LlmProvider.AzureOpenAI, Endpoint = "https://c.openai.azure.com/", Deployment = "gpt", ApiVersion = "2024-06-01" };

        var settings = LanguageModelFactory.ResolveSettings(config, Env())!;

        Assert.Null(settings.ApiKey);
        Assert.Equal("2024-06-01", settings.ApiVersion);
        Assert.Contains("entra-id", settings.ToString(), StringComparison.Ordinal);
        Assert.NotNull(LanguageModelFactory.Create(settings));
    }

    [Fact]
    public void ResolveSettings_ProviderNoneButActionEndpointGiven_SelectsAzure()
    {
        var settings = LanguageModelFactory.ResolveSettings(new LlmConfig(), Env(
            ("INPUT_AZURE_OPENAI_ENDPOINT", "https://a.openai.azure.com/"), ("INPUT_AZURE_OPENAI_DEPLOYMENT", "gpt")))!;

        Assert.Equal(LlmProvider.AzureOpenAI, settings.Provider);
    }

    [Fact]
    public void ResolveSettings_AzureKeyWithoutEndpoint_NamesEndpointVariable()
    {
        var ex = Assert.Throws<InvalidInputException>(() => LanguageModelFactory.ResolveSettings(Azure, Env(("AZURE_OPENAI_API_KEY", "k"), ("AZURE_OPENAI_DEPLOYMENT", "d"))));

        Assert.Contains("AZURE_OPENAI_ENDPOINT is not set", ex.Message, StringComparison.Ordinal);
        Assert.Contains("azure_openai_endpoint", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveSettings_AzureEndpointWithoutDeployment_NamesDeploymentVariable()
    {
        var ex = Assert.Throws<InvalidInputException>(() => LanguageModelFactory.ResolveSettings(Azure, Env(("AZURE_OPENAI_ENDPOINT", "https://a.openai.azure.com/"))));

        Assert.Contains("AZURE_OPENAI_DEPLOYMENT is not set", ex.Message, StringComparison.Ordinal);
        Assert.Contains("llm.deployment", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveSettings_EndpointNotAUrl_NamesVariable()
    {
        var ex = Assert.Throws<InvalidInputException>(() => LanguageModelFactory.ResolveSettings(Azure, Env(("AZURE_OPENAI_ENDPOINT", "contoso"), ("AZURE_OPENAI_DEPLOYMENT", "d"))));

        Assert.Contains("AZURE_OPENAI_ENDPOINT", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveSettings_UnsupportedApiVersion_ListsSupportedOnes()
    {
        var config = new LlmConfig { Provider = LlmProvider.AzureOpenAI, Endpoint = "https://a.openai.azure.com/", Deployment = "d", ApiVersion = "2023-05-15" };

        var ex = Assert.Throws<InvalidInputException>(() => LanguageModelFactory.ResolveSettings(config, Env()));

        Assert.Contains("llm.api_version '2023-05-15'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("2024-10-21", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveSettings_OpenAiCompatibleFromConfigAndEnvironment()
    {
        var config = new LlmConfig { Provider = LlmProvider.OpenAICompatible, Endpoint = "http://localhost:11434/v1", Deployment = "llama3" };

        var settings = LanguageModelFactory.ResolveSettings(config, Env(("OPENAI_API_KEY", "ollama")))!;

        Assert.Equal(LlmProvider.OpenAICompatible, settings.Provider);
        Assert.Equal("llama3", settings.Deployment);
        Assert.Equal("ollama", settings.ApiKey);
    }

    [Fact]
    public void ResolveSettings_OpenAiCompatibleWithoutKey_NamesKeyVariable()
    {
        var config = new LlmConfig { Provider = LlmProvider.OpenAICompatible, Endpoint = "http://localhost:11434/v1", Deployment = "llama3" };

        var ex = Assert.Throws<InvalidInputException>(() => LanguageModelFactory.ResolveSettings(config, Env()));

        Assert.Contains("OPENAI_API_KEY is not set", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveSettings_OpenAiCompatibleWithoutModel_NamesModelVariable()
    {
        var ex = Assert.Throws<InvalidInputException>(() => LanguageModelFactory.ResolveSettings(
            new LlmConfig { Provider = LlmProvider.OpenAICompatible }, Env(("OPENAI_BASE_URL", "https://api.example.com/v1"), ("OPENAI_API_KEY", "k"))));

        Assert.Contains("OPENAI_MODEL is not set", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ResolveSettings_OpenAiActionInputsWithoutLlmSection_SelectOpenAiCompatible()
    {
        var settings = LanguageModelFactory.ResolveSettings(new LlmConfig(), Env(
            ("INPUT_OPENAI_BASE_URL", "https://api.example.com/v1"), ("INPUT_OPENAI_MODEL", "gpt-4o-mini"), ("INPUT_OPENAI_API_KEY", "sk-input")))!;

        Assert.Equal(LlmProvider.OpenAICompatible, settings.Provider);
        Assert.Equal("https://api.example.com/v1", settings.Endpoint.ToString());
        Assert.Equal("gpt-4o-mini", settings.Deployment);
        Assert.Equal("sk-input", settings.ApiKey);
    }

    [Fact]
    public void ResolveSettings_AmbientOpenAiBaseUrlWithoutLlmSection_Null()
    {
        Assert.Null(LanguageModelFactory.ResolveSettings(new LlmConfig(), Env(
            ("OPENAI_BASE_URL", "https://api.example.com/v1"), ("OPENAI_MODEL", "m"), ("OPENAI_API_KEY", "k"))));
    }

    [Theory]
    [InlineData("INPUT_OPENAI_MODEL", "openai_model")]
    [InlineData("INPUT_OPENAI_API_KEY", "openai_api_key")]
    public void ResolveSettings_OpenAiActionInputMissing_NamesTheActionInput(string left, string input)
    {
        var env = Env(("INPUT_OPENAI_BASE_URL", "https://api.example.com/v1"), ("INPUT_OPENAI_MODEL", "m"), ("INPUT_OPENAI_API_KEY", "k"));
        env.Remove(left);

        var ex = Assert.Throws<InvalidInputException>(() => LanguageModelFactory.ResolveSettings(new LlmConfig(), env));

        Assert.Contains($"the {input} action input", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_AzureThroughInjectedHttpClient_CallsLoopbackWithConfiguredDeployment()
    {
        using var stub = ChatCompletionsStub.StartAzure("dep-1");
        stub.Answer("fine", 10, 2);
        using var http = new HttpClient();

        var model = LanguageModelFactory.Create(Azure, Env(
            ("INPUT_AZURE_OPENAI_ENDPOINT", stub.Endpoint), ("INPUT_AZURE_OPENAI_DEPLOYMENT", "dep-1"), ("INPUT_AZURE_OPENAI_API_KEY", "k")), http)!;
        var completion = await model.CompleteAsync(new LlmRequest("s", "u", 10), CancellationToken.None);

        Assert.Equal("dep-1", model.Deployment);
        Assert.Equal("fine", completion.Text);
        Assert.Equal(1, stub.RequestCount);
    }

    private static Dictionary<string, string?> Env(params (string Name, string? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);
}
