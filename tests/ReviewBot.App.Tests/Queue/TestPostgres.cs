using Npgsql;

namespace ReviewBot.App.Tests.Queue;

/// <summary>
/// The throwaway PostgreSQL that <c>.ci/run</c> starts (<c>REVIEWBOT_TEST_POSTGRES</c>). Under CI
/// (<c>CI=true</c> or <c>REVIEWBOT_REQUIRE_POSTGRES=1</c>) a missing database fails the tests that need it;
/// locally they are skipped with the reason.
/// </summary>
internal static class TestPostgres
{
    public const string Variable = "REVIEWBOT_TEST_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static bool Required =>
        string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        || Environment.GetEnvironmentVariable("REVIEWBOT_REQUIRE_POSTGRES") == "1";

    /// <summary>Whether the tests that need PostgreSQL run (they then fail if it is missing).</summary>
    public static bool Enabled => ConnectionString is not null || Required;

    public const string SkipReason = "PostgreSQL tests need " + Variable + " (a connection string); .ci/run starts a throwaway cluster and sets it.";

    /// <summary>The connection string, or a failure that says why there is none.</summary>
    public static string Require() =>
        ConnectionString ?? throw new InvalidOperationException($"{Variable} is not set, but PostgreSQL is required here (CI): .ci/run should have started a cluster (see .ci/postgres.sh).");

    /// <summary>A fresh schema name for one test, so tests never see each other's rows.</summary>
    public static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..16];

    public static async Task DropSchemaAsync(string schema)
    {
        await using var data = NpgsqlDataSource.Create(Require());
        await using var command = data.CreateCommand($"drop schema if exists {schema} cascade");
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>A fact that needs PostgreSQL: skipped locally without it, run (and failing) under CI.</summary>
internal sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!TestPostgres.Enabled)
        {
            Skip = TestPostgres.SkipReason;
        }
    }
}
