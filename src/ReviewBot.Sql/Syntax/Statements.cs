namespace ReviewBot.Sql.Syntax;

/// <summary>Base of every statement.</summary>
public abstract record SqlStatement(SqlSpan Span) : SqlNode(Span);

/// <summary>A query statement.</summary>
public sealed record SqlSelectStatement(SqlSpan Span, SqlQuery Query) : SqlStatement(Span);

/// <summary>A statement that could not be parsed; <see cref="Message"/> says why (also in the diagnostics).</summary>
public sealed record SqlInvalidStatement(SqlSpan Span, string Message) : SqlStatement(Span);

/// <summary>
/// A statement read only for its leading keywords (begin, commit, use, call, vacuum, copy, create function, ...):
/// valid, but with no structure the rules need.
/// </summary>
public sealed record SqlOtherStatement(SqlSpan Span, string Keyword) : SqlStatement(Span);

/// <summary>A column definition in CREATE TABLE / ALTER TABLE ADD COLUMN.</summary>
public sealed record SqlColumnDefinition(SqlSpan Span, string Name, SqlTypeName? Type, bool NotNull, SqlExpression? Default, bool PrimaryKey, string? Generated) : SqlNode(Span);

/// <summary><c>insert [into|overwrite] target [(columns)] query|values|default values</c>.</summary>
public sealed record SqlInsert(SqlSpan Span, SqlName Target, IReadOnlyList<string> Columns, SqlQuery? Source, bool Overwrite) : SqlStatement(Span);

/// <summary>One <c>column = value</c> of an UPDATE or MERGE.</summary>
public sealed record SqlAssignment(SqlSpan Span, SqlName Column, SqlExpression Value) : SqlNode(Span);

/// <summary><c>update target [alias] set ... [from ...] [where ...]</c>.</summary>
public sealed record SqlUpdate(SqlSpan Span, SqlName Target, string? Alias, IReadOnlyList<SqlAssignment> Assignments, SqlTableRef? From, SqlExpression? Where) : SqlStatement(Span);

/// <summary><c>delete from target [alias] [using ...] [where ...]</c>.</summary>
public sealed record SqlDelete(SqlSpan Span, SqlName Target, string? Alias, SqlTableRef? Using, SqlExpression? Where) : SqlStatement(Span);

/// <summary>One <c>when [not] matched [by source|target] [and cond] then ...</c> of a MERGE.</summary>
public sealed record SqlMergeClause(SqlSpan Span, bool Matched, SqlExpression? Condition, string Action, IReadOnlyList<SqlAssignment> Assignments) : SqlNode(Span);

/// <summary><c>merge into target using source on condition when ...</c>.</summary>
public sealed record SqlMerge(SqlSpan Span, SqlName Target, string? Alias, SqlTableRef Source, SqlExpression On, IReadOnlyList<SqlMergeClause> Clauses) : SqlStatement(Span);

/// <summary>What a CREATE/DROP/ALTER statement is about, lower case: table, view, materialized view, index, schema, ...</summary>
public sealed record SqlCreateTable(
    SqlSpan Span,
    string ObjectKind,
    SqlName Name,
    bool OrReplace,
    bool IfNotExists,
    bool Temporary,
    IReadOnlyList<SqlColumnDefinition> Columns,
    SqlQuery? AsQuery,
    SqlName? CloneOrLike) : SqlStatement(Span);

/// <summary><c>create [unique] index [concurrently] [if not exists] [name] on table (...)</c>.</summary>
public sealed record SqlCreateIndex(SqlSpan Span, string? Name, SqlName Table, bool Unique, bool Concurrently, IReadOnlyList<SqlExpression> Columns) : SqlStatement(Span);

/// <summary><c>drop kind [concurrently] [if exists] names [cascade]</c>.</summary>
public sealed record SqlDrop(SqlSpan Span, string ObjectKind, IReadOnlyList<SqlName> Names, bool IfExists, bool Cascade, bool Concurrently) : SqlStatement(Span);

/// <summary><c>truncate [table] names</c>.</summary>
public sealed record SqlTruncate(SqlSpan Span, IReadOnlyList<SqlName> Names) : SqlStatement(Span);

/// <summary>Base of an ALTER TABLE action.</summary>
public abstract record SqlAlterAction(SqlSpan Span) : SqlNode(Span);

/// <summary><c>add column [if not exists] definition</c>.</summary>
public sealed record SqlAddColumn(SqlSpan Span, SqlColumnDefinition Column) : SqlAlterAction(Span);

/// <summary><c>drop column [if exists] name [cascade]</c>.</summary>
public sealed record SqlDropColumn(SqlSpan Span, string Column) : SqlAlterAction(Span);

/// <summary><c>alter column name type t</c> / <c>set data type t</c>.</summary>
public sealed record SqlAlterColumnType(SqlSpan Span, string Column, SqlTypeName Type, SqlExpression? Using) : SqlAlterAction(Span);

/// <summary><c>alter column name set not null</c> / <c>drop not null</c>.</summary>
public sealed record SqlAlterColumnNullability(SqlSpan Span, string Column, bool NotNull) : SqlAlterAction(Span);

/// <summary><c>alter column name set default e</c> / <c>drop default</c> (<see cref="Default"/> null).</summary>
public sealed record SqlAlterColumnDefault(SqlSpan Span, string Column, SqlExpression? Default) : SqlAlterAction(Span);

/// <summary><c>add [constraint name] primary key|unique|foreign key|check ... [not valid]</c>.</summary>
public sealed record SqlAddConstraint(SqlSpan Span, string? Name, string Kind, bool NotValid, bool UsingIndex) : SqlAlterAction(Span);

/// <summary><c>drop constraint name</c>, <c>validate constraint name</c>.</summary>
public sealed record SqlConstraintAction(SqlSpan Span, string Action, string Name) : SqlAlterAction(Span);

/// <summary><c>rename column a to b</c>.</summary>
public sealed record SqlRenameColumn(SqlSpan Span, string From, string To) : SqlAlterAction(Span);

/// <summary><c>rename to new_name</c>.</summary>
public sealed record SqlRenameTable(SqlSpan Span, SqlName To) : SqlAlterAction(Span);

/// <summary>Snowflake <c>swap with other</c>.</summary>
public sealed record SqlSwapWith(SqlSpan Span, SqlName Other) : SqlAlterAction(Span);

/// <summary>Any other action (set options, owner to, cluster by, ...), kept as its leading keywords.</summary>
public sealed record SqlOtherAlterAction(SqlSpan Span, string Text) : SqlAlterAction(Span);

/// <summary><c>alter table|view|... [if exists] name action, ...</c>.</summary>
public sealed record SqlAlter(SqlSpan Span, string ObjectKind, SqlName Name, bool IfExists, IReadOnlyList<SqlAlterAction> Actions) : SqlStatement(Span);

/// <summary><c>grant privileges on [kind] object to grantees</c> / <c>revoke ... from ...</c>.</summary>
public sealed record SqlGrant(SqlSpan Span, bool Revoke, IReadOnlyList<string> Privileges, string? ObjectKind, IReadOnlyList<SqlName> Objects, IReadOnlyList<string> Grantees) : SqlStatement(Span);

/// <summary><c>comment on kind name is 'text'</c>.</summary>
public sealed record SqlCommentOn(SqlSpan Span, string ObjectKind, SqlName Name, string? Text) : SqlStatement(Span);

/// <summary><c>set [session|local] name =|to value</c> (lock_timeout, statement_timeout, search_path, variables).</summary>
public sealed record SqlSet(SqlSpan Span, string Name, string Value, bool Local) : SqlStatement(Span);
