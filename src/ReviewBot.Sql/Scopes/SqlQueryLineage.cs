using ReviewBot.Sql.Syntax;

namespace ReviewBot.Sql.Scopes;

/// <summary>A column of a named relation: <see cref="Relation"/> is the relation's key (lower-case dotted name).</summary>
public sealed record SqlColumnSource(string Relation, string Column)
{
    public override string ToString() => $"{Relation}.{Column}";
}

/// <summary>
/// One output column of a query: its name, the base relation columns it derives from (through CTEs, subqueries,
/// unions), whether its lineage is incomplete (<see cref="Unknown"/>: an unexpanded star, an opaque placeholder, an
/// ambiguous reference), and a <see cref="Definition"/> fingerprint that changes whenever what computes it changes.
/// </summary>
public sealed record SqlOutputColumn(string Name, SqlSpan Span, IReadOnlyCollection<SqlColumnSource> Sources, bool Unknown, string Definition)
{
    /// <summary>True for the placeholder of an unexpanded <c>*</c> (its real columns are not known).</summary>
    public bool IsUnexpandedStar { get; init; }
}

/// <summary>Column lineage of one query.</summary>
/// <param name="Columns">The output columns in order.</param>
/// <param name="Relations">Every base relation the query reads (CTEs resolved away), with the name's span.</param>
public sealed record SqlQueryLineage(IReadOnlyList<SqlOutputColumn> Columns, IReadOnlyList<SqlNamedTable> Relations)
{
    /// <summary>True when some output columns are not known (unexpanded star, opaque select item).</summary>
    public bool HasUnknownColumns => Columns.Any(c => c.IsUnexpandedStar);
}

/// <summary>Knows the columns of named relations (an upstream model's parsed output, YAML columns, a catalog).</summary>
public interface ISqlSchemaProvider
{
    /// <summary>The columns of the relation with key <paramref name="relation"/> (lower-case dotted name), or null if unknown.</summary>
    IReadOnlyList<string>? ColumnsOf(string relation);
}
