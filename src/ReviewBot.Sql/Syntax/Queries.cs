namespace ReviewBot.Sql.Syntax;

/// <summary>One common table expression: <c>name [(columns)] as [[not] materialized] (query)</c>.</summary>
public sealed record SqlCte(SqlSpan Span, string Name, SqlSpan NameSpan, IReadOnlyList<string> ColumnAliases, SqlQuery Query) : SqlNode(Span);

/// <summary>A <c>with [recursive]</c> clause.</summary>
public sealed record SqlWith(SqlSpan Span, bool Recursive, IReadOnlyList<SqlCte> Ctes) : SqlNode(Span);

/// <summary><c>limit n</c> / <c>offset m</c> / <c>fetch first n rows only</c> / <c>top n</c>, as written.</summary>
public sealed record SqlLimit(SqlSpan Span, SqlExpression? Count, SqlExpression? Offset, string Style) : SqlNode(Span);

/// <summary>
/// A whole query: optional WITH, a body (select, set operation, values, parenthesised query), and the ORDER BY /
/// LIMIT that apply to the body's result.
/// </summary>
public sealed record SqlQuery(SqlSpan Span, SqlWith? With, SqlQueryBody Body, IReadOnlyList<SqlOrderItem> OrderBy, SqlLimit? Limit) : SqlNode(Span);

/// <summary>Base of a query body.</summary>
public abstract record SqlQueryBody(SqlSpan Span) : SqlNode(Span);

/// <summary>A set operator.</summary>
public enum SqlSetOperator
{
    Union,
    Except,
    Intersect,
}

/// <summary><c>left union [all|distinct] [by name] right</c>; Snowflake's <c>minus</c> reads as <see cref="SqlSetOperator.Except"/>.</summary>
public sealed record SqlSetOperation(SqlSpan Span, SqlSetOperator Operator, bool All, bool ByName, SqlQueryBody Left, SqlQueryBody Right) : SqlQueryBody(Span);

/// <summary>A parenthesised query used as a body (it may carry its own ORDER BY / LIMIT / WITH).</summary>
public sealed record SqlNestedQuery(SqlSpan Span, SqlQuery Query) : SqlQueryBody(Span);

/// <summary><c>values (..), (..)</c>.</summary>
public sealed record SqlValues(SqlSpan Span, IReadOnlyList<IReadOnlyList<SqlExpression>> Rows) : SqlQueryBody(Span);

/// <summary>A GROUP BY clause. <see cref="All"/> is <c>group by all</c>; rollup/cube/grouping sets appear as items.</summary>
public sealed record SqlGroupBy(SqlSpan Span, bool All, IReadOnlyList<SqlExpression> Items) : SqlNode(Span);

/// <summary><c>rollup(...)</c>, <c>cube(...)</c> or <c>grouping sets (...)</c> inside a GROUP BY.</summary>
public sealed record SqlGroupingSet(SqlSpan Span, string Kind, IReadOnlyList<SqlExpression> Items) : SqlExpression(Span);

/// <summary>A named window: <c>window w as (...)</c>.</summary>
public sealed record SqlNamedWindow(SqlSpan Span, string Name, SqlWindowSpec Spec) : SqlNode(Span);

/// <summary>One SELECT block.</summary>
public sealed record SqlSelect(
    SqlSpan Span,
    bool Distinct,
    IReadOnlyList<SqlExpression> DistinctOn,
    SqlLimit? Top,
    IReadOnlyList<SqlSelectItem> Items,
    SqlTableRef? From,
    SqlExpression? Where,
    SqlGroupBy? GroupBy,
    SqlExpression? Having,
    SqlExpression? Qualify,
    IReadOnlyList<SqlNamedWindow> Windows) : SqlQueryBody(Span)
{
    /// <summary>Placeholders that stood between clauses (a macro that renders a clause): the block's rows are partly unknown.</summary>
    public IReadOnlyList<string> OpaqueClauses { get; init; } = [];
}

/// <summary>Base of a select-list item.</summary>
public abstract record SqlSelectItem(SqlSpan Span) : SqlNode(Span);

/// <summary><c>expression [as] alias</c>.</summary>
public sealed record SqlExpressionItem(SqlSpan Span, SqlExpression Expression, string? Alias, SqlSpan? AliasSpan) : SqlSelectItem(Span)
{
    /// <summary>The output name: the alias, else the column name of a plain column reference, else null.</summary>
    public string? OutputName => Alias ?? Expression switch
    {
        SqlColumnRef c => c.Name.Last,
        SqlFieldAccess f => f.Field,
        SqlCast { Operand: SqlColumnRef c } => c.Name.Last,
        _ => null,
    };
}

/// <summary>A <c>replace (expression as column)</c> entry of a star.</summary>
public sealed record SqlStarReplace(SqlSpan Span, SqlExpression Expression, string Column) : SqlNode(Span);

/// <summary>A <c>rename (old as new)</c> entry of a star.</summary>
public sealed record SqlStarRename(SqlSpan Span, string From, string To) : SqlNode(Span);

/// <summary><c>*</c> or <c>t.*</c> with <c>except/exclude (...)</c>, <c>replace (...)</c>, <c>rename (...)</c>.</summary>
public sealed record SqlStarItem(
    SqlSpan Span,
    SqlName? Qualifier,
    IReadOnlyList<string> Except,
    IReadOnlyList<SqlStarReplace> Replace,
    IReadOnlyList<SqlStarRename> Rename) : SqlSelectItem(Span);

/// <summary>Base of a FROM item.</summary>
public abstract record SqlTableRef(SqlSpan Span) : SqlNode(Span)
{
    /// <summary>The alias the item is known by, if any.</summary>
    public abstract string? Alias { get; }
}

/// <summary>A table alias with optional column aliases: <c>as t (a, b)</c>.</summary>
public sealed record SqlAlias(SqlSpan Span, string Name, IReadOnlyList<string> Columns) : SqlNode(Span);

/// <summary>
/// A named relation: table, view, CTE, or an opaque placeholder. Its <see cref="Name"/> span is what the dbt layer
/// maps back to a ref()/source() call. Pivoted/sampled tables keep <see cref="Modifier"/> (their columns are unknown).
/// </summary>
public sealed record SqlNamedTable(SqlSpan Span, SqlName Name, SqlAlias? TableAlias, string? Modifier) : SqlTableRef(Span)
{
    public override string? Alias => TableAlias?.Name;
}

/// <summary>A subquery in FROM: <c>[lateral] (query) [as] alias</c>.</summary>
public sealed record SqlDerivedTable(SqlSpan Span, SqlQuery Query, SqlAlias? TableAlias, bool Lateral) : SqlTableRef(Span)
{
    public override string? Alias => TableAlias?.Name;
}

/// <summary>
/// A table-valued function in FROM: <c>unnest(x) [with ordinality]</c>, <c>lateral flatten(input =&gt; x)</c>,
/// <c>generate_series(...)</c>, <c>table(...)</c>; BigQuery <c>with offset</c> is <see cref="OffsetAlias"/>.
/// </summary>
public sealed record SqlFunctionTable(SqlSpan Span, SqlFunctionCall Function, SqlAlias? TableAlias, bool Lateral, bool WithOrdinality, string? OffsetAlias) : SqlTableRef(Span)
{
    public override string? Alias => TableAlias?.Name;

    /// <summary>True for unnest/flatten/explode and similar: one row per array element of the driving row.</summary>
    public bool IsArrayExpansion => Function.LowerName is "unnest" or "flatten" or "explode" or "explode_outer" or "posexplode" or "posexplode_outer" or "inline" or "json_each" or "jsonb_array_elements" or "json_array_elements" or "jsonb_each";
}

/// <summary>A join kind.</summary>
public enum SqlJoinKind
{
    Inner,
    Left,
    Right,
    Full,
    Cross,

    /// <summary>A comma in the FROM list (<c>from a, b</c>): a cross join unless the right side expands an array of the left.</summary>
    Comma,
    Semi,
    Anti,

    /// <summary>DuckDB <c>asof join</c> and other kinds the parser keeps by name.</summary>
    Asof,

    /// <summary>Databricks/Hive <c>lateral view [outer] explode(...)</c>.</summary>
    LateralView,
}

/// <summary>A join of two FROM items.</summary>
public sealed record SqlJoin(
    SqlSpan Span,
    SqlJoinKind Kind,
    bool Natural,
    SqlTableRef Left,
    SqlTableRef Right,
    SqlExpression? On,
    IReadOnlyList<string> Using) : SqlTableRef(Span)
{
    public override string? Alias => null;

    /// <summary>True when the join has a condition (on, using, natural).</summary>
    public bool HasCondition => On is not null || Using.Count > 0 || Natural;
}

/// <summary>A parenthesised join tree in FROM: <c>(a join b on ...) [as] alias</c>.</summary>
public sealed record SqlNestedJoin(SqlSpan Span, SqlTableRef Inner, SqlAlias? TableAlias) : SqlTableRef(Span)
{
    public override string? Alias => TableAlias?.Name;
}

/// <summary><c>(values (...), (...)) as t(a, b)</c> in FROM.</summary>
public sealed record SqlValuesTable(SqlSpan Span, SqlValues Values, SqlAlias? TableAlias) : SqlTableRef(Span)
{
    public override string? Alias => TableAlias?.Name;
}
