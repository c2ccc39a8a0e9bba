namespace ReviewBot.Core.Llm;

/// <summary>
/// A chat-completion model. Implemented by the LLM adapter (Azure OpenAI, OpenAI-compatible) and wrapped
/// by the orchestrator, which adds the shared rate limiter, the run budget and lane priority.
/// Failures are reported as <see cref="LlmException"/>.
/// </summary>
public interface ILanguageModel
{
    /// <summary>The deployment or model name: the partition of the shared rate limiter.</summary>
    string Deployment { get; }

    Task<LlmCompletion> CompleteAsync(LlmRequest request, CancellationToken cancellationToken);
}

/// <summary>
/// One call. <see cref="ResponseJsonSchema"/>, when set, asks for structured JSON output.
/// <see cref="EstimatedPromptTokens"/> is the pre-flight estimate the budget and limiter use.
/// </summary>
public sealed record LlmRequest(string SystemPrompt, string UserPrompt, int MaxOutputTokens)
{
    public string? ResponseJsonSchema { get; init; }

    public string ResponseSchemaName { get; init; } = "findings";

    public int EstimatedPromptTokens { get; init; }
}

/// <summary>The model's answer with the usage the service reported.</summary>
public sealed record LlmCompletion(string Text, int PromptTokens, int CompletionTokens)
{
    public string? FinishReason { get; init; }
}

/// <summary>Why a call failed.</summary>
public enum LlmFailureKind
{
    RateLimited,
    Unauthorized,
    NotFound,
    ContentFiltered,
    ServerError,
    Timeout,
    Malformed,

    /// <summary>The run's compute budget could not afford the call; it was never sent.</summary>
    Shed,
    Other,
}

/// <summary>A failed LLM call; <see cref="RetryAfter"/> is set from <c>Retry-After</c>/<c>retry-after-ms</c> on 429.</summary>
public sealed class LlmException : Exception
{
    public LlmException(LlmFailureKind kind, string message, TimeSpan? retryAfter = null, Exception? inner = null)
        : base(message, inner)
    {
        Kind = kind;
        RetryAfter = retryAfter;
    }

    public LlmFailureKind Kind { get; }

    public TimeSpan? RetryAfter { get; }
}
