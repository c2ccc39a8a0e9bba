namespace ReviewBot.Agents.Context.Sql;

/// <summary>What a relation in a FROM or JOIN is.</summary>
public enum RelationKind
{
    /// <summary>A CTE defined in the same query.</summary>
    Cte,

    /// <summary><c>{{ ref(...) }}</c>.</summary>
    Ref,

    /// <summary><c>{{ source(...) }}</c>.</summary>
    Source,

    /// <summary>Another Jinja expression (<c>{{ this }}</c>, a macro call).</summary>
    Jinja,

    /// <summary>A literal table name, possibly qualified.</summary>
    Table,

    Subquery,

    /// <summary>A table function or array expansion (unnest, flatten, generate_series...).</summary>
    Function,
}

/// <summary>A relation read by a select.</summary>
public sealed record SqlRelation(RelationKind Kind, string Name, string? Alias, int Line);

/// <summary>A join between relations; <see cref="HasCondition"/> is false for a join without ON/USING.</summary>
public sealed record SqlJoin(string Kind, SqlRelation Right, bool HasCondition, bool Implicit, int Line);

/// <summary>One column of a select list. <see cref="Name"/> is null for an unnamed expression.</summary>
public sealed record SqlColumn(string? Name, string Expression, int Line, bool IsStar, string? StarQualifier);

/// <summary>One SELECT (a branch of a set operation, a CTE body, a subquery).</summary>
public sealed record SqlSelect
{
    public required IReadOnlyList<SqlColumn> Columns { get; init; }

    public required IReadOnlyList<SqlRelation> From { get; init; }

    public required IReadOnlyList<SqlJoin> Joins { get; init; }

    public bool HasWhere { get; init; }

    public bool HasLimit { get; init; }

    public bool HasOrderBy { get; init; }

    public bool HasGroupBy { get; init; }

    public int Line { get; init; }

    public int LimitLine { get; init; }

    public string WhereText { get; init; } = "";
}

/// <summary>A CTE: its name, the line it is defined on, and whether anything else reads it.</summary>
public sealed record SqlCte(string Name, int Line, SqlSelect? Body, bool Used);

/// <summary>The kind of a statement, from its first keyword.</summary>
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
}

/// <summary>One SQL statement with the facts the rules need.</summary>
public sealed record SqlStatement
{
    public required StatementKind Kind { get; init; }

    public required int Line { get; init; }

    public required int EndLine { get; init; }

    /// <summary>The statement's tokens joined with single spaces (for messages and anchors).</summary>
    public required string Text { get; init; }

    /// <summary>For DDL: <c>table</c>, <c>view</c>, <c>schema</c>, <c>column</c>...</summary>
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

    /// <summary>Columns defined by CREATE TABLE (...) or ALTER TABLE ... ADD COLUMN, with their lines.</summary>
    public IReadOnlyList<SqlColumn> DefinedColumns { get; init; } = [];
}

/// <summary>
/// Facts about one SQL file (model, migration, macro, hook): statements, the final select's output
/// columns, joins, CTEs, and the syntax issues that stopped a full analysis.
/// </summary>
public sealed record SqlFileFacts
{
    public required IReadOnlyList<SqlStatement> Statements { get; init; }

    /// <summary>Every select in the file, at any depth.</summary>
    public required IReadOnlyList<SqlSelect> Selects { get; init; }

    public required IReadOnlyList<SqlCte> Ctes { get; init; }

    /// <summary>The final select of the last query statement (the model's projection), if any.</summary>
    public SqlSelect? Final { get; init; }

    /// <summary>Output columns of the final projection with stars expanded through CTEs; null when unknown.</summary>
    public IReadOnlyList<SqlColumn>? OutputColumns { get; init; }

    /// <summary>True when a <c>*</c> in the final projection reads a ref, source or table (not an explicit CTE).</summary>
    public bool StarReachesFinal { get; init; }

    /// <summary>The line of the star that reaches the final projection.</summary>
    public int StarLine { get; init; }

    /// <summary>Comparisons with NULL via <c>=</c>, <c>!=</c> or <c>&lt;&gt;</c>, by line.</summary>
    public IReadOnlyList<int> EqualsNullLines { get; init; } = [];

    public required IReadOnlyList<SqlSyntaxIssue> Issues { get; init; }

    /// <summary>All identifiers used in the code (case-insensitive set): for "is this column referenced" checks.</summary>
    public required IReadOnlySet<string> Identifiers { get; init; }

    public bool Parsed => Issues.Count == 0;
}
