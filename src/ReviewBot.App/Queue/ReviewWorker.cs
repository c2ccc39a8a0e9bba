using System.Collections.Concurrent;
using System.Diagnostics;
using ReviewBot.App.Operations;
using ReviewBot.App.Options;
using ReviewBot.App.Reviewing;

namespace ReviewBot.App.Queue;

/// <summary>
/// Runs queued reviews in the background, <see cref="AppSettings.Workers"/> at a time, each on a different pull
/// request: claims one from the <see cref="IReviewStore"/>, renews its lease while the review runs, and stops
/// it when the store says a newer head superseded it or another replica took it over. A failure is handed back
/// to the store, which schedules the retry. On shutdown it stops claiming, logs what the store lost (in memory),
/// lets running reviews finish until the host's shutdown timeout, then cancels them: a durable store gets them
/// back for another replica, otherwise each is logged as given up.
/// </summary>
internal sealed partial class ReviewWorker(
    IReviewStore store,
    IPullRequestReviewer reviewer,
    ReviewCancellations cancellations,
    ReviewMetrics metrics,
    AppSettings settings,
    TimeProvider time,
    ILogger<ReviewWorker> logger) : BackgroundService
{
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan StoreErrorPause = TimeSpan.FromSeconds(2);

    // Running reviews see this token, not the stopping token: a shutdown lets them finish.
    private readonly CancellationTokenSource _abort = new();
    private readonly ConcurrentDictionary<long, ClaimedReview> _running = new();
    private readonly string _instance = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..8]}";

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The schema exists before the first delivery is accepted or claimed.
        await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, settings.Workers).Select(i => Task.Run(() => LoopAsync($"{_instance}:{i}", stoppingToken), CancellationToken.None)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var request in await store.CloseAsync(cancellationToken).ConfigureAwait(false))
        {
            LogNotStarted(logger, request);
        }

        if (!_running.IsEmpty)
        {
            LogWaitingForRunning(logger, _running.Count, string.Join(", ", _running.Values.Select(c => c.Request)));
        }

        // Returns when the workers are done or the host's shutdown timeout fires, whichever is first.
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        if (ExecuteTask is { IsCompleted: false } workers)
        {
            // Past the timeout: cancel the reviews and give them a moment to unwind and hand back what they gave up.
            foreach (var claim in _running.Values)
            {
                cancellations.Set(claim.Id, CancelReason.Shutdown);
            }

            await _abort.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(workers, Task.Delay(CancelGrace, CancellationToken.None)).ConfigureAwait(false);
        }

        foreach (var claim in _running.Values)
        {
            LogAbandoned(logger, claim.Request);
        }
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    private async Task LoopAsync(string worker, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claim = await store.TryClaimAsync(worker, stoppingToken).ConfigureAwait(false);
                if (claim is null)
                {
                    await store.WaitForWorkAsync(settings.PollInterval, stoppingToken).ConfigureAwait(false);
                    continue;
                }

                await RunAsync(claim).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store is unreachable (database failover): keep trying, the deliveries are safe where they are.
                LogStoreError(logger, e, worker);
                try
                {
                    await Task.Delay(StoreErrorPause, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task RunAsync(ClaimedReview claim)
    {
        var request = claim.Request;
        using var scope = logger.BeginScope("delivery {DeliveryId} {PullRequest} at {HeadSha}", request.DeliveryId, request.Key.ToString(), request.HeadSha);
        using var review = CancellationTokenSource.CreateLinkedTokenSource(_abort.Token);
        using var stopRenewing = new CancellationTokenSource();
        _running[claim.Id] = claim;
        var renewing = RenewAsync(claim, review, stopRenewing.Token);
        var started = Stopwatch.GetTimestamp();
        metrics.Lease("claimed");
        metrics.ReviewStarted();
        LogStarted(logger, request);
        try
        {
            await reviewer.ReviewAsync(request, review.Token).ConfigureAwait(false);
            await stopRenewing.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
            await store.CompleteAsync(claim, ReviewEnd.Succeeded, CancellationToken.None).ConfigureAwait(false);
            metrics.ReviewEnded("succeeded", Stopwatch.GetElapsedTime(started));
            LogFinished(logger, request, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (review.IsCancellationRequested)
        {
            await stopRenewing.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
            var (reason, detail) = cancellations.Get(claim.Id);
            switch (reason)
            {
                case CancelReason.Superseded:
                    await store.CompleteAsync(claim, ReviewEnd.Superseded, CancellationToken.None).ConfigureAwait(false);
                    metrics.ReviewEnded("superseded", Stopwatch.GetElapsedTime(started));
                    LogSuperseded(logger, request, detail ?? "?");
                    break;
                case CancelReason.LeaseLost:
                    metrics.ReviewEnded("taken_over", Stopwatch.GetElapsedTime(started));
                    LogLeaseLost(logger, request);
                    break;
                default:
                    metrics.ReviewEnded("cancelled", Stopwatch.GetElapsedTime(started));
                    if (store.IsDurable)
                    {
                        await store.ReleaseAsync(claim, CancellationToken.None).ConfigureAwait(false);
                        LogHandedBack(logger, request);
                    }
                    else
                    {
                        LogCancelled(logger, request);
                    }

                    break;
            }
        }
        catch (Exception e)
        {
            await stopRenewing.CancelAsync().ConfigureAwait(false);
            await renewing.ConfigureAwait(false);
            var retryAt = await store.FailAsync(claim, $"{e.GetType().Name}: {e.Message}", CancellationToken.None).ConfigureAwait(false);
            metrics.ReviewEnded(retryAt is null ? "failed" : "retrying", Stopwatch.GetElapsedTime(started));
            // One structured line per failure; the stack trace only for whoever turns on debug logging.
            var reason = e is ReviewFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            if (retryAt is { } at)
            {
                LogRetrying(logger, request, at, reason);
            }
            else
            {
                LogFailed(logger, request, reason);
            }

            LogFailureDetail(logger, e, request);
        }
        finally
        {
            _running.TryRemove(claim.Id, out _);
            cancellations.Clear(claim.Id);
        }
    }

    /// <summary>Renews the lease every third of its length; cancels the review when the store says it must stop.</summary>
    private async Task RenewAsync(ClaimedReview claim, CancellationTokenSource review, CancellationToken stop)
    {
        // Often enough that a superseded review stops within a second or so, and well within the lease.
        var every = TimeSpan.FromTicks(Math.Min(settings.Lease.Ticks / 3, TimeSpan.FromSeconds(1).Ticks));
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(every, time, stop).ConfigureAwait(false);
                LeaseState state;
                try
                {
                    state = await store.RenewAsync(claim, stop).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // One missed renewal is not fatal: the lease is three periods long.
                    LogRenewFailed(logger, e, claim.Request);
                    metrics.Lease("renew_failed");
                    continue;
                }

                metrics.Lease(state.Held ? "renewed" : "lost");
                if (!state.Held)
                {
                    cancellations.Set(claim.Id, CancelReason.LeaseLost);
                    await review.CancelAsync().ConfigureAwait(false);
                    return;
                }

                if (state.SupersededBy is { } newer)
                {
                    cancellations.Set(claim.Id, CancelReason.Superseded, newer);
                    await review.CancelAsync().ConfigureAwait(false);
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Review started: {Request}")]
    private static partial void LogStarted(ILogger logger, ReviewRequest request);

    [LoggerMessage(2, LogLevel.Information, "Review finished: {Request} in {ElapsedMs} ms")]
    private static partial void LogFinished(ILogger logger, ReviewRequest request, long elapsedMs);

    [LoggerMessage(3, LogLevel.Error, "Review failed, no retry left: {Request}: {Reason}")]
    private static partial void LogFailed(ILogger logger, ReviewRequest request, string reason);

    [LoggerMessage(14, LogLevel.Debug, "Failure details of {Request}")]
    private static partial void LogFailureDetail(ILogger logger, Exception exception, ReviewRequest request);

    [LoggerMessage(4, LogLevel.Error, "Review cancelled by shutdown, not published: {Request}")]
    private static partial void LogCancelled(ILogger logger, ReviewRequest request);

    [LoggerMessage(5, LogLevel.Warning, "Not reviewed (shutdown before it started): {Request}; push again or rerun the ReviewBot check")]
    private static partial void LogNotStarted(ILogger logger, ReviewRequest request);

    [LoggerMessage(6, LogLevel.Information, "Shutdown: waiting for {Count} running review(s): {Requests}")]
    private static partial void LogWaitingForRunning(ILogger logger, int count, string requests);

    [LoggerMessage(7, LogLevel.Error, "Not reviewed (still running when the shutdown timeout ended): {Request}")]
    private static partial void LogAbandoned(ILogger logger, ReviewRequest request);

    [LoggerMessage(8, LogLevel.Warning, "Review failed, retry at {RetryAt:O}: {Request}: {Reason}")]
    private static partial void LogRetrying(ILogger logger, ReviewRequest request, DateTimeOffset retryAt, string reason);

    [LoggerMessage(9, LogLevel.Information, "Review superseded by {NewerHead}, stopped: {Request}")]
    private static partial void LogSuperseded(ILogger logger, ReviewRequest request, string newerHead);

    [LoggerMessage(10, LogLevel.Warning, "Review lease lost (another replica took it over), stopped without publishing: {Request}")]
    private static partial void LogLeaseLost(ILogger logger, ReviewRequest request);

    [LoggerMessage(11, LogLevel.Warning, "Review cancelled by shutdown, handed back to the queue for another replica: {Request}")]
    private static partial void LogHandedBack(ILogger logger, ReviewRequest request);

    [LoggerMessage(12, LogLevel.Error, "Review queue store failed ({Worker}); retrying")]
    private static partial void LogStoreError(ILogger logger, Exception exception, string worker);

    [LoggerMessage(13, LogLevel.Warning, "Lease renewal failed: {Request}")]
    private static partial void LogRenewFailed(ILogger logger, Exception exception, ReviewRequest request);
}
