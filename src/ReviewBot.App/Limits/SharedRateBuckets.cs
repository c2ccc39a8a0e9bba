using ReviewBot.App.Operations;
using ReviewBot.App.Queue;
using ReviewBot.App.Queue.Postgres;
using ReviewBot.Core.Limits;

namespace ReviewBot.App.Limits;

/// <summary>The process's shared rate buckets: in the queue's PostgreSQL database when there is one, else none (this process's buckets alone).</summary>
internal sealed class SharedRateBuckets(ISharedRateBuckets? buckets)
{
    public ISharedRateBuckets? Buckets { get; } = buckets;

    public static SharedRateBuckets Create(IServiceProvider services) => new(For(services));

    private static ISharedRateBuckets? For(IServiceProvider services)
    {
        if (services.GetRequiredService<IReviewStore>() is not PostgresReviewStore store)
        {
            return null;
        }

        var metrics = services.GetRequiredService<ReviewMetrics>();
        return new PostgresRateBuckets(
            store.DataSource,
            store.Schema,
            new PostgresRateBucketsOptions(),
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger<PostgresRateBuckets>())
        {
            OnDraw = metrics.SharedDraw,
        };
    }
}
