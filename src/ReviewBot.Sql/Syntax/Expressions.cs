namespace ReviewBot.Sql.Syntax;

/// <summary>Base of every expression.</summary>
public abstract record SqlExpression(SqlSpan Span) : SqlNode(Span);

/// <summary>The kind of a literal.</summary>
public enum SqlLiteralKind
{
    Number,
    String,
    Boolean,
    Null,

    /// <summary>A typed literal such as <c>date '2024-01-01'</c>; <see cref="SqlLiteral.TypeName"/> holds the type.</summary>
    Typed,
}

/// <summary>A literal; <see cref="Text"/> is the raw text (strings keep their quotes).</summary>
public sealed record SqlLiteral(SqlSpan Span, SqlLiteralKind Kind, string Text, string? TypeName = null) : SqlExpression(Span);

/// <summary>A column (or CTE/table-qualified column, or struct path) reference: <c>c</c>, <c>t.c</c>, <c>s.t.c</c>.</summary>
public sealed record SqlColumnRef(SqlSpan Span, SqlName Name) : SqlExpression(Span);

/// <summary>An opaque placeholder used as a value: columns and lineage unknown, never a finding by itself.</summary>
public sealed record SqlOpaque(SqlSpan Span, string Text) : SqlExpression(Span);

/// <summary>A bind parameter or session variable (?, $1, :name, @name).</summary>
public sealed record SqlParameter(SqlSpan Span, string Text) : SqlExpression(Span);

/// <summary>A star inside an expression list, e.g. <c>count(*)</c> or <c>t.*</c> as a function argument.</summary>
public sealed record SqlStarExpression(SqlSpan Span, SqlName? Qualifier) : SqlExpression(Span);

/// <summary>A prefix operator: <c>-x</c>, <c>not x</c>, <c>~x</c>, <c>prior x</c>.</summary>
public sealed record SqlUnary(SqlSpan Span, string Operator, SqlExpression Operand) : SqlExpression(Span);

/// <summary>
/// A binary operator. <see cref="Operator"/> is lower case and normalised: and, or, =, &lt;&gt;, +, ||, like, ilike,
/// rlike, similar to, is distinct from, is not distinct from, ->, ->>, etc. Negated predicates use "not like".
/// </summary>
public sealed record SqlBinary(SqlSpan Span, string Operator, SqlExpression Left, SqlExpression Right) : SqlExpression(Span);

/// <summary><c>x is [not] null|true|false|unknown</c>.</summary>
public sealed record SqlIsTest(SqlSpan Span, SqlExpression Operand, string Test, bool Negated) : SqlExpression(Span);

/// <summary><c>x [not] between low and high</c>.</summary>
public sealed record SqlBetween(SqlSpan Span, SqlExpression Operand, SqlExpression Low, SqlExpression High, bool Negated) : SqlExpression(Span);

/// <summary><c>x [not] in (list)</c> or <c>x [not] in (subquery)</c> or <c>x in unnest(arr)</c>.</summary>
public sealed record SqlIn(SqlSpan Span, SqlExpression Operand, IReadOnlyList<SqlExpression> Values, SqlQuery? Query, bool Negated) : SqlExpression(Span);

/// <summary><c>x like any (a, b)</c> / <c>x = any (subquery)</c>: a quantified comparison.</summary>
public sealed record SqlQuantified(SqlSpan Span, string Quantifier, IReadOnlyList<SqlExpression> Values, SqlQuery? Query) : SqlExpression(Span);

/// <summary>One <c>when ... then ...</c> of a CASE.</summary>
public sealed record SqlWhen(SqlSpan Span, SqlExpression Condition, SqlExpression Result) : SqlNode(Span);

/// <summary><c>case [operand] when ... then ... [else ...] end</c>.</summary>
public sealed record SqlCase(SqlSpan Span, SqlExpression? Operand, IReadOnlyList<SqlWhen> Whens, SqlExpression? Else) : SqlExpression(Span);

/// <summary>How a cast was written.</summary>
public enum SqlCastKind
{
    /// <summary><c>cast(x as t)</c>.</summary>
    Cast,

    /// <summary><c>x::t</c>.</summary>
    DoubleColon,

    /// <summary><c>try_cast(x as t)</c> / <c>safe_cast(x as t)</c>: null instead of an error.</summary>
    TryCast,
}

/// <summary>A cast of <see cref="Operand"/> to <see cref="Type"/>.</summary>
public sealed record SqlCast(SqlSpan Span, SqlExpression Operand, SqlTypeName Type, SqlCastKind Kind) : SqlExpression(Span);

/// <summary><c>interval '1 day'</c>, <c>interval 1 day</c>, <c>interval '1' day to second</c>.</summary>
public sealed record SqlInterval(SqlSpan Span, SqlExpression Value, string? Unit) : SqlExpression(Span);

/// <summary>An ORDER BY item.</summary>
public sealed record SqlOrderItem(SqlSpan Span, SqlExpression Expression, bool Descending, string? Nulls) : SqlNode(Span);

/// <summary>A window frame bound: <c>unbounded preceding</c>, <c>current row</c>, <c>3 following</c>.</summary>
public sealed record SqlFrameBound(SqlSpan Span, string Kind, SqlExpression? Offset) : SqlNode(Span);

/// <summary>A window frame: <c>rows|range|groups between start and end</c>.</summary>
public sealed record SqlWindowFrame(SqlSpan Span, string Unit, SqlFrameBound Start, SqlFrameBound? End, string? Exclude) : SqlNode(Span);

/// <summary>A window specification: <c>over (w partition by ... order by ... frame)</c> or <c>over w</c>.</summary>
public sealed record SqlWindowSpec(
    SqlSpan Span,
    string? BaseWindow,
    IReadOnlyList<SqlExpression> PartitionBy,
    IReadOnlyList<SqlOrderItem> OrderBy,
    SqlWindowFrame? Frame) : SqlNode(Span);

/// <summary>A named function argument (<c>input =&gt; x</c>, <c>name := x</c>).</summary>
public sealed record SqlNamedArgument(SqlSpan Span, string Name, SqlExpression Value) : SqlExpression(Span);

/// <summary>
/// A function call, aggregate or window function. Special forms that read keywords between arguments
/// (<c>extract(x from y)</c>, <c>substring(x from 1 for 2)</c>, <c>position(a in b)</c>, <c>trim(both 'x' from y)</c>)
/// keep their operand expressions in <see cref="Arguments"/>.
/// </summary>
public sealed record SqlFunctionCall(
    SqlSpan Span,
    SqlName Name,
    IReadOnlyList<SqlExpression> Arguments,
    bool Distinct,
    IReadOnlyList<SqlOrderItem> ArgumentOrderBy,
    IReadOnlyList<SqlOrderItem> WithinGroup,
    SqlExpression? Filter,
    string? NullTreatment,
    SqlWindowSpec? Over) : SqlExpression(Span)
{
    /// <summary>The function name in lower case, without qualifier.</summary>
    public string LowerName => Name.Last.ToLowerInvariant();
}

/// <summary>A scalar or EXISTS subquery used as a value.</summary>
public sealed record SqlSubqueryExpression(SqlSpan Span, SqlQuery Query, bool Exists) : SqlExpression(Span);

/// <summary><c>(a, b)</c> — a row/tuple value.</summary>
public sealed record SqlTuple(SqlSpan Span, IReadOnlyList<SqlExpression> Items) : SqlExpression(Span);

/// <summary><c>[a, b]</c>, <c>array[a, b]</c>, <c>array&lt;int64&gt;[...]</c>.</summary>
public sealed record SqlArrayLiteral(SqlSpan Span, IReadOnlyList<SqlExpression> Items) : SqlExpression(Span);

/// <summary>A field of a struct/object/map literal: <c>{'a': 1}</c>, <c>struct(1 as a)</c>.</summary>
public sealed record SqlField(SqlSpan Span, string? Name, SqlExpression? Key, SqlExpression Value) : SqlNode(Span);

/// <summary><c>{'a': 1}</c>, <c>struct(1 as a)</c>, <c>map {'k': v}</c>.</summary>
public sealed record SqlStructLiteral(SqlSpan Span, IReadOnlyList<SqlField> Fields) : SqlExpression(Span);

/// <summary><c>x[i]</c>, <c>x[a:b]</c>, <c>x[offset(1)]</c>.</summary>
public sealed record SqlSubscript(SqlSpan Span, SqlExpression Target, SqlExpression? Index, SqlExpression? Upper) : SqlExpression(Span);

/// <summary><c>(x).field</c>, <c>x[0].field</c>, Snowflake/Databricks <c>col:path.field</c>.</summary>
public sealed record SqlFieldAccess(SqlSpan Span, SqlExpression Target, string Field) : SqlExpression(Span);

/// <summary><c>x -&gt; body</c> or <c>(x, y) -&gt; body</c>.</summary>
public sealed record SqlLambda(SqlSpan Span, IReadOnlyList<string> Parameters, SqlExpression Body) : SqlExpression(Span);

/// <summary><c>x at time zone 'UTC'</c>, <c>x collate "C"</c> and similar postfix qualifiers.</summary>
public sealed record SqlPostfix(SqlSpan Span, SqlExpression Operand, string Operator, SqlExpression? Argument) : SqlExpression(Span);
