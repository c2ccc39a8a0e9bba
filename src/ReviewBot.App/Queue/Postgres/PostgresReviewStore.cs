using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using ReviewBot.App.Options;

namespace ReviewBot.App.Queue.Postgres;

/// <summary>
/// The <see cref="IReviewStore"/> contract in PostgreSQL, for any number of App replicas. Accepting a delivery is
/// one transaction (the delivery row, unique on its id, and its reviews) serialised per pull request by an
/// advisory lock; partial unique indexes hold "one queued and one running per pull request"; workers claim with
/// <c>for update skip locked</c> and hold a lease they renew. Time is the database's clock (<c>now()</c>), the
/// same for every replica; tests may pass their own clock.
/// </summary>
internal sealed class PostgresReviewStore : IReviewStore, IAsyncDisposable
{
    private readonly NpgsqlDataSource _data;
    private readonly ReviewStoreOptions _options;
    private readonly string _schema;
    private readonly Func<DateTimeOffset>? _clock;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _init = new(1, 1);
    private TaskCompletionSource _work = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _initialized;
    private volatile bool _closed;

    /// <param name="connectionString">An Npgsql connection string (<c>REVIEWBOT_POSTGRES</c>).</param>
    /// <param name="options">Lease, attempts, backoff, replay window, capacity.</param>
    /// <param name="schema">The schema that holds the tables (default <c>reviewbot</c>); tests use one each.</param>
    /// <param name="clock">Null (production): the database clock. Tests pass virtual time.</param>
    public PostgresReviewStore(string connectionString, ReviewStoreOptions options, string schema = "reviewbot", Func<DateTimeOffset>? clock = null)
    {
        try
        {
            _data = NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new AppSettingsException($"REVIEWBOT_POSTGRES is not a valid PostgreSQL connection string: {e.Message}");
        }

        if (!System.Text.RegularExpressions.Regex.IsMatch(schema, "^[a-z_][a-z0-9_]{0,62}$"))
        {
            throw new ArgumentException($"Schema name '{schema}' must be a plain lower-case identifier.", nameof(schema));
        }

        _options = options;
        _schema = schema;
        _clock = clock;
    }

    public bool IsDurable => true;

    internal NpgsqlDataSource DataSource => _data;

    /// <summary>The schema that holds the tables (the shared rate buckets live there too).</summary>
    internal string Schema => _schema;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        if (_initialized)
        {
            return;
        }

        await _init.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                try
                {
                    await PostgresSchema.MigrateAsync(_data, _schema, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
                {
                    throw new AppSettingsException($"REVIEWBOT_POSTGRES: cannot prepare the queue schema '{_schema}': {e.Message}");
                }

                _initialized = true;
            }
        }
        finally
        {
            _init.Release();
        }
    }

    public async Task<IReadOnlyList<AcceptResult>> AcceptAsync(string deliveryId, IReadOnlyList<ReviewRequest> requests, CancellationToken cancellationToken)
    {
        if (_closed)
        {
            return [.. requests.Select(r => new AcceptResult(r, AcceptOutcome.Closed))];
        }

        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        var results = new List<AcceptResult>(requests.Count);

        // Every pull request of the delivery is locked in a fixed order, so two deliveries never deadlock.
        foreach (var key in requests.Select(r => PrKey(r.Key)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            await ExecAsync(connection, "select pg_advisory_xact_lock(hashtextextended(@k, 17))", cancellationToken, ("k", key)).ConfigureAwait(false);
        }

        var fresh = await ExecAsync(connection, $"insert into {_schema}.deliveries (delivery_id, received_at) values (@d, {Now}) on conflict (delivery_id) do nothing", cancellationToken, ("d", deliveryId), NowParameter).ConfigureAwait(false) == 1;
        if (!fresh)
        {
            foreach (var request in requests)
            {
                var failed = await ScalarAsync(connection, $"select count(*) from {_schema}.reviews where delivery_id = @d and pr_key = @k and lower(head_sha) = lower(@s) and state = 'failed' and not exists (select 1 from {_schema}.reviews x where x.delivery_id = @d and x.pr_key = @k and x.state in ('queued', 'running', 'succeeded'))", cancellationToken, ("d", deliveryId), ("k", PrKey(request.Key)), ("s", request.HeadSha)).ConfigureAwait(false);
                if (Convert.ToInt64(failed, System.Globalization.CultureInfo.InvariantCulture) == 0)
                {
                    results.Add(new AcceptResult(request, AcceptOutcome.Duplicate, "this delivery was already received"));
                    continue;
                }

                var (outcome, detail) = await EnqueueAsync(connection, deliveryId, request, cancellationToken).ConfigureAwait(false);
                results.Add(new AcceptResult(request, outcome == AcceptOutcome.Coalesced ? AcceptOutcome.Coalesced : AcceptOutcome.Requeued, detail));
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            Signal();
            return results;
        }

        var waiting = Convert.ToInt64(await ScalarAsync(connection, $"select count(*) from {_schema}.reviews where state = 'queued'", cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        foreach (var request in requests)
        {
            if (await ReplayOfAsync(connection, request, cancellationToken).ConfigureAwait(false) is { } earlier)
            {
                results.Add(new AcceptResult(request, AcceptOutcome.Replay, $"the same {request.Trigger} of {request.Key} at {request.HeadSha} was accepted as delivery {earlier}"));
                continue;
            }

            var hasWaiting = await ScalarAsync(connection, $"select 1 from {_schema}.reviews where pr_key = @k and state = 'queued'", cancellationToken, ("k", PrKey(request.Key))).ConfigureAwait(false) is not null;
            if (!hasWaiting && waiting >= _options.Capacity)
            {
                // Nothing of this delivery is kept, so GitHub's redelivery of it is taken later.
                await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
                return [.. requests.Select(r => new AcceptResult(r, AcceptOutcome.Full))];
            }

            var (outcome, detail) = await EnqueueAsync(connection, deliveryId, request, cancellationToken).ConfigureAwait(false);
            waiting += hasWaiting ? 0 : 1;
            results.Add(new AcceptResult(request, outcome, detail));
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        Signal();
        return results;
    }

    public async Task<ClaimedReview?> TryClaimAsync(string worker, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var sql = $"""
            with candidate as (
                select r.id from {_schema}.reviews r
                where ((r.state = 'queued' and r.run_after <= {Now}) or (r.state = 'running' and r.lease_until < {Now}))
                  and not exists (select 1 from {_schema}.reviews x
                                  where x.pr_key = r.pr_key and x.state = 'running' and x.lease_until >= {Now} and x.id <> r.id)
                order by r.id
                limit 1
                for update skip locked)
            update {_schema}.reviews r
               set state = 'running', attempts = r.attempts + 1, lease_owner = @w, lease_until = {Now} + @lease, updated_at = {Now}
              from candidate where r.id = candidate.id
            returning r.id, r.installation_id, r.owner, r.repository, r.number, r.head_sha, r.delivery_id, r.trigger, r.attempts
            """;
        await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, sql, ("w", worker), ("lease", _options.Lease), NowParameter);
        try
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var attempts = reader.GetInt32(8);
            var request = new ReviewRequest(reader.GetInt64(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4), reader.GetString(5), reader.GetString(6), reader.GetString(7))
            {
                ReviewId = reader.GetInt64(0),
                Attempt = Math.Min(attempts, _options.MaxAttempts),
                MaxAttempts = _options.MaxAttempts,
            };
            return new ClaimedReview(request.ReviewId, request, worker);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            // Another replica claimed a review of the same pull request at the same moment: its turn.
            return null;
        }
    }

    public async Task<LeaseState> RenewAsync(ClaimedReview claim, CancellationToken cancellationToken)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"update {_schema}.reviews set lease_until = {Now} + @lease where id = @id and lease_owner = @w and state = 'running' returning coalesce(superseded_by, '')", ("id", claim.Id), ("w", claim.Worker), ("lease", _options.Lease), NowParameter);
        var superseded = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return superseded is string text ? new LeaseState(true, text.Length == 0 ? null : text) : new LeaseState(false, null);
    }

    public async Task CompleteAsync(ClaimedReview claim, ReviewEnd end, CancellationToken cancellationToken)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, $"update {_schema}.reviews set state = @s, lease_owner = null, lease_until = null, updated_at = {Now} where id = @id and lease_owner = @w and state = 'running'", cancellationToken, ("s", end == ReviewEnd.Succeeded ? "succeeded" : "superseded"), ("id", claim.Id), ("w", claim.Worker), NowParameter).ConfigureAwait(false);
        Signal();
    }

    public async Task<DateTimeOffset?> FailAsync(ClaimedReview claim, string reason, CancellationToken cancellationToken)
    {
        var retryAfter = _options.BackoffBefore(claim.Request.Attempt + 1);
        var sql = $"""
            update {_schema}.reviews r set
                state = case when r.attempts >= @max then 'failed'
                             when r.superseded_by is not null or exists (select 1 from {_schema}.reviews x where x.pr_key = r.pr_key and x.state = 'queued') then 'superseded'
                             else 'queued' end,
                run_after = {Now} + @backoff, lease_owner = null, lease_until = null, last_error = @e, updated_at = {Now}
            where r.id = @id and r.lease_owner = @w and r.state = 'running'
            returning r.state, r.run_after
            """;
        await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, "select pg_advisory_xact_lock(hashtextextended(@k, 17))", cancellationToken, ("k", PrKey(claim.Request.Key))).ConfigureAwait(false);
        DateTimeOffset? at = null;
        await using (var command = Command(connection, sql, ("max", _options.MaxAttempts), ("backoff", retryAfter), ("e", reason.Length > 2_000 ? reason[..2_000] : reason), ("id", claim.Id), ("w", claim.Worker), NowParameter))
        {
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && reader.GetString(0) == "queued")
            {
                at = reader.GetFieldValue<DateTimeOffset>(1);
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        Signal();
        return at;
    }

    public async Task ReleaseAsync(ClaimedReview claim, CancellationToken cancellationToken)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecAsync(connection, "select pg_advisory_xact_lock(hashtextextended(@k, 17))", cancellationToken, ("k", PrKey(claim.Request.Key))).ConfigureAwait(false);
        await ExecAsync(connection, $"""
            update {_schema}.reviews r set
                state = case when exists (select 1 from {_schema}.reviews x where x.pr_key = r.pr_key and x.state = 'queued') then 'superseded' else 'queued' end,
                attempts = greatest(r.attempts - 1, 0), run_after = {Now}, lease_owner = null, lease_until = null, updated_at = {Now}
            where r.id = @id and r.lease_owner = @w and r.state = 'running'
            """, cancellationToken, ("id", claim.Id), ("w", claim.Worker), NowParameter).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<QueueSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, $"""
            select count(*) filter (where state = 'queued'),
                   count(*) filter (where state = 'running'),
                   coalesce(extract(epoch from ({Now} - min(created_at) filter (where state = 'queued'))), 0)::double precision
            from {_schema}.reviews where state in ('queued', 'running')
            """, NowParameter);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new QueueSnapshot((int)reader.GetInt64(0), (int)reader.GetInt64(1), TimeSpan.FromSeconds(Math.Max(0, reader.GetDouble(2))));
    }

    public async Task<string?> CheckReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await using var connection = await _data.OpenConnectionAsync(timeout.Token).ConfigureAwait(false);
            var version = await PostgresSchema.VersionAsync(connection, _schema, timeout.Token).ConfigureAwait(false);
            return version == PostgresSchema.Current ? null : $"the queue schema is at version {version}, this build needs {PostgresSchema.Current}";
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
        {
            return $"PostgreSQL unreachable: {e.Message}";
        }
    }

    public Task<IReadOnlyList<ReviewRequest>> CloseAsync(CancellationToken cancellationToken)
    {
        // Nothing is lost: what waits stays queued for the other replicas, or for this one after its restart.
        _closed = true;
        Signal();
        return Task.FromResult<IReadOnlyList<ReviewRequest>>([]);
    }

    public async Task WaitForWorkAsync(TimeSpan atMost, CancellationToken cancellationToken)
    {
        Task signal;
        lock (_gate)
        {
            signal = _work.Task;
        }

        await Task.WhenAny(signal, Task.Delay(atMost, cancellationToken)).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Deletes finished reviews and delivery ids older than the retention (called now and then by a replica).</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        var reviews = await ExecAsync(connection, $"delete from {_schema}.reviews where state in ('succeeded', 'failed', 'superseded') and updated_at < {Now} - @keep", cancellationToken, ("keep", _options.Retention), NowParameter).ConfigureAwait(false);
        var deliveries = await ExecAsync(connection, $"delete from {_schema}.deliveries d where received_at < {Now} - @keep and not exists (select 1 from {_schema}.reviews r where r.delivery_id = d.delivery_id)", cancellationToken, ("keep", _options.Retention), NowParameter).ConfigureAwait(false);
        return reviews + deliveries;
    }

    public async ValueTask DisposeAsync()
    {
        await _data.DisposeAsync().ConfigureAwait(false);
        _init.Dispose();
    }

    private string Now => "coalesce(@now, now())";

    private (string, object?) NowParameter => ("now", _clock is null ? null : _clock());

    private async Task<(AcceptOutcome Outcome, string? Detail)> EnqueueAsync(NpgsqlConnection connection, string deliveryId, ReviewRequest request, CancellationToken cancellationToken)
    {
        var key = PrKey(request.Key);
        var superseded = await ScalarAsync(connection, $"update {_schema}.reviews set state = 'superseded', superseded_by = @s, updated_at = {Now} where pr_key = @k and state = 'queued' returning head_sha", cancellationToken, ("k", key), ("s", request.HeadSha), NowParameter).ConfigureAwait(false) as string;
        await ExecAsync(connection, $"update {_schema}.reviews set superseded_by = @s where pr_key = @k and state = 'running' and lower(head_sha) <> lower(@s)", cancellationToken, ("k", key), ("s", request.HeadSha)).ConfigureAwait(false);
        await ExecAsync(connection, $"""
            insert into {_schema}.reviews (delivery_id, installation_id, owner, repository, number, pr_key, head_sha, trigger, state, run_after, created_at, updated_at)
            values (@d, @i, @o, @r, @n, @k, @s, @t, 'queued', {Now}, {Now}, {Now})
            """, cancellationToken, ("d", deliveryId), ("i", request.InstallationId), ("o", request.Owner), ("r", request.Repository), ("n", request.Number), ("k", key), ("s", request.HeadSha), ("t", request.Trigger), NowParameter).ConfigureAwait(false);
        return superseded is null ? (AcceptOutcome.Queued, null) : (AcceptOutcome.Coalesced, superseded);
    }

    private async Task<string?> ReplayOfAsync(NpgsqlConnection connection, ReviewRequest request, CancellationToken cancellationToken)
    {
        // A person asking for a rerun is not a replay once the earlier review is over.
        var states = request.Trigger.EndsWith(".rerequested", StringComparison.Ordinal) ? "('queued', 'running')" : "('queued', 'running', 'succeeded', 'superseded')";
        return await ScalarAsync(connection, $"""
            select delivery_id from {_schema}.reviews
            where pr_key = @k and lower(head_sha) = lower(@s) and trigger = @t and created_at > {Now} - @window and state in {states}
            order by created_at desc limit 1
            """, cancellationToken, ("k", PrKey(request.Key)), ("s", request.HeadSha), ("t", request.Trigger), ("window", _options.ReplayWindow), NowParameter).ConfigureAwait(false) as string;
    }

    private void Signal()
    {
        lock (_gate)
        {
            _work.TrySetResult();
            _work = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }

    private static string PrKey(PullRequestKey key) =>
        $"{key.Owner.ToLowerInvariant()}/{key.Repository.ToLowerInvariant()}#{key.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)}";

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value switch
            {
                null when name == "now" => new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = DBNull.Value },
                DateTimeOffset at => new NpgsqlParameter(name, NpgsqlDbType.TimestampTz) { Value = at.UtcDateTime },
                TimeSpan span => new NpgsqlParameter(name, NpgsqlDbType.Interval) { Value = span },
                _ => new NpgsqlParameter(name, value ?? DBNull.Value),
            });
        }

        return command;
    }

    private static async Task<int> ExecAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }
}
