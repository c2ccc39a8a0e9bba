using System.ClientModel;
using Azure.AI.OpenAI;
using Azure.Core;
using Azure.Identity;
using OpenAI.Chat;
using ReviewBot.Core;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;

namespace ReviewBot.Llm;

/// <summary>
/// Azure OpenAI chat completions through <c>Azure.AI.OpenAI</c>: API key when one is configured, keyless
/// Entra ID (<see cref="DefaultAzureCredential"/>) otherwise.
/// </summary>
/// <remarks>
/// <para>
/// Retries live in ONE place: ReviewBot's shared LLM limiter in the orchestrator, which honours
/// <c>Retry-After</c> / <c>retry-after-ms</c> for every agent at once. The SDK's own retry policy (which would
/// retry 429 and 5xx three times on its own, invisibly to the limiter and the budget) is therefore switched off
/// with <c>ClientRetryPolicy(maxRetries: 0)</c>: every failure surfaces at once as an <see cref="LlmException"/>.
/// </para>
/// <para>
/// One client (and one HTTP transport) per instance; never an <see cref="HttpClient"/> per call. Without an
/// injected <see cref="HttpClient"/> the SDK's shared transport is used.
/// </para>
/// </remarks>
internal sealed class AzureOpenAiLanguageModel : ILanguageModel
{
    private readonly ChatClient _chat;
    private readonly LlmSettings _settings;
    private readonly TimeProvider _time;

    public AzureOpenAiLanguageModel(LlmSettings settings, HttpClient? httpClient = null, TimeProvider? time = null)
        : this(settings, httpClient, time, credential: null)
    {
    }

    /// <summary>As the public constructor, with the Entra ID credential used when there is no API key (default <see cref="DefaultAzureCredential"/>).</summary>
    internal AzureOpenAiLanguageModel(LlmSettings settings, HttpClient? httpClient, TimeProvider? time, TokenCredential? credential)
    {
        ArgumentNullException.ThrowIfNull(settings);
        _settings = settings;
        _time = time ?? TimeProvider.System;
        var options = ServiceVersionOf(settings.ApiVersion) is { } version ? new AzureOpenAIClientOptions(version) : new AzureOpenAIClientOptions();
        ChatCompletionCall.ConfigurePipeline(options, settings, httpClient);
        var client = settings.ApiKey is { } key
            ? new AzureOpenAIClient(settings.Endpoint, new ApiKeyCredential(key), options)
            : new AzureOpenAIClient(settings.Endpoint, credential ?? new DefaultAzureCredential(), options);
        _chat = client.GetChatClient(settings.Deployment);
    }

    /// <summary>API versions this build can send (the SDK's <c>AzureOpenAIClientOptions.ServiceVersion</c>).</summary>
    public static IReadOnlyList<string> SupportedApiVersions { get; } = ["2024-06-01", "2024-10-21"];

    public string Deployment => _settings.Deployment;

    public Task<LlmCompletion> CompleteAsync(LlmRequest request, CancellationToken cancellationToken) =>
        ChatCompletionCall.CompleteAsync(_chat, request, _settings, _time, cancellationToken);

    /// <summary>The SDK's service version for an <c>api_version</c> string; null for the SDK default.</summary>
    internal static AzureOpenAIClientOptions.ServiceVersion? ServiceVersionOf(string? apiVersion) => apiVersion switch
    {
        null or "" => null,
        "2024-06-01" => AzureOpenAIClientOptions.ServiceVersion.V2024_06_01,
        "2024-10-21" => AzureOpenAIClientOptions.ServiceVersion.V2024_10_21,
        _ => throw new InvalidInputException(
            $"llm.api_version '{apiVersion}' is not supported: use one of {string.Join(", ", SupportedApiVersions)} (or leave it out for the default)."),
    };
}
