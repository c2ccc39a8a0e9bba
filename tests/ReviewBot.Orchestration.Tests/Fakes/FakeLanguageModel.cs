using System.Collections.Concurrent;
using ReviewBot.Core.Llm;

namespace ReviewBot.Orchestration.Tests.Fakes;

/// <summary>A raw model: answers with the handler's result and records when each call reached it (virtual time).</summary>
internal sealed class FakeLanguageModel : ILanguageModel
{
    private readonly TimeProvider _time;
    private readonly Func<LlmRequest, int, CancellationToken, Task<LlmCompletion>> _handler;
    private int _calls;

    public FakeLanguageModel(TimeProvider time, Func<LlmRequest, int, CancellationToken, Task<LlmCompletion>>? handler = null, string deployment = "gpt-test")
    {
        _time = time;
        Deployment = deployment;
        _handler = handler ?? ((request, _, _) => Task.FromResult(new LlmCompletion("[]", request.EstimatedPromptTokens, request.MaxOutputTokens)));
    }

    public string Deployment { get; }

    public ConcurrentQueue<(string User, DateTimeOffset At)> Received { get; } = new();

    public int Calls => Volatile.Read(ref _calls);

    public Task<LlmCompletion> CompleteAsync(LlmRequest request, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        Received.Enqueue((request.UserPrompt, _time.GetUtcNow()));
        return _handler(request, call, cancellationToken);
    }
}
