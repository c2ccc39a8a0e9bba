using ReviewBot.Sql.Lexing;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Sql.Parsing;

/// <summary>A problem found while reading the text: where (span and 1-based line) and what.</summary>
public sealed record SqlDiagnostic(SqlSpan Span, int Line, string Message)
{
    public override string ToString() => $"line {Line}: {Message}";
}

/// <summary>
/// The outcome of a parse: every statement in order (a statement that failed is a <see cref="SqlInvalidStatement"/>
/// and has a diagnostic; the statements after it are still parsed), the diagnostics, and the tokens (for
/// fingerprints and for mapping spans back to text).
/// </summary>
public sealed record SqlParseResult(
    SqlSourceText Source,
    SqlDialect Dialect,
    IReadOnlyList<SqlStatement> Statements,
    IReadOnlyList<SqlDiagnostic> Diagnostics,
    IReadOnlyList<SqlToken> Tokens)
{
    /// <summary>Every relation name read in a FROM/JOIN/USING of any statement (CTE references included), in order.</summary>
    public IReadOnlyList<SqlName> TableNames { get; init; } = [];

    /// <summary>The names of every CTE defined anywhere in the text.</summary>
    public IReadOnlySet<string> CteNames { get; init; } = new HashSet<string>();

    /// <summary>True when every statement parsed.</summary>
    public bool Succeeded => Diagnostics.Count == 0;

    /// <summary>The queries of the parsed SELECT statements, in order.</summary>
    public IEnumerable<SqlQuery> Queries => Statements.OfType<SqlSelectStatement>().Select(s => s.Query);
}

/// <summary>Limits of one parse. Defaults suit any real model and keep adversarial input cheap.</summary>
public sealed class SqlParserOptions
{
    /// <summary>
    /// Maximum nesting of expressions, subqueries and joins (default 200). Each level costs a few stack frames of a
    /// few hundred bytes, so the default stays far below the 1 MB of the smallest thread stack .NET gives.
    /// </summary>
    public int MaxDepth { get; init; } = 200;

    /// <summary>Maximum text length in characters (default 20,000,000); longer text is refused with a diagnostic.</summary>
    public int MaxLength { get; init; } = 20_000_000;

    /// <summary>The defaults.</summary>
    public static SqlParserOptions Default { get; } = new();
}

/// <summary>Thrown inside the parser to abandon one statement; never escapes <see cref="SqlParser.Parse"/>.</summary>
internal sealed class SqlSyntaxException(SqlSpan span, string message) : Exception(message)
{
    public SqlSpan Span { get; } = span;
}
