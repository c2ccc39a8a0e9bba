namespace ReviewBot.Sql;

/// <summary>
/// What a dialect changes in how text is read. Kept as data rather than branches in the lexer and parser so that
/// <see cref="SqlDialect.Neutral"/> can be the tolerant union where the dialects do not contradict each other.
/// </summary>
internal sealed record SqlDialectFeatures(
    bool DoubleQuotedStrings,
    bool BackslashEscapes,
    bool HashComments,
    bool TripleQuotedStrings,
    bool DollarQuotedStrings,
    bool NestedBlockComments)
{
    public static SqlDialectFeatures For(SqlDialect dialect) => dialect switch
    {
        // BigQuery and Spark read "x" as a string; identifiers are quoted with backticks there.
        SqlDialect.BigQuery => new(DoubleQuotedStrings: true, BackslashEscapes: true, HashComments: true, TripleQuotedStrings: true, DollarQuotedStrings: false, NestedBlockComments: false),
        SqlDialect.Databricks => new(DoubleQuotedStrings: true, BackslashEscapes: true, HashComments: false, TripleQuotedStrings: false, DollarQuotedStrings: false, NestedBlockComments: false),
        SqlDialect.Snowflake => new(DoubleQuotedStrings: false, BackslashEscapes: true, HashComments: false, TripleQuotedStrings: false, DollarQuotedStrings: true, NestedBlockComments: false),
        SqlDialect.Postgres or SqlDialect.Redshift => new(DoubleQuotedStrings: false, BackslashEscapes: false, HashComments: false, TripleQuotedStrings: false, DollarQuotedStrings: true, NestedBlockComments: true),
        SqlDialect.DuckDB => new(DoubleQuotedStrings: false, BackslashEscapes: false, HashComments: false, TripleQuotedStrings: false, DollarQuotedStrings: true, NestedBlockComments: false),
        SqlDialect.Trino => new(DoubleQuotedStrings: false, BackslashEscapes: false, HashComments: false, TripleQuotedStrings: false, DollarQuotedStrings: false, NestedBlockComments: false),
        // Neutral: double quotes are identifiers (most warehouses), everything else that does not clash is accepted.
        _ => new(DoubleQuotedStrings: false, BackslashEscapes: true, HashComments: true, TripleQuotedStrings: true, DollarQuotedStrings: true, NestedBlockComments: false),
    };
}
