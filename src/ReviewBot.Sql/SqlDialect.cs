namespace ReviewBot.Sql;

/// <summary>The SQL dialect a text is read in. <see cref="Neutral"/> is tolerant of every supported dialect's syntax.</summary>
public enum SqlDialect
{
    Neutral,
    Snowflake,
    BigQuery,
    Postgres,
    Redshift,
    Trino,
    Databricks,
    DuckDB,
}
