using ReviewBot.Sql.Lexing;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Sql.Parsing;

/// <summary>What kind of problem a <see cref="SqlDiagnostic"/> is.</summary>
public enum SqlDiagnosticKind
{
    /// <summary>The text is not valid SQL as the parser reads it (or the lexer found an unterminated string or comment).</summary>
    Syntax,

    /// <summary>Nesting went past <see cref="SqlParserOptions.MaxDepth"/> or the available stack: a bound, not a syntax error.</summary>
    TooDeep,

    /// <summary>The text is longer than <see cref="SqlParserOptions.MaxLength"/>: a bound, nothing was read.</summary>
    TooLong,
}

/// <summary>A problem found while reading the text: where (span and 1-based line), what, and which kind of problem.</summary>
public sealed record SqlDiagnostic(SqlSpan Span, int Line, string Message, SqlDiagnosticKind Kind = SqlDiagnosticKind.Syntax)
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
internal sealed class SqlSyntaxException(SqlSpan span, string message, SqlDiagnosticKind kind = SqlDiagnosticKind.Syntax) : Exception(message)
{
    public SqlSpan Span { get; } = span;

    public SqlDiagnosticKind Kind { get; } = kind;
}
