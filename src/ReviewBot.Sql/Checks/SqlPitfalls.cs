using ReviewBot.Sql.Parsing;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Sql.Checks;

/// <summary>What a <see cref="SqlPitfall"/> is.</summary>
public enum SqlPitfallKind
{
    /// <summary>
    /// A select item redefines a source column under its own name (<c>coalesce(amount, 0) as amount</c>) and a later
    /// item of the same SELECT reads that name: it gets the source column, not the new value.
    /// </summary>
    AliasShadowsColumn,

    /// <summary>Integer divided by integer in a dialect where <c>/</c> truncates (Postgres, Redshift, Trino): a ratio becomes 0 or 1.</summary>
    IntegerDivision,

    /// <summary>A value cast to text compared with a boolean word the text of a boolean never equals (<c>'True'</c>, <c>'TRUE'</c>, <c>'t'</c>).</summary>
    BooleanTextComparison,
}

/// <summary>One pitfall: where (a span of the parsed text), what, and the names involved.</summary>
public sealed record SqlPitfall(SqlPitfallKind Kind, SqlSpan Span, string Subject, SqlSpan? Related = null);

/// <summary>
/// SQL that parses and runs but does not do what it reads as: checks over a parsed text, iterative (every walk goes
/// through <see cref="SqlWalker"/>), dialect-aware where the semantics differ.
/// </summary>
public static class SqlPitfalls
{
    private static readonly HashSet<string> IntegerFunctions = new(StringComparer.Ordinal)
    {
        "count", "count_if", "countif", "count_big", "approx_count_distinct", "row_number", "rank", "dense_rank", "ntile",
        "length", "char_length", "character_length", "datediff", "date_diff",
    };

    private static readonly HashSet<string> IntegerTypes = new(StringComparer.Ordinal)
    {
        "int", "integer", "bigint", "smallint", "tinyint", "int2", "int4", "int8", "int64",
    };

    private static readonly HashSet<string> TextTypes = new(StringComparer.Ordinal) { "text", "varchar", "string", "char", "character varying", "nvarchar" };

    /// <summary>Every pitfall in the parsed statements, in text order.</summary>
    public static IReadOnlyList<SqlPitfall> Find(SqlParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var found = new List<SqlPitfall>();
        var truncates = parse.Dialect is SqlDialect.Postgres or SqlDialect.Redshift or SqlDialect.Trino;
        foreach (var statement in parse.Statements)
        {
            foreach (var node in SqlWalker.DescendantsAndSelf(statement))
            {
                switch (node)
                {
                    case SqlSelect select:
                        AliasShadowing(select, found);
                        break;
                    case SqlBinary { Operator: "/" } division when truncates && IsInteger(division.Left) && IsInteger(division.Right):
                        found.Add(new SqlPitfall(SqlPitfallKind.IntegerDivision, division.Span, ""));
                        break;
                    case SqlBinary { Operator: "=" or "<>" or "!=" } comparison when BooleanWord(comparison) is { } word:
                        found.Add(new SqlPitfall(SqlPitfallKind.BooleanTextComparison, comparison.Span, word));
                        break;
                }
            }
        }

        return found.OrderBy(p => p.Span.Offset).ToList();
    }

    private static void AliasShadowing(SqlSelect select, List<SqlPitfall> found)
    {
        var redefined = new Dictionary<string, SqlExpressionItem>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in select.Items)
        {
            if (item is not SqlExpressionItem expressionItem)
            {
                continue;
            }

            if (redefined.Count > 0)
            {
                foreach (var node in SqlWalker.DescendantsAndSelf(expressionItem.Expression, intoQueries: false))
                {
                    if (node is SqlColumnRef { Name.Parts.Count: 1 } column && redefined.TryGetValue(column.Name.Last, out var definition))
                    {
                        found.Add(new SqlPitfall(SqlPitfallKind.AliasShadowsColumn, column.Span, column.Name.Last, definition.AliasSpan ?? definition.Span));
                    }
                }
            }

            // Only a redefinition of a column the sources have counts: its expression reads the same name
            // (`coalesce(amount, 0) as amount`). `amount as amount` passes the same value on, and a new name such as
            // `count(*) as n` may be read later where the dialect allows (Snowflake, Databricks), unambiguously.
            if (expressionItem.Alias is { } alias
                && expressionItem.Expression is not SqlColumnRef
                && SqlWalker.DescendantsAndSelf(expressionItem.Expression, intoQueries: false).Any(n => n is SqlColumnRef c && c.Name.Last.Equals(alias, StringComparison.OrdinalIgnoreCase)))
            {
                redefined.TryAdd(alias, expressionItem);
            }
        }
    }

    private static bool IsInteger(SqlExpression expression) => expression switch
    {
        SqlLiteral { Kind: SqlLiteralKind.Number } n => n.Text.All(char.IsAsciiDigit),
        SqlFunctionCall f => IntegerFunctions.Contains(f.LowerName) && f.Over is null || f.Over is not null && f.LowerName is "row_number" or "rank" or "dense_rank" or "ntile" or "count",
        SqlCast c => IntegerTypes.Contains(BaseType(c.Type.Text)),
        SqlUnary { Operator: "-" or "+" } u => IsInteger(u.Operand),
        _ => false,
    };

    private static string? BooleanWord(SqlBinary comparison)
    {
        var (cast, literal) = comparison.Left is SqlCast c1 && comparison.Right is SqlLiteral l1 ? (c1, l1)
            : comparison.Right is SqlCast c2 && comparison.Left is SqlLiteral l2 ? (c2, l2)
            : (null, null);
        if (cast is null || literal is not { Kind: SqlLiteralKind.String } || !TextTypes.Contains(BaseType(cast.Type.Text)))
        {
            return null;
        }

        var value = literal.Text.Length >= 2 ? literal.Text[1..^1] : literal.Text;

        // Every supported warehouse writes a boolean as lowercase 'true' / 'false': those compare fine.
        return value is "True" or "TRUE" or "False" or "FALSE" or "t" or "f" or "T" or "F" ? value : null;
    }

    private static string BaseType(string type)
    {
        var lower = type.Trim().ToLowerInvariant();
        var paren = lower.IndexOf('(', StringComparison.Ordinal);
        return (paren < 0 ? lower : lower[..paren]).Trim();
    }
}
