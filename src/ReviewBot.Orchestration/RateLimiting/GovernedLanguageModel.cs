using ReviewBot.Core.Agents;
using ReviewBot.Core.Llm;
using ReviewBot.Orchestration.Budget;

namespace ReviewBot.Orchestration.RateLimiting;

/// <summary>Tokens one agent used, across all its attempts. Thread-safe.</summary>
internal sealed class UsageMeter
{
    private int _prompt;
    private int _completion;
    private int _calls;

    public int PromptTokens => Volatile.Read(ref _prompt);

    public int CompletionTokens => Volatile.Read(ref _completion);

    public int Calls => Volatile.Read(ref _calls);

    public void Add(LlmCompletion completion)
    {
        Interlocked.Add(ref _prompt, Math.Max(0, completion.PromptTokens));
        Interlocked.Add(ref _completion, Math.Max(0, completion.CompletionTokens));
        Interlocked.Increment(ref _calls);
    }
}

/// <summary>
/// The model an agent sees: the raw model behind the deployment's shared limiter (lane priority), the
/// run's compute budget (a call it cannot afford throws <see cref="LlmFailureKind.Shed"/>), and per-agent
/// token metering from the usage the service reports. A 429 that says when to retry pauses every caller
/// of the deployment until then, and the call is sent again (at most <see cref="RateLimitOptions.MaxRateLimitRetries"/> times).
/// </summary>
internal sealed class GovernedLanguageModel : ILanguageModel
{
    private readonly ILanguageModel _inner;
    private readonly DeploymentRateLimiter _limiter;
    private readonly ComputeBudget _budget;
    private readonly AgentDescriptor _agent;
    private readonly UsageMeter _meter;
    private readonly int _maxRateLimitRetries;
    private readonly Action<string>? _onRateLimited;

    public GovernedLanguageModel(
        ILanguageModel inner,
        DeploymentRateLimiter limiter,
        ComputeBudget budget,
        AgentDescriptor agent,
        UsageMeter meter,
        int maxRateLimitRetries,
        Action<string>? onRateLimited = null)
    {
        _onRateLimited = onRateLimited;
        _inner = inner;
        _limiter = limiter;
        _budget = budget;
        _agent = agent;
        _meter = meter;
        _maxRateLimitRetries = maxRateLimitRetries;
    }

    public string Deployment => _inner.Deployment;

    public async Task<LlmCompletion> CompleteAsync(LlmRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var promptTokens = request.EstimatedPromptTokens > 0 ? request.EstimatedPromptTokens : EstimatePromptTokens(request);
        var outputTokens = Math.Max(0, request.MaxOutputTokens);
        var tokens = promptTokens + outputTokens;
        var usd = _budget.EstimateUsd(promptTokens, outputTokens);

        for (var attempt = 0; ; attempt++)
        {
            var reservation = await _limiter.AcquireAsync(_agent.Name, _agent.Lane, tokens, usd, _budget, cancellationToken).ConfigureAwait(false);
            LlmCompletion completion;
            try
            {
                completion = await _inner.CompleteAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (LlmException ex) when (ex.Kind == LlmFailureKind.RateLimited && ex.RetryAfter is { } retryAfter)
            {
                Release(reservation);
                _limiter.PauseFor(retryAfter);
                _onRateLimited?.Invoke($"LLM deployment '{_limiter.Deployment}' answered 429: every call to it is paused for {retryAfter.TotalSeconds:0.###}s");
                if (attempt >= _maxRateLimitRetries)
                {
                    throw;
                }

                continue;
            }
            catch
            {
                Release(reservation);
                throw;
            }

            if (reservation is not null)
            {
                _budget.Settle(reservation, completion.PromptTokens, completion.CompletionTokens);
            }

            _meter.Add(completion);
            return completion;
        }
    }

    /// <summary>About four characters per token, the usual rule of thumb for English and code.</summary>
    internal static int EstimatePromptTokens(LlmRequest request) =>
        (int)Math.Min(int.MaxValue / 2, ((long)(request.SystemPrompt?.Length ?? 0) + (request.UserPrompt?.Length ?? 0) + 3) / 4 + 8);

    private void Release(BudgetReservation? reservation)
    {
        if (reservation is not null)
        {
            _budget.Release(reservation);
        }
    }
}
