using ReviewBot.App.Queue;

namespace ReviewBot.App.Operations;

/// <summary>Refreshes the queue gauges every few seconds (one cheap query with PostgreSQL), so a metrics scrape never touches the database.</summary>
internal sealed partial class QueueMonitor(IReviewStore store, ReviewMetrics metrics, TimeProvider time, ILogger<QueueMonitor> logger) : BackgroundService
{
    private static readonly TimeSpan Every = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                metrics.Observe(await store.SnapshotAsync(stoppingToken).ConfigureAwait(false));
                await Task.Delay(Every, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(logger, e);
                try
                {
                    await Task.Delay(Every, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    [LoggerMessage(60, LogLevel.Warning, "Queue snapshot failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
