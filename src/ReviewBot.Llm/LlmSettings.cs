using ReviewBot.Core.Configuration;

namespace ReviewBot.Llm;

/// <summary>
/// The resolved connection settings of one language model, built by <see cref="LanguageModelFactory.ResolveSettings"/>
/// from the <c>llm:</c> config and the environment. A class rather than a record so that the API key never
/// appears in a generated <c>ToString()</c>.
/// </summary>
public sealed class LlmSettings
{
    /// <summary>The default <see cref="NetworkTimeout"/>: two minutes.</summary>
    public static readonly TimeSpan DefaultNetworkTimeout = TimeSpan.FromMinutes(2);

    /// <summary><see cref="LlmProvider.AzureOpenAI"/> or <see cref="LlmProvider.OpenAICompatible"/>.</summary>
    public required LlmProvider Provider { get; init; }

    /// <summary>The Azure resource endpoint (<c>https://NAME.openai.azure.com/</c>) or the OpenAI-compatible base URL (ending in <c>/v1</c>).</summary>
    public required Uri Endpoint { get; init; }

    /// <summary>The Azure deployment name, or the model name of an OpenAI-compatible endpoint.</summary>
    public required string Deployment { get; init; }

    /// <summary>The API key; null for Azure means keyless Entra ID authentication (<c>DefaultAzureCredential</c>).</summary>
    public string? ApiKey { get; init; }

    /// <summary>Azure OpenAI API version (<c>2024-06-01</c> or <c>2024-10-21</c>); null uses the SDK's default (2024-10-21).</summary>
    public string? ApiVersion { get; init; }

    /// <summary>How long one HTTP request may take before it fails with <c>LlmFailureKind.Timeout</c>. Default two minutes.</summary>
    public TimeSpan NetworkTimeout { get; init; } = DefaultNetworkTimeout;

    /// <summary>Where the settings came from, for messages: e.g. <c>AZURE_OPENAI_DEPLOYMENT</c>.</summary>
    internal string DeploymentVariable => Provider == LlmProvider.AzureOpenAI ? "AZURE_OPENAI_DEPLOYMENT" : "OPENAI_MODEL";

    internal string KeyVariable => Provider == LlmProvider.AzureOpenAI ? "AZURE_OPENAI_API_KEY" : "OPENAI_API_KEY";

    internal string EndpointVariable => Provider == LlmProvider.AzureOpenAI ? "AZURE_OPENAI_ENDPOINT" : "OPENAI_BASE_URL";

    public override string ToString() =>
        $"{Provider} {Endpoint} deployment={Deployment} auth={(ApiKey is null ? "entra-id" : "api-key")}";
}
