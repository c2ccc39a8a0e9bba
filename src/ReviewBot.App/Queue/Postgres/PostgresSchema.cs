using Npgsql;

namespace ReviewBot.App.Queue.Postgres;

/// <summary>
/// The queue's tables, created and migrated at start-up: numbered migrations, applied in order under an advisory
/// lock (replicas starting together do not race), each recorded in <c>schema_version</c>, so running it again
/// changes nothing. A migration is never edited once released; a change is a new one.
/// </summary>
internal static class PostgresSchema
{
    private const long MigrationLock = 0x5265_7669_6577_4201; // "ReviewB" + 1

    /// <summary>The version this build needs; <c>/readyz</c> fails while the database is older.</summary>
    public static int Current => Migrations.Length;

    private static readonly string[] Migrations =
    [
        // 1: deliveries (unique on id) and reviews (at most one queued and one running per pull request).
        """
        create table if not exists {0}.deliveries (
            delivery_id text primary key,
            received_at timestamptz not null);
        create table if not exists {0}.reviews (
            id bigserial primary key,
            delivery_id text not null,
            installation_id bigint not null,
            owner text not null,
            repository text not null,
            number integer not null,
            pr_key text not null,
            head_sha text not null,
            trigger text not null,
            state text not null check (state in ('queued', 'running', 'succeeded', 'failed', 'superseded')),
            attempts integer not null default 0,
            run_after timestamptz not null,
            lease_owner text,
            lease_until timestamptz,
            superseded_by text,
            last_error text,
            created_at timestamptz not null,
            updated_at timestamptz not null);
        create unique index if not exists reviews_one_queued on {0}.reviews (pr_key) where state = 'queued';
        create unique index if not exists reviews_one_running on {0}.reviews (pr_key) where state = 'running';
        create index if not exists reviews_claim on {0}.reviews (id) where state in ('queued', 'running');
        create index if not exists reviews_delivery on {0}.reviews (delivery_id);
        create index if not exists reviews_replay on {0}.reviews (pr_key, head_sha, trigger, created_at desc);
        create index if not exists reviews_finished on {0}.reviews (updated_at) where state in ('succeeded', 'failed', 'superseded');
        """,

        // 2: the token buckets every replica shares (an LLM deployment's requests and tokens, an installation's GitHub budget).
        """
        create table if not exists {0}.rate_buckets (
            name text primary key,
            first_available double precision not null,
            second_available double precision not null,
            refilled_at timestamptz not null,
            granted boolean not null);
        """,
    ];

    public static async Task MigrateAsync(NpgsqlDataSource data, string schema, CancellationToken cancellationToken)
    {
        await using var connection = await data.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"select pg_advisory_xact_lock({MigrationLock})", cancellationToken).ConfigureAwait(false);
        await ExecuteAsync(connection, $"create schema if not exists {schema}; create table if not exists {schema}.schema_version (version integer primary key, applied_at timestamptz not null default now())", cancellationToken).ConfigureAwait(false);
        var version = await VersionAsync(connection, schema, cancellationToken).ConfigureAwait(false);
        if (version > Current)
        {
            throw new InvalidOperationException($"the database schema '{schema}' is at version {version}, newer than this build knows ({Current}); run the newer ReviewBot App");
        }

        for (var v = version + 1; v <= Current; v++)
        {
            await ExecuteAsync(connection, string.Format(System.Globalization.CultureInfo.InvariantCulture, Migrations[v - 1], schema), cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, $"insert into {schema}.schema_version (version) values ({v})", cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    public static async Task<int> VersionAsync(NpgsqlConnection connection, string schema, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"select coalesce(max(version), 0) from {schema}.schema_version", connection);
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
