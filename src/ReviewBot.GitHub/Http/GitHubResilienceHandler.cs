using System.Globalization;
using System.Net;
using Polly;
using Polly.Retry;

namespace ReviewBot.GitHub.Http;

/// <summary>
/// Retries idempotent reads (GET, HEAD) on 5xx, 429 and rate limits (403 with <c>Retry-After</c>,
/// <c>x-ratelimit-remaining: 0</c> or a rate-limit message), honouring the wait GitHub asks for,
/// within <see cref="GitHubOptions.MaxRetryDelay"/> per wait and <see cref="GitHubOptions.MaxTotalRetryDelay"/> in all.
/// Writes are never retried here: a write that may have happened must be re-checked, not repeated
/// (the comment upsert finds its marker again instead).
/// </summary>
internal sealed class GitHubResilienceHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<TimeSpan> NextDelay = new("reviewbot.github.next-delay");
    private static readonly ResiliencePropertyKey<TimeSpan> Waited = new("reviewbot.github.waited");
    private static readonly ResiliencePropertyKey<string> Reason = new("reviewbot.github.reason");

    private readonly Task<ResiliencePipeline<HttpResponseMessage>> _pipeline;
    private readonly GitHubOptions _options;

    public GitHubResilienceHandler(GitHubOptions options)
    {
        _options = options;

        // Built on another thread: Polly validates its options through System.ComponentModel's reflection, which
        // costs about 25 ms on a cold start. Nothing waits for it until the first read; the Action's first request
        // is a write (the check run), never retried, so the build overlaps the start instead of delaying it (issue 16).
        _pipeline = Task.Run(BuildPipeline);
    }

    private ResiliencePipeline<HttpResponseMessage> BuildPipeline() =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _options.TimeProvider }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(1, _options.MaxRetries),
                ShouldHandle = ShouldRetryAsync,
                DelayGenerator = static args => ValueTask.FromResult<TimeSpan?>(args.Context.Properties.GetValue(NextDelay, TimeSpan.Zero)),
                OnRetry = args =>
                {
                    var waited = args.Context.Properties.GetValue(Waited, TimeSpan.Zero) + args.RetryDelay;
                    args.Context.Properties.Set(Waited, waited);
                    _options.Log?.Invoke(
                        $"GitHub API: {args.Context.Properties.GetValue(Reason, "transient failure")}; retry {args.AttemptNumber + 1} of {_options.MaxRetries} in {args.RetryDelay.TotalSeconds:0.#}s");
                    return default;
                },
            })
            .Build();

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (_options.FailedRequest is not { } failed)
        {
            return await SendWithRetriesAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var what = $"{request.Method} {request.RequestUri?.AbsolutePath}";
        try
        {
            var response = await SendWithRetriesAsync(request, cancellationToken).ConfigureAwait(false);
            if ((int)response.StatusCode >= 400)
            {
                failed($"{what} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }

            return response;
        }
        catch (HttpRequestException e)
        {
            failed($"{what} failed: {e.Message}");
            throw;
        }
        catch (OperationCanceledException)
        {
            failed($"{what} did not answer in time (or the run was cancelled)");
            throw;
        }
    }

    private async Task<HttpResponseMessage> SendWithRetriesAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Method != HttpMethod.Get && request.Method != HttpMethod.Head)
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var pipeline = await _pipeline.ConfigureAwait(false);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        try
        {
            return await pipeline.ExecuteAsync(
                static async (ctx, state) => await state.Handler.SendOnceAsync(state.Request, ctx.CancellationToken).ConfigureAwait(false),
                context,
                (Handler: this, Request: request)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);

    private async ValueTask<bool> ShouldRetryAsync(RetryPredicateArguments<HttpResponseMessage> args)
    {
        var context = args.Context;
        if (context.CancellationToken.IsCancellationRequested)
        {
            return false;
        }

        var now = _options.TimeProvider.GetUtcNow();
        var (delay, reason) = args.Outcome switch
        {
            { Exception: HttpRequestException e } => (Backoff(args.AttemptNumber), $"request failed ({e.Message})"),
            { Result: { } response } => await ClassifyAsync(response, args.AttemptNumber, now, context.CancellationToken).ConfigureAwait(false),
            _ => (null, null),
        };

        if (delay is not { } wait)
        {
            return false;
        }

        var waited = context.Properties.GetValue(Waited, TimeSpan.Zero);
        if (wait > _options.MaxRetryDelay || waited + wait > _options.MaxTotalRetryDelay)
        {
            _options.Log?.Invoke($"GitHub API: {reason}; GitHub asks to wait {wait.TotalSeconds:0}s, more than this run allows; giving up");
            return false;
        }

        context.Properties.Set(NextDelay, wait);
        context.Properties.Set(Reason, reason!);
        return true;
    }

    /// <summary>The wait before retrying <paramref name="response"/>, or null when it must not be retried.</summary>
    internal static async Task<(TimeSpan? Delay, string? Reason)> ClassifyAsync(HttpResponseMessage response, int attempt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var retryAfter = RetryAfter(response, now);
        if (status >= 500)
        {
            return (retryAfter ?? Backoff(attempt), $"{status} {response.ReasonPhrase}");
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            return (retryAfter ?? Backoff(attempt), "429 too many requests");
        }

        if (response.StatusCode != HttpStatusCode.Forbidden)
        {
            return (null, null);
        }

        if (retryAfter is { } after)
        {
            return (after, "403 secondary rate limit");
        }

        if (Header(response, "x-ratelimit-remaining") == "0"
            && long.TryParse(Header(response, "x-ratelimit-reset"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var reset))
        {
            var wait = DateTimeOffset.FromUnixTimeSeconds(reset) - now;
            return (wait < TimeSpan.Zero ? TimeSpan.Zero : wait, "403 rate limit exhausted");
        }

        // A secondary rate limit without Retry-After: GitHub documents "wait at least one minute".
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return body.Contains("rate limit", StringComparison.OrdinalIgnoreCase)
            ? (TimeSpan.FromSeconds(60), "403 secondary rate limit")
            : (null, null);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    /// <summary>1 s, 2 s, 4 s, 8 s ...: GitHub's 5xx are usually brief.</summary>
    private static TimeSpan Backoff(int attempt) => TimeSpan.FromSeconds(Math.Min(30, Math.Pow(2, attempt)));
}
