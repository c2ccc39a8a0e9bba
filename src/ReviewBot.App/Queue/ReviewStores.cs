using ReviewBot.App.Options;

namespace ReviewBot.App.Queue;

/// <summary>Chooses the queue store: PostgreSQL when <c>REVIEWBOT_POSTGRES</c> is set, else the in-memory store.</summary>
internal static class ReviewStores
{
    public static IReviewStore Create(AppSettings settings, TimeProvider time) =>
        settings.PostgresConnectionString is { } connectionString
            ? new Postgres.PostgresReviewStore(connectionString, settings.StoreOptions)
            : new InMemoryReviewStore(settings.StoreOptions, time);
}
