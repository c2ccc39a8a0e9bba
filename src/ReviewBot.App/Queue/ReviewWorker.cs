using System.Diagnostics;
using ReviewBot.App.Options;
using ReviewBot.App.Reviewing;

namespace ReviewBot.App.Queue;

/// <summary>
/// Runs queued reviews in the background, <see cref="AppSettings.Workers"/> pull requests at a time.
/// On shutdown it stops taking work, logs every waiting request as not done, lets running reviews finish
/// until the host's shutdown timeout, then cancels them and logs each one it gave up.
/// </summary>
internal sealed partial class ReviewWorker(ReviewQueue queue, IPullRequestReviewer reviewer, AppSettings settings, ILogger<ReviewWorker> logger)
    : BackgroundService
{
    private static readonly TimeSpan CancelGrace = TimeSpan.FromSeconds(2);

    // Running reviews see this token, not the stopping token: a shutdown lets them finish.
    private readonly CancellationTokenSource _abort = new();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, settings.Workers).Select(_ => Task.Run(() => LoopAsync(stoppingToken), CancellationToken.None)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        var waiting = queue.Close();
        foreach (var request in waiting)
        {
            LogNotStarted(logger, request);
        }

        var running = queue.Running();
        if (running.Count > 0)
        {
            LogWaitingForRunning(logger, running.Count, string.Join(", ", running));
        }

        // Returns when the workers are done or the host's shutdown timeout fires, whichever is first.
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        if (ExecuteTask is { IsCompleted: false } workers)
        {
            // Past the timeout: cancel the reviews and give them a moment to unwind and log what they gave up.
            await _abort.CancelAsync().ConfigureAwait(false);
            await Task.WhenAny(workers, Task.Delay(CancelGrace, CancellationToken.None)).ConfigureAwait(false);
        }

        foreach (var request in queue.Running())
        {
            LogAbandoned(logger, request);
        }
    }

    public override void Dispose()
    {
        _abort.Dispose();
        base.Dispose();
    }

    private async Task LoopAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            ReviewRequest? request;
            try
            {
                request = await queue.TakeAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            // Run this pull request's waiting request (if one came in meanwhile) on the same worker.
            while (request is not null)
            {
                await RunAsync(request).ConfigureAwait(false);
                request = queue.Complete(request);
            }
        }
    }

    private async Task RunAsync(ReviewRequest request)
    {
        var started = Stopwatch.GetTimestamp();
        LogStarted(logger, request);
        try
        {
            await reviewer.ReviewAsync(request, _abort.Token).ConfigureAwait(false);
            LogFinished(logger, request, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (_abort.IsCancellationRequested)
        {
            LogCancelled(logger, request);
        }
        catch (Exception e)
        {
            // One structured line per failure; the stack trace only for whoever turns on debug logging.
            LogFailed(logger, request, e is ReviewFailedException ? e.Message : $"{e.GetType().Name}: {e.Message}");
            LogFailureDetail(logger, e, request);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Review started: {Request}")]
    private static partial void LogStarted(ILogger logger, ReviewRequest request);

    [LoggerMessage(2, LogLevel.Information, "Review finished: {Request} in {ElapsedMs} ms")]
    private static partial void LogFinished(ILogger logger, ReviewRequest request, long elapsedMs);

    [LoggerMessage(3, LogLevel.Error, "Review failed: {Request}: {Reason}")]
    private static partial void LogFailed(ILogger logger, ReviewRequest request, string reason);

    [LoggerMessage(8, LogLevel.Debug, "Failure details of {Request}")]
    private static partial void LogFailureDetail(ILogger logger, Exception exception, ReviewRequest request);

    [LoggerMessage(4, LogLevel.Error, "Review cancelled by shutdown, not published: {Request}")]
    private static partial void LogCancelled(ILogger logger, ReviewRequest request);

    [LoggerMessage(5, LogLevel.Warning, "Not reviewed (shutdown before it started): {Request}; push again or rerun the ReviewBot check")]
    private static partial void LogNotStarted(ILogger logger, ReviewRequest request);

    [LoggerMessage(6, LogLevel.Information, "Shutdown: waiting for {Count} running review(s): {Requests}")]
    private static partial void LogWaitingForRunning(ILogger logger, int count, string requests);

    [LoggerMessage(7, LogLevel.Error, "Not reviewed (still running when the shutdown timeout ended): {Request}")]
    private static partial void LogAbandoned(ILogger logger, ReviewRequest request);
}
