namespace ReviewBot.Agents.Context.Sql;

/// <summary>What a relation in a FROM or JOIN is.</summary>
public enum RelationKind
{
    /// <summary>A CTE defined in the same query.</summary>
    Cte,

    /// <summary>Produced by <c>{{ ref(...) }}</c> (matched by the span the renderer recorded).</summary>
    Ref,

    /// <summary>Produced by <c>{{ source(...) }}</c>.</summary>
    Source,

    /// <summary>An opaque placeholder (<c>__rb_opaque_N__</c>, a leftover <c>{{ ... }}</c>) or a name an expression produced (<c>{{ this }}</c>): never hard-coded.</summary>
    Opaque,

    /// <summary>A literal table name written in the file, possibly qualified.</summary>
    Table,

    Subquery,

    /// <summary>A table function or array expansion (unnest, flatten, generate_series, BigQuery <c>from t, t.array_col</c>...).</summary>
    Function,

    /// <summary>An inline <c>values</c> list.</summary>
    Values,
}

/// <summary>A relation read by a select. For a ref/source, <see cref="Name"/> reads <c>ref('x')</c> / <c>source('s', 't')</c> and <see cref="Target"/> is the model or <c>source.table</c>.</summary>
public sealed record SqlRelation(RelationKind Kind, string Name, string? Alias, int Line)
{
    /// <summary>The model name of a ref, <c>source.table</c> of a source, the CTE name; null otherwise.</summary>
    public string? Target { get; init; }

    /// <summary>One row per element of the driving row (unnest, flatten, explode, <c>from t, t.array_col</c>, a lateral subquery).</summary>
    public bool ExpandsLeft { get; init; }

    /// <summary>A subquery that yields at most one row (a constant select, an aggregate without GROUP BY, <c>limit 1</c>).</summary>
    public bool SingleRow { get; init; }
}

/// <summary>
/// A join between relations. <see cref="Kind"/> is <c>inner</c>, <c>left</c>, <c>right</c>, <c>full</c>, <c>cross</c>,
/// <c>implicit</c> (a comma), <c>semi</c>, <c>anti</c>, <c>asof</c>, <c>lateral view</c> (prefixed <c>natural </c> when natural);
/// <see cref="HasCondition"/> is true for ON, USING or NATURAL.
/// </summary>
public sealed record SqlJoin(string Kind, SqlRelation Right, bool HasCondition, bool Implicit, int Line)
{
    /// <summary>The relation on the left when the left side is a single relation (not a chain of joins).</summary>
    public SqlRelation? Left { get; init; }

    /// <summary>
    /// True when the right side is not a second table but reads the left row or is a generated row set (unnest,
    /// flatten, <c>from t, t.arr</c>, a table function, a lateral subquery): not a join that needs a condition.
    /// </summary>
    public bool NotARealJoin => Right.ExpandsLeft || Right.Kind is RelationKind.Function or RelationKind.Values;

    /// <summary>Produced by a macro, not written in the file: the macro's construct, not the author's (its line is the calling line).</summary>
    public bool Generated { get; init; }
}

/// <summary>One column of a select list. <see cref="Name"/> is null for an unnamed expression or an opaque item.</summary>
public sealed record SqlColumn(string? Name, string Expression, int Line, bool IsStar, string? StarQualifier)
{
    /// <summary>Produced by a macro or expression, not written in the file (its line is the calling line).</summary>
    public bool Generated { get; init; }
}

/// <summary>One SELECT block (a branch of a set operation, a CTE body, a subquery).</summary>
public sealed record SqlSelect
{
    public required IReadOnlyList<SqlColumn> Columns { get; init; }

    /// <summary>The first relation of the FROM clause (at most one; the others are in <see cref="Joins"/>).</summary>
    public required IReadOnlyList<SqlRelation> From { get; init; }

    public required IReadOnlyList<SqlJoin> Joins { get; init; }

    /// <summary>WHERE or QUALIFY present.</summary>
    public bool HasWhere { get; init; }

    public bool HasGroupBy { get; init; }

    /// <summary>True when the block returns at most one row: no FROM, or only aggregates without GROUP BY.</summary>
    public bool SingleRow { get; init; }

    public int Line { get; init; }

    /// <summary>The WHERE condition as rendered (for "which column does the filter use").</summary>
    public string WhereText { get; init; } = "";

    /// <summary>Every relation the block reads directly: <see cref="From"/> then the right side of each join.</summary>
    public IEnumerable<SqlRelation> Relations => From.Concat(Joins.Select(j => j.Right));
}

/// <summary>A LIMIT (or TOP / FETCH FIRST) and whether the same query orders its rows.</summary>
/// <param name="Line">The line of the LIMIT.</param>
/// <param name="Count">The row count as written (<c>0</c>, <c>100</c>, an expression).</param>
/// <param name="HasOrderBy">The query that holds the limit has an ORDER BY.</param>
public sealed record SqlLimit(int Line, string Count, bool HasOrderBy)
{
    /// <summary><c>limit 0</c>: the empty-typed-table idiom (a table with the columns and no rows), never a sampling.</summary>
    public bool IsZero => Count.Trim() == "0";

    /// <summary>Produced by a macro, not written in the file.</summary>
    public bool Generated { get; init; }
}

/// <summary>A CTE: its name, the line it is defined on, its first select, and whether anything else reads it.</summary>
public sealed record SqlCte(string Name, int Line, SqlSelect? Body, bool Used)
{
    /// <summary>True when the CTE yields at most one row (a constant select, an aggregate without GROUP BY, <c>limit 1</c>, one VALUES row).</summary>
    public bool SingleRow { get; init; }

    /// <summary>Defined by a macro's output, not written in the file.</summary>
    public bool Generated { get; init; }
}

/// <summary>The kind of a statement.</summary>
public enum StatementKind
{
    Select,
    Insert,
    Update,
    Delete,
    Merge,
    Create,
    Drop,
    Alter,
    Truncate,
    Grant,
    Revoke,
    Other,

    /// <summary>The statement did not parse; <see cref="SqlFileFacts.Issues"/> says why.</summary>
    Invalid,
}

/// <summary>One SQL statement with the facts the rules need.</summary>
public sealed record SqlStatement
{
    public required StatementKind Kind { get; init; }

    public required int Line { get; init; }

    public required int EndLine { get; init; }

    /// <summary>The statement's text with whitespace collapsed (for messages and anchors), at most 500 characters.</summary>
    public required string Text { get; init; }

    /// <summary>For DDL: <c>table</c>, <c>view</c>, <c>schema</c>, <c>materialized view</c>...</summary>
    public string? ObjectType { get; init; }

    /// <summary>For DDL/DML: the target object, as written.</summary>
    public string? ObjectName { get; init; }

    public bool OrReplace { get; init; }

    public bool IfExists { get; init; }

    /// <summary>For DELETE/UPDATE: a WHERE clause is present.</summary>
    public bool HasWhere { get; init; }

    /// <summary>For GRANT: the grantees.</summary>
    public IReadOnlyList<string> Grantees { get; init; } = [];

    /// <summary>For GRANT: the privileges (<c>select</c>, <c>all</c>...).</summary>
    public IReadOnlyList<string> Privileges { get; init; } = [];

    /// <summary>For ALTER TABLE ... DROP COLUMN: the column.</summary>
    public string? DroppedColumn { get; init; }

    /// <summary>Columns defined by CREATE TABLE (...) or ALTER TABLE ... ADD COLUMN, with their lines (the expression is the whole definition).</summary>
    public IReadOnlyList<SqlColumn> DefinedColumns { get; init; } = [];
}

/// <summary>Why part of a file was not analysed.</summary>
public enum SqlIssueKind
{
    /// <summary>A statement is not valid SQL as the parser reads it.</summary>
    Syntax,

    /// <summary>Nesting past the parser's depth bound.</summary>
    TooDeep,

    /// <summary>Text past the parser's size bound.</summary>
    TooLong,

    /// <summary>The dbt model's Jinja does not parse (an unclosed block, a bad tag).</summary>
    JinjaSyntax,

    /// <summary>The dbt model could not be rendered for another reason (a limit, <c>raise_compiler_error</c>...).</summary>
    NotRendered,
}

/// <summary>A problem that stopped part of the analysis, on a line of the file the author wrote.</summary>
public sealed record SqlSyntaxIssue(int Line, string Message, SqlIssueKind Kind = SqlIssueKind.Syntax)
{
    /// <summary>True when the issue is a bound of ReviewBot (depth, size, a render limit), not a mistake in the file.</summary>
    public bool IsBound => Kind is SqlIssueKind.TooDeep or SqlIssueKind.TooLong;
}

/// <summary>How much of a file the facts cover.</summary>
public enum SqlCoverage
{
    /// <summary>Every statement parsed.</summary>
    Full,

    /// <summary>Some statements parsed, some did not (per-statement recovery).</summary>
    Partial,

    /// <summary>Nothing could be read (not rendered, or no statement parsed).</summary>
    NotAnalysed,
}

/// <summary>
/// Facts about one SQL file (model, migration, macro, hook), read from the parsed SQL (rendered first for dbt models):
/// statements, the final select's output columns, joins, CTEs, limits, and the issues that stopped a full analysis.
/// Every line is a line of the file the author wrote.
/// </summary>
public sealed record SqlFileFacts
{
    public required IReadOnlyList<SqlStatement> Statements { get; init; }

    /// <summary>Every select in the file, at any depth.</summary>
    public required IReadOnlyList<SqlSelect> Selects { get; init; }

    public required IReadOnlyList<SqlCte> Ctes { get; init; }

    /// <summary>The final select of the last query statement (the model's projection), if any.</summary>
    public SqlSelect? Final { get; init; }

    /// <summary>Output columns of the final projection with stars expanded through CTEs and subqueries; null when there is no query.</summary>
    public IReadOnlyList<SqlColumn>? OutputColumns { get; init; }

    /// <summary>True when a <c>*</c> in the final projection could not be expanded (it reads a ref, source, table or opaque relation).</summary>
    public bool StarReachesFinal { get; init; }

    /// <summary>The line of the star that reaches the final projection.</summary>
    public int StarLine { get; init; }

    /// <summary>The relation the unexpanded final star reads (null when unknown).</summary>
    public SqlRelation? StarRelation { get; init; }

    /// <summary>The unexpanded final star was produced by a macro, not written in the file.</summary>
    public bool StarGenerated { get; init; }

    /// <summary>Comparisons with NULL via <c>=</c>, <c>!=</c>, <c>&lt;&gt;</c> or <c>case x when null</c> written in the file (not a macro's), by line.</summary>
    public IReadOnlyList<int> EqualsNullLines { get; init; } = [];

    /// <summary>SQL that runs but computes something other than it reads as, written in the file (not a macro's output).</summary>
    public IReadOnlyList<SqlPitfallFact> Pitfalls { get; init; } = [];

    /// <summary>Every LIMIT/TOP/FETCH FIRST in the file.</summary>
    public IReadOnlyList<SqlLimit> Limits { get; init; } = [];

    public required IReadOnlyList<SqlSyntaxIssue> Issues { get; init; }

    /// <summary>All identifiers used in the code (case-insensitive set): for "is this column referenced" checks.</summary>
    public required IReadOnlySet<string> Identifiers { get; init; }

    /// <summary>True when the SQL holds opaque placeholders (unresolved macros): some columns and relations are unknown.</summary>
    public bool HasOpaque { get; init; }

    public SqlCoverage Coverage { get; init; } = SqlCoverage.Full;

    /// <summary>
    /// True when the SQL was read as written from a file holding Jinja that was not rendered (a macro, an analysis):
    /// parse problems there are ReviewBot's partial reading, not mistakes the author must fix.
    /// </summary>
    public bool IsTemplate { get; init; }

    /// <summary>True when the facts come from a dbt rendering (a model or snapshot), false for SQL read as written.</summary>
    public bool Rendered { get; init; }

    /// <summary>
    /// True when the rules read nothing of the file: nothing rendered, nesting or size past a bound, or a rendered model
    /// whose SQL did not parse. SQL read as written that does not parse is still read by its statements' leading
    /// keywords (a DROP stays a DROP), so it is partial.
    /// </summary>
    public bool NothingRead => Coverage == SqlCoverage.NotAnalysed && (Rendered || Issues.Any(i => i.IsBound || i.Kind is SqlIssueKind.NotRendered or SqlIssueKind.JinjaSyntax));

    /// <summary>
    /// For a dbt model rendered only in part (unresolved macros, warehouse calls such as <c>run_query</c>): why. A parse
    /// failure of such SQL may come from what could not be rendered, so it is coverage, never the author's syntax error.
    /// </summary>
    public string? RenderedInPart { get; init; }

    /// <summary>
    /// The render left values unknown (a warehouse call such as <c>run_query</c>, an incremental pass that failed), not
    /// only placeholders for unresolved macros: its SQL may be missing pieces (an empty loop), so a parse failure says
    /// nothing about the author's code. Placeholders alone do not: the parser reads them.
    /// </summary>
    public bool RenderLeftGaps { get; init; }

    public bool Parsed => Issues.Count == 0;

    /// <summary>The last part of a dotted name: <c>analytics.orders</c> gives <c>orders</c>.</summary>
    public static string LastPart(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot < 0 ? name : name[(dot + 1)..];
    }
}

/// <summary>A <see cref="ReviewBot.Sql.Checks.SqlPitfall"/> on the file's lines: where, the name involved, and the line of the related definition.</summary>
public sealed record SqlPitfallFact(ReviewBot.Sql.Checks.SqlPitfallKind Kind, int Line, string Subject, int? RelatedLine);
