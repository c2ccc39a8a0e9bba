using ReviewBot.Core.Llm;

namespace ReviewBot.Agents.Tests.LlmPass;

/// <summary>A scripted language model: answers (or failures) in order, the last one repeating; records every request.</summary>
internal sealed class FakeLanguageModel : ILanguageModel
{
    private readonly Queue<Func<LlmRequest, LlmCompletion>> _script = new();
    private Func<LlmRequest, LlmCompletion>? _last;

    public string Deployment => "fake";

    public List<LlmRequest> Requests { get; } = [];

    public FakeLanguageModel Answer(string text, string finishReason = "stop") =>
        Then(r => new LlmCompletion(text, r.EstimatedPromptTokens, 10) { FinishReason = finishReason });

    public FakeLanguageModel Fail(LlmFailureKind kind, string message) => Then(_ => throw new LlmException(kind, message));

    public FakeLanguageModel Then(Func<LlmRequest, LlmCompletion> step)
    {
        _script.Enqueue(step);
        return this;
    }

    public Task<LlmCompletion> CompleteAsync(LlmRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Requests.Add(request);
        if (_script.TryDequeue(out var next))
        {
            _last = next;
        }

        var step = _last ?? throw new InvalidOperationException("The fake model has no scripted answer.");
        return Task.FromResult(step(request));
    }
}
