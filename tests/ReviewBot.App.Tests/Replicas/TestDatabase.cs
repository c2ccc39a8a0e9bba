using Npgsql;
using ReviewBot.App.Tests.Queue;

namespace ReviewBot.App.Tests.Replicas;

/// <summary>A database of its own for one test, on the throwaway cluster; dropped at the end.</summary>
internal sealed class TestDatabase : IAsyncDisposable
{
    private TestDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var admin = TestPostgres.Require();
        var name = "rb_" + Guid.NewGuid().ToString("N")[..16];
        await using (var data = NpgsqlDataSource.Create(admin))
        await using (var command = data.CreateCommand($"create database {name}"))
        {
            await command.ExecuteNonQueryAsync();
        }

        var builder = new NpgsqlConnectionStringBuilder(admin) { Database = name, MaxPoolSize = 20 };
        return new TestDatabase(name, builder.ConnectionString);
    }

    /// <summary>Runs a scalar query in this database (to look at the queue as the replicas see it).</summary>
    public async Task<long> CountAsync(string sql)
    {
        await using var data = NpgsqlDataSource.Create(ConnectionString);
        await using var command = data.CreateCommand(sql);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var data = NpgsqlDataSource.Create(TestPostgres.Require());
        await using var command = data.CreateCommand($"drop database if exists {Name} with (force)");
        await command.ExecuteNonQueryAsync();
    }
}
