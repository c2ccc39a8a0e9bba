using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Npgsql;
using ReviewBot.App.Limits;
using ReviewBot.App.Queue.Postgres;
using ReviewBot.App.Tests.Queue;
using ReviewBot.Core.Limits;
using ReviewBot.GitHub.Http;

namespace ReviewBot.App.Tests.Limits;

/// <summary>
/// The shared token buckets on the real PostgreSQL: two instances, each with its own connection pool as two App
/// replicas have, draw on one database at once and never get more together than one bucket holds.
/// </summary>
public sealed class PostgresRateBucketsTests : IAsyncLifetime
{
    private readonly string _schema = TestPostgres.NewSchema();
    private readonly List<NpgsqlDataSource> _sources = [];

    public async Task InitializeAsync()
    {
        if (TestPostgres.Enabled)
        {
            await using var data = NpgsqlDataSource.Create(TestPostgres.Require());
            await PostgresSchema.MigrateAsync(data, _schema, CancellationToken.None);
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var source in _sources)
        {
            await source.DisposeAsync();
        }

        if (TestPostgres.Enabled)
        {
            await TestPostgres.DropSchemaAsync(_schema);
        }
    }

    [PostgresFact]
    public async Task TryTake_TwoReplicasDrawingAtOnce_NeverGrantedMoreThanOneBucketTogether()
    {
        // 20 permits, 10 a second: over T seconds the pair may take at most 20 + 10T together (two separate buckets: 40 + 20T).
        var draw = new BucketDraw(1, Capacity: 20, PerSecond: 10);
        var none = new BucketDraw(0, 1, 1);
        var a = Buckets();
        var b = Buckets();
        var granted = new ConcurrentBag<long>();
        var started = Stopwatch.GetTimestamp();
        var run = TimeSpan.FromSeconds(2);

        async Task DrawAsync(PostgresRateBuckets buckets)
        {
            while (Stopwatch.GetElapsedTime(started) < run)
            {
                var take = await buckets.TryTakeAsync("llm:shared", draw, none, CancellationToken.None);
                Assert.True(take.Shared, "the database answered");
                if (take.Granted)
                {
                    granted.Add(Stopwatch.GetTimestamp());
                }
            }
        }

        await Task.WhenAll(DrawAsync(a), DrawAsync(a), DrawAsync(b), DrawAsync(b));
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;

        Assert.InRange(granted.Count, 20, 20 + (10 * elapsed) + 1);
        Assert.True(granted.Count < 40, $"{granted.Count} grants: no more than one bucket's worth");
    }

    [PostgresFact]
    public async Task TryTake_BothBucketsOfAKey_TakenTogetherOrNotAtAll()
    {
        var buckets = Buckets();
        var requests = new BucketDraw(1, Capacity: 10, PerSecond: 0.001);
        var tokens = new BucketDraw(400, Capacity: 1_000, PerSecond: 0.001);

        var first = await buckets.TryTakeAsync("llm:pair", requests, tokens, CancellationToken.None);
        var second = await buckets.TryTakeAsync("llm:pair", requests, tokens, CancellationToken.None);
        var third = await buckets.TryTakeAsync("llm:pair", requests, tokens, CancellationToken.None);
        var small = await buckets.TryTakeAsync("llm:pair", requests, tokens with { Permits = 200 }, CancellationToken.None);

        Assert.True(first.Granted);
        Assert.True(second.Granted);
        Assert.False(third.Granted);
        Assert.True(third.RetryAfter > TimeSpan.FromMinutes(1), $"200 tokens at 0.001 a second are far off: {third.RetryAfter}");
        // The refused draw took no request permit either: 200 tokens and one request are still there.
        Assert.True(small.Granted);
    }

    [PostgresFact]
    public async Task TryTake_LowerLaneAtTheCriticalReserve_RefusedWhileTheCriticalLaneIsServed()
    {
        var buckets = Buckets();
        var none = new BucketDraw(0, 1, 1);
        var lower = new BucketDraw(40, Capacity: 100, PerSecond: 0.001, Floor: 20);
        var critical = lower with { Floor = 0 };

        Assert.True((await buckets.TryTakeAsync("llm:lanes", lower, none, CancellationToken.None)).Granted);
        Assert.True((await buckets.TryTakeAsync("llm:lanes", lower, none, CancellationToken.None)).Granted);
        Assert.False((await buckets.TryTakeAsync("llm:lanes", lower, none, CancellationToken.None)).Granted);
        Assert.True((await buckets.TryTakeAsync("llm:lanes", critical with { Permits = 20 }, none, CancellationToken.None)).Granted);
    }

    [PostgresFact]
    public async Task AcquireAsync_TwoReplicasBudgetsOfOneInstallation_WritesTogetherWithinTheMinuteLimit()
    {
        // 6 writes a minute: each replica alone would send 6 at once, both together 12; shared, 6 in all.
        var options = new GitHubRequestBudgetOptions { ContentCreatingPerMinute = 6 };
        using var a = new GitHubRequestBudget(TimeProvider.System, options, Buckets(), "github:1");
        using var b = new GitHubRequestBudget(TimeProvider.System, options, Buckets(), "github:1");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        var sent = 0;

        async Task WriteAsync(GitHubRequestBudget budget)
        {
            try
            {
                using var slot = await budget.AcquireAsync(contentCreating: true, stop.Token);
                Interlocked.Increment(ref sent);
            }
            catch (OperationCanceledException)
            {
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 10).SelectMany(_ => new[] { WriteAsync(a), WriteAsync(b) }));

        Assert.Equal(6, sent);
        Assert.True(a.Waits + b.Waits >= 14, "the others waited for the shared bucket");
    }

    [Fact]
    public async Task TryTake_DatabaseNotAnswering_LocalWithinTheTimeoutAndOneWarning()
    {
        // A listener that accepts and never answers: the connection attempt hangs, as with a partitioned database.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var logs = new CapturingLoggerProvider();
        var data = NpgsqlDataSource.Create($"Host=127.0.0.1;Port={port};Username=x;Database=x;Timeout=30");
        _sources.Add(data);
        var buckets = new PostgresRateBuckets(data, "reviewbot", new PostgresRateBucketsOptions { Timeout = TimeSpan.FromMilliseconds(300), RetryAfterOutage = TimeSpan.FromMinutes(1) }, TimeProvider.System, logs.CreateLogger("buckets"));
        var draw = new BucketDraw(1, 10, 1);

        var clock = Stopwatch.StartNew();
        var first = await buckets.TryTakeAsync("llm:x", draw, draw, CancellationToken.None);
        var firstTook = clock.Elapsed;
        var second = await buckets.TryTakeAsync("llm:x", draw, draw, CancellationToken.None);

        Assert.Equal(SharedTake.Local, first);
        Assert.Equal(SharedTake.Local, second);
        Assert.InRange(firstTook, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.True(clock.Elapsed - firstTook < TimeSpan.FromMilliseconds(200), "during the outage the database is not asked again");
        Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith("Shared rate limits unavailable (llm:x: no answer within 300 ms)", StringComparison.Ordinal));
        Assert.Equal(2, buckets.Fallbacks);
    }

    [PostgresFact]
    public async Task TryTake_DatabaseBackAfterAnOutage_SharedAgainAndSaysSo()
    {
        var logs = new CapturingLoggerProvider();
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        var schema = TestPostgres.NewSchema();
        var data = NpgsqlDataSource.Create(TestPostgres.Require());
        _sources.Add(data);
        var buckets = new PostgresRateBuckets(data, schema, new PostgresRateBucketsOptions { RetryAfterOutage = TimeSpan.FromSeconds(10) }, time, logs.CreateLogger("buckets"));
        var draw = new BucketDraw(1, 10, 1);

        try
        {
            // A failing statement (here: no table yet) is an outage too; the replica keeps reviewing on its own buckets.
            var during = await buckets.TryTakeAsync("llm:y", draw, draw, CancellationToken.None);
            await PostgresSchema.MigrateAsync(data, schema, CancellationToken.None);
            var stillWaiting = await buckets.TryTakeAsync("llm:y", draw, draw, CancellationToken.None);
            time.Advance(TimeSpan.FromSeconds(11));
            var after = await buckets.TryTakeAsync("llm:y", draw, draw, CancellationToken.None);

            Assert.Equal(SharedTake.Local, during);
            Assert.Equal(SharedTake.Local, stillWaiting);
            Assert.Equal(new SharedTake(true, TimeSpan.Zero), after);
            Assert.Single(logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("falls back to its own LLM and GitHub buckets", StringComparison.Ordinal));
            Assert.Single(logs.Entries, e => e.Level == LogLevel.Information && e.Message.StartsWith("Shared rate limits available again", StringComparison.Ordinal));
        }
        finally
        {
            await TestPostgres.DropSchemaAsync(schema);
        }
    }

    private PostgresRateBuckets Buckets()
    {
        var data = NpgsqlDataSource.Create(TestPostgres.Require());
        _sources.Add(data);
        return new PostgresRateBuckets(data, _schema, new PostgresRateBucketsOptions { Timeout = TimeSpan.FromSeconds(10) }, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
    }
}
