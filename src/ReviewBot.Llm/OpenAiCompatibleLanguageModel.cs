using System.ClientModel;
using OpenAI;
using OpenAI.Chat;
using ReviewBot.Core.Llm;

namespace ReviewBot.Llm;

/// <summary>
/// Any OpenAI-compatible chat completions endpoint (OpenAI itself, vLLM, Ollama, LiteLLM...): base URL
/// (ending in <c>/v1</c>), API key and model, through the <c>OpenAI</c> client.
/// </summary>
/// <remarks>
/// As for <see cref="AzureOpenAiLanguageModel"/>, the client's retry policy is switched off
/// (<c>ClientRetryPolicy(maxRetries: 0)</c>): the orchestrator's shared limiter is the one place that retries
/// and honours <c>Retry-After</c>. One client per instance.
/// </remarks>
internal sealed class OpenAiCompatibleLanguageModel : ILanguageModel
{
    private readonly ChatClient _chat;
    private readonly LlmSettings _settings;
    private readonly TimeProvider _time;

    public OpenAiCompatibleLanguageModel(LlmSettings settings, HttpClient? httpClient = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrEmpty(settings.ApiKey);
        _settings = settings;
        _time = time ?? TimeProvider.System;
        var options = new OpenAIClientOptions { Endpoint = settings.Endpoint };
        ChatCompletionCall.ConfigurePipeline(options, settings, httpClient);
        _chat = new OpenAIClient(new ApiKeyCredential(settings.ApiKey), options).GetChatClient(settings.Deployment);
    }

    public string Deployment => _settings.Deployment;

    public Task<LlmCompletion> CompleteAsync(LlmRequest request, CancellationToken cancellationToken) =>
        ChatCompletionCall.CompleteAsync(_chat, request, _settings, _time, cancellationToken);
}
