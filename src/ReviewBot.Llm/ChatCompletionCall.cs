using System.ClientModel;
using System.ClientModel.Primitives;
using System.Globalization;
using System.Net;
using System.Text.Json;
using Azure.Identity;
using OpenAI.Chat;
using ReviewBot.Core.Llm;

namespace ReviewBot.Llm;

/// <summary>
/// One chat completion through an OpenAI <see cref="ChatClient"/> (the Azure client hands out the same type),
/// and the mapping of every way it can fail onto <see cref="LlmException"/> kinds. Shared by both providers.
/// </summary>
internal static class ChatCompletionCall
{
    public static async Task<LlmCompletion> CompleteAsync(ChatClient client, LlmRequest request, LlmSettings settings, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<ChatMessage> messages = [new SystemChatMessage(request.SystemPrompt), new UserChatMessage(request.UserPrompt)];
        var options = new ChatCompletionOptions { MaxOutputTokenCount = request.MaxOutputTokens };
        if (request.ResponseJsonSchema is { } schema)
        {
            options.ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat(
                request.ResponseSchemaName, BinaryData.FromString(schema), jsonSchemaIsStrict: true);
        }

        ChatCompletion completion;
        try
        {
            ClientResult<ChatCompletion> result = await client.CompleteChatAsync(messages, options, cancellationToken).ConfigureAwait(false);
            completion = result.Value;
        }
        catch (ClientResultException ex)
        {
            throw Map(ex, settings, time);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Our caller did not cancel: the pipeline's network timeout did.
            throw new LlmException(LlmFailureKind.Timeout, $"{Describe(settings)} did not answer within {settings.NetworkTimeout.TotalSeconds:0.#}s.", inner: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new LlmException(LlmFailureKind.Other, $"could not reach {settings.Endpoint}: {ex.Message} (check {settings.EndpointVariable}).", inner: ex);
        }
        catch (AuthenticationFailedException ex)
        {
            // Keyless (Entra ID) and no identity to use: neither a 401 nor a network failure, but the same fix.
            throw new LlmException(
                LlmFailureKind.Unauthorized,
                $"{Describe(settings)}: no Entra ID credential could be obtained ({ex.GetType().Name}): set {settings.KeyVariable}, or run where a managed identity, workload identity or `az login` is available.",
                inner: ex);
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            throw new LlmException(LlmFailureKind.Malformed, $"{Describe(settings)} returned a response that is not a chat completion: {ex.GetType().Name}.", inner: ex);
        }
        catch (Exception ex) when (ex is not LlmException and not OperationCanceledException)
        {
            // The contract: every failure is an LlmException, so the LLM pass degrades instead of failing its agent.
            throw new LlmException(LlmFailureKind.Other, $"{Describe(settings)} failed: {ex.GetType().Name}: {ex.Message}", inner: ex);
        }

        if (completion.FinishReason == ChatFinishReason.ContentFilter)
        {
            throw new LlmException(LlmFailureKind.ContentFiltered, $"{Describe(settings)} stopped the answer: the content filter flagged it (finish_reason content_filter).");
        }

        if (!string.IsNullOrEmpty(completion.Refusal))
        {
            throw new LlmException(LlmFailureKind.ContentFiltered, $"{Describe(settings)} refused to answer.");
        }

        var text = string.Concat(completion.Content.Where(p => p.Kind == ChatMessageContentPartKind.Text).Select(p => p.Text));
        var usage = completion.Usage;
        return new LlmCompletion(text, usage?.InputTokenCount ?? 0, usage?.OutputTokenCount ?? 0)
        {
            FinishReason = FinishReasonText(completion.FinishReason),
        };
    }

    /// <summary>
    /// No SDK retries (the orchestrator's shared limiter is the one place that retries and honours
    /// <c>Retry-After</c>), the network timeout, and the injected transport if any.
    /// </summary>
    internal static void ConfigurePipeline(ClientPipelineOptions options, LlmSettings settings, HttpClient? httpClient)
    {
        options.RetryPolicy = new ClientRetryPolicy(maxRetries: 0);
        options.NetworkTimeout = settings.NetworkTimeout;
        if (httpClient is not null)
        {
            options.Transport = new HttpClientPipelineTransport(httpClient);
        }
    }

    internal static LlmException Map(ClientResultException ex, LlmSettings settings, TimeProvider time)
    {
        var response = ex.GetRawResponse();
        var status = ex.Status;
        var (code, serviceMessage) = ReadError(response);
        var who = Describe(settings);
        switch (status)
        {
            case 0:
                return new LlmException(LlmFailureKind.Other, $"could not reach {settings.Endpoint} (check {settings.EndpointVariable}): {ex.InnerException?.Message ?? ex.Message}", inner: ex);
            case (int)HttpStatusCode.TooManyRequests:
                var retryAfter = response is null ? null : RetryAfter(response.Headers, time);
                var wait = retryAfter is { } r ? $"; retry after {r.TotalSeconds:0.###}s" : "";
                return new LlmException(LlmFailureKind.RateLimited, $"{who} is rate limited (429){wait}.", retryAfter, ex);
            case (int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden:
                var fix = settings.ApiKey is null
                    ? $"set {settings.KeyVariable}, or grant the Entra ID identity the 'Cognitive Services OpenAI User' role on the resource"
                    : $"check {settings.KeyVariable}";
                return new LlmException(LlmFailureKind.Unauthorized, $"{who} rejected the credentials ({status}): {fix}.", inner: ex);
            case (int)HttpStatusCode.NotFound:
                var noun = settings.Provider == Core.Configuration.LlmProvider.AzureOpenAI ? "deployment" : "model";
                return new LlmException(
                    LlmFailureKind.NotFound,
                    $"{noun} '{settings.Deployment}' not found at endpoint {settings.Endpoint} (404): check {settings.DeploymentVariable} and {settings.EndpointVariable}.",
                    inner: ex);
            case (int)HttpStatusCode.RequestTimeout or (int)HttpStatusCode.GatewayTimeout:
                return new LlmException(LlmFailureKind.Timeout, $"{who} timed out ({status}).", inner: ex);
            case >= 500:
                return new LlmException(LlmFailureKind.ServerError, $"{who} failed with a server error ({status}{(code is null ? "" : ", " + code)}).", inner: ex);
        }

        if (IsContentFilter(code))
        {
            return new LlmException(LlmFailureKind.ContentFiltered, $"{who} refused the prompt: the content filter flagged it ({code}).", inner: ex);
        }

        var detail = code ?? Clip(serviceMessage) ?? "no detail";
        return new LlmException(LlmFailureKind.Other, $"{who} rejected the request ({status}: {detail}).", inner: ex);
    }

    /// <summary>
    /// The wait a 429 asks for: <c>retry-after-ms</c> / <c>x-ms-retry-after-ms</c> (milliseconds, Azure),
    /// else <c>Retry-After</c> in seconds or as an HTTP date.
    /// </summary>
    internal static TimeSpan? RetryAfter(PipelineResponseHeaders headers, TimeProvider time)
    {
        foreach (var name in (string[])["retry-after-ms", "x-ms-retry-after-ms"])
        {
            if (headers.TryGetValue(name, out var ms)
                && double.TryParse(ms, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 0)
            {
                return TimeSpan.FromMilliseconds(milliseconds);
            }
        }

        if (headers.TryGetValue("Retry-After", out var value) && !string.IsNullOrWhiteSpace(value))
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
            {
                var delta = date - time.GetUtcNow();
                return delta > TimeSpan.Zero ? delta : TimeSpan.Zero;
            }
        }

        return null;
    }

    private static bool IsContentFilter(string? code) =>
        code is not null && (code.Equals("content_filter", StringComparison.OrdinalIgnoreCase)
            || code.Equals("ResponsibleAIPolicyViolation", StringComparison.OrdinalIgnoreCase)
            || code.Equals("content_policy_violation", StringComparison.OrdinalIgnoreCase));

    /// <summary>The <c>error.code</c> (or <c>innererror.code</c> for a content filter) and <c>error.message</c> of an error body.</summary>
    private static (string? Code, string? Message) ReadError(PipelineResponse? response)
    {
        if (response is null)
        {
            return (null, null);
        }

        try
        {
            using var document = JsonDocument.Parse(response.Content.ToMemory());
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            {
                return (null, null);
            }

            var code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            if (!IsContentFilter(code) && error.TryGetProperty("innererror", out var inner) && inner.ValueKind == JsonValueKind.Object
                && inner.TryGetProperty("code", out var ic) && ic.ValueKind == JsonValueKind.String && IsContentFilter(ic.GetString()))
            {
                code = ic.GetString();
            }

            var message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            return (code, message);
        }
        catch (JsonException)
        {
            return (null, null);
        }
        catch (InvalidOperationException)
        {
            return (null, null);
        }
    }

    private static string? Clip(string? text) => text is null ? null : text.Length <= 200 ? text : text[..200] + "…";

    private static string Describe(LlmSettings settings) => settings.Provider == Core.Configuration.LlmProvider.AzureOpenAI
        ? $"Azure OpenAI deployment '{settings.Deployment}'"
        : $"model '{settings.Deployment}' at {settings.Endpoint}";

    private static string? FinishReasonText(ChatFinishReason reason) => reason switch
    {
        ChatFinishReason.Stop => "stop",
        ChatFinishReason.Length => "length",
        ChatFinishReason.ContentFilter => "content_filter",
        ChatFinishReason.ToolCalls => "tool_calls",
        ChatFinishReason.FunctionCall => "function_call",
        _ => null,
    };
}
