using Npgsql;
using ReviewBot.Core.Limits;

namespace ReviewBot.App.Limits;

/// <summary>
/// <see cref="ISharedRateBuckets"/> in PostgreSQL, for every App replica on the same database: one row per key holds
/// both buckets, and one statement (an upsert: the row is created full on first use) refills them for the time
/// since the row was last touched and takes the draw only when both hold it. The row lock that statement takes is
/// the whole of the coordination, and the time is the database's (<c>now()</c>), the same for every replica.
/// A call is bounded by <see cref="PostgresRateBucketsOptions.Timeout"/>; when the database does not answer in time
/// (or fails) the answer is <see cref="SharedTake.Local"/>, the replica's own buckets decide alone, a warning is
/// logged once, and the database is asked again after <see cref="PostgresRateBucketsOptions.RetryAfterOutage"/>.
/// </summary>
internal sealed partial class PostgresRateBuckets : ISharedRateBuckets
{
    private const double Epsilon = 1e-9;
    private readonly NpgsqlDataSource _data;
    private readonly PostgresRateBucketsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _sql;
    private readonly Lock _gate = new();
    private DateTimeOffset _localUntil = DateTimeOffset.MinValue;
    private bool _degraded;
    private long _fallbacks;

    public PostgresRateBuckets(NpgsqlDataSource data, string schema, PostgresRateBucketsOptions options, TimeProvider time, ILogger logger)
    {
        _data = data;
        _options = options;
        _time = time;
        _logger = logger;

        // r1/r2: each bucket refilled for the time since the row was last touched (never backwards: a statement that
        // waited for the row lock may have started before the holder's); ok: both can give their draw above their floor.
        const string Refill1 = "least(@c1, b.first_available + extract(epoch from greatest(interval '0', now() - b.refilled_at)) * @r1)";
        const string Refill2 = "least(@c2, b.second_available + extract(epoch from greatest(interval '0', now() - b.refilled_at)) * @r2)";
        const string Ok = $"({Refill1} - @p1 >= @f1 - @eps and {Refill2} - @p2 >= @f2 - @eps)";
        _sql = $"""
            insert into {schema}.rate_buckets as b (name, first_available, second_available, refilled_at, granted)
            select @name, case when fresh.ok then @c1 - @p1 else @c1 end, case when fresh.ok then @c2 - @p2 else @c2 end, now(), fresh.ok
              from (select (@c1 - @p1 >= @f1 - @eps and @c2 - @p2 >= @f2 - @eps) as ok) fresh
            on conflict (name) do update set
                first_available = {Refill1} - case when {Ok} then @p1 else 0 end,
                second_available = {Refill2} - case when {Ok} then @p2 else 0 end,
                refilled_at = greatest(b.refilled_at, now()),
                granted = {Ok}
            returning granted, first_available, second_available
            """;
    }

    /// <summary>How many draws were decided by local limits alone because the database did not answer.</summary>
    public long Fallbacks => Interlocked.Read(ref _fallbacks);

    /// <summary>Called with the outcome of every shared draw: granted, refused (wait), or local (database unreachable).</summary>
    public Action<string, string>? OnDraw { get; init; }

    public async Task<SharedTake> TryTakeAsync(string key, BucketDraw first, BucketDraw second, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        lock (_gate)
        {
            if (_time.GetUtcNow() < _localUntil)
            {
                return Local(key);
            }
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        var work = DrawAsync(key, first, second, timeout.Token);
        try
        {
            // Npgsql does not give up a connection attempt whose server accepted but never answers when the token
            // fires (it waits for its own Timeout), so the bound is kept here; an abandoned draw ends on its own.
            var (granted, available1, available2) = await work.WaitAsync(_options.Timeout, cancellationToken).ConfigureAwait(false);
            Recovered();
            if (granted)
            {
                OnDraw?.Invoke(key, "granted");
                return new SharedTake(true, TimeSpan.Zero);
            }

            OnDraw?.Invoke(key, "wait");
            var wait1 = first.TimeUntil(available1);
            var wait2 = second.TimeUntil(available2);
            return new SharedTake(false, wait1 > wait2 ? wait1 : wait2);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Observe(work);
            throw;
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException or InvalidOperationException)
        {
            Observe(work);
            Degrade(key, e);
            return Local(key);
        }
    }

    private static void Observe(Task work) =>
        work.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    private async Task<(bool Granted, double First, double Second)> DrawAsync(string key, BucketDraw first, BucketDraw second, CancellationToken cancellationToken)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(_sql, connection);
        command.Parameters.AddWithValue("name", key);
        command.Parameters.AddWithValue("p1", first.Permits);
        command.Parameters.AddWithValue("c1", first.Capacity);
        command.Parameters.AddWithValue("r1", first.PerSecond);
        command.Parameters.AddWithValue("f1", first.Floor);
        command.Parameters.AddWithValue("p2", second.Permits);
        command.Parameters.AddWithValue("c2", second.Capacity);
        command.Parameters.AddWithValue("r2", second.PerSecond);
        command.Parameters.AddWithValue("f2", second.Floor);
        command.Parameters.AddWithValue("eps", Epsilon);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("the rate bucket upsert returned no row");
        }

        return (reader.GetBoolean(0), reader.GetDouble(1), reader.GetDouble(2));
    }

    private SharedTake Local(string key)
    {
        Interlocked.Increment(ref _fallbacks);
        OnDraw?.Invoke(key, "local");
        return SharedTake.Local;
    }

    private void Degrade(string key, Exception e)
    {
        bool first;
        lock (_gate)
        {
            _localUntil = _time.GetUtcNow() + _options.RetryAfterOutage;
            first = !_degraded;
            _degraded = true;
        }

        if (first)
        {
            LogDegraded(_logger, key, e is OperationCanceledException or TimeoutException ? $"no answer within {_options.Timeout.TotalMilliseconds:0} ms" : e.Message, _options.RetryAfterOutage.TotalSeconds);
        }
    }

    private void Recovered()
    {
        bool was;
        lock (_gate)
        {
            was = _degraded;
            _degraded = false;
        }

        if (was)
        {
            LogRecovered(_logger);
        }
    }

    [LoggerMessage(70, LogLevel.Warning, "Shared rate limits unavailable ({Key}: {Reason}): this replica falls back to its own LLM and GitHub buckets, and asks the database again in {Seconds} s")]
    private static partial void LogDegraded(ILogger logger, string key, string reason, double seconds);

    [LoggerMessage(71, LogLevel.Information, "Shared rate limits available again: the LLM and GitHub buckets are shared by every replica")]
    private static partial void LogRecovered(ILogger logger);
}

/// <summary>How <see cref="PostgresRateBuckets"/> bounds its calls.</summary>
internal sealed class PostgresRateBucketsOptions
{
    /// <summary>The longest one shared draw may take (connection and statement). Default 2 seconds.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>After a failed draw, how long only local limits apply before the database is asked again. Default 10 seconds.</summary>
    public TimeSpan RetryAfterOutage { get; init; } = TimeSpan.FromSeconds(10);
}
