using System.Text;
using ReviewBot.Sql.Parsing;
using ReviewBot.Sql.Scopes;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Sql.Diff;

/// <summary>How a change to a query affects its consumers.</summary>
public enum SqlChangeCategory
{
    /// <summary>Nothing that computes the output changed (layout, comments, keyword case, unused CTEs).</summary>
    Unchanged,

    /// <summary>Only new output columns.</summary>
    NonBreaking,

    /// <summary>Named output columns removed, renamed or redefined: only consumers of those columns are affected.</summary>
    Partial,

    /// <summary>Which rows come out changed (filter, join, grouping/grain, distinct, limit, source relation).</summary>
    Breaking,

    /// <summary>Could not tell (a version did not parse, or an unexpanded star/opaque part changed). Never read as safe.</summary>
    Unknown,
}

/// <summary>A column that kept its definition under a new name.</summary>
public sealed record SqlColumnRename(string From, string To);

/// <summary>The classification of one query change with the columns it touches and a one-line reason.</summary>
public sealed record SqlQueryChange(
    SqlChangeCategory Category,
    string Reason,
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    IReadOnlyList<SqlColumnRename> Renamed,
    IReadOnlyList<string> Modified);

/// <summary>
/// SQL-level diff of two versions of a query, scope by scope: first the row shape of every scope that reaches the
/// output (FROM/JOIN with kinds and conditions, WHERE, GROUP BY, HAVING, QUALIFY, DISTINCT, LIMIT, set operators),
/// then the output columns by name and by definition (so a rename is "same definition, new name").
/// </summary>
public static class SqlQueryDiff
{
    /// <summary>Compares the last query of <paramref name="before"/> with that of <paramref name="after"/>.</summary>
    public static SqlQueryChange Compare(SqlParseResult before, SqlParseResult after, ISqlSchemaProvider? schema = null)
    {
        var baseQuery = SqlScopeResolver.LastQuery(before);
        var headQuery = SqlScopeResolver.LastQuery(after);
        if (!before.Succeeded || !after.Succeeded || baseQuery is null || headQuery is null)
        {
            var which = !before.Succeeded || baseQuery is null ? "base" : "head";
            var diagnostics = (which == "base" ? before : after).Diagnostics;
            var detail = diagnostics.Count > 0 ? diagnostics[0].ToString() : "no query";
            return new SqlQueryChange(SqlChangeCategory.Unknown, $"the {which} version could not be parsed ({detail})", [], [], [], []);
        }

        var baseShape = Shape(baseQuery, new SqlFingerprint(before.Tokens));
        var headShape = Shape(headQuery, new SqlFingerprint(after.Tokens));
        string? shapeReason = null;
        foreach (var (key, value) in headShape)
        {
            if (!baseShape.TryGetValue(key, out var old))
            {
                if (!string.IsNullOrEmpty(value))
                {
                    shapeReason = $"{Describe(key)} added";
                    break;
                }
            }
            else if (!string.Equals(old, value, StringComparison.Ordinal))
            {
                shapeReason = $"{Describe(key)} changed";
                break;
            }
        }

        if (shapeReason is null)
        {
            foreach (var (key, value) in baseShape)
            {
                if (!headShape.ContainsKey(key) && !string.IsNullOrEmpty(value))
                {
                    shapeReason = $"{Describe(key)} removed";
                    break;
                }
            }
        }

        var baseColumns = SqlScopeResolver.Resolve(baseQuery, before, schema).Columns;
        var headColumns = SqlScopeResolver.Resolve(headQuery, after, schema).Columns;
        var removed = new List<string>();
        var added = new List<string>();
        var modified = new List<string>();
        var renamed = new List<SqlColumnRename>();
        var starChanged = false;
        var headByName = headColumns.GroupBy(c => SqlNames.Key(c.Name)).ToDictionary(g => g.Key, g => g.First());
        var baseByName = baseColumns.GroupBy(c => SqlNames.Key(c.Name)).ToDictionary(g => g.Key, g => g.First());

        // A head with a star or placeholder whose columns are unknown (`select *` from an unknown relation, a macro
        // such as dbt_utils.union_relations) may still have any column the base had: none is known to be removed.
        var headOpen = headColumns.Any(c => c.IsUnexpandedStar);
        foreach (var column in baseColumns)
        {
            if (!headByName.TryGetValue(SqlNames.Key(column.Name), out var now))
            {
                if (column.IsUnexpandedStar || headOpen)
                {
                    starChanged = true;
                }
                else
                {
                    removed.Add(column.Name);
                }
            }
            else if (!string.Equals(column.Definition, now.Definition, StringComparison.Ordinal))
            {
                if (column.IsUnexpandedStar || now.IsUnexpandedStar)
                {
                    starChanged = true;
                }
                else
                {
                    modified.Add(column.Name);
                }
            }
        }

        foreach (var column in headColumns)
        {
            if (!baseByName.ContainsKey(SqlNames.Key(column.Name)))
            {
                if (column.IsUnexpandedStar)
                {
                    starChanged = true;
                }
                else
                {
                    added.Add(column.Name);
                }
            }
        }

        foreach (var gone in removed.ToList())
        {
            var definition = baseByName[SqlNames.Key(gone)].Definition;
            var successor = added.FirstOrDefault(a => string.Equals(headByName[SqlNames.Key(a)].Definition, definition, StringComparison.Ordinal));
            if (successor is not null)
            {
                renamed.Add(new SqlColumnRename(gone, successor));
                removed.Remove(gone);
                added.Remove(successor);
            }
        }

        if (shapeReason is not null)
        {
            return new SqlQueryChange(SqlChangeCategory.Breaking, shapeReason, added, removed, renamed, modified);
        }

        if (starChanged)
        {
            return new SqlQueryChange(SqlChangeCategory.Unknown, "a select * whose columns are not known changed", added, removed, renamed, modified);
        }

        if (removed.Count + renamed.Count + modified.Count > 0)
        {
            var parts = new List<string>();
            if (removed.Count > 0)
            {
                parts.Add("removed " + string.Join(", ", removed));
            }

            if (renamed.Count > 0)
            {
                parts.Add("renamed " + string.Join(", ", renamed.Select(r => $"{r.From} -> {r.To}")));
            }

            if (modified.Count > 0)
            {
                parts.Add("redefined " + string.Join(", ", modified));
            }

            return new SqlQueryChange(SqlChangeCategory.Partial, "columns " + string.Join("; ", parts), added, removed, renamed, modified);
        }

        if (added.Count > 0)
        {
            return new SqlQueryChange(SqlChangeCategory.NonBreaking, "only new columns: " + string.Join(", ", added), added, removed, renamed, modified);
        }

        return new SqlQueryChange(SqlChangeCategory.Unchanged, "no change to what the query computes", added, removed, renamed, modified);
    }

    private static string Describe(string key)
    {
        var slash = key.LastIndexOf('|');
        var scope = key[..slash];
        var clause = key[(slash + 1)..];
        return scope == "main" ? clause : $"{clause} in {scope}";
    }

    /// <summary>
    /// Row-shape fingerprints of every scope that reaches the output, keyed "scope|clause". CTEs that the final
    /// query does not read (directly or through other CTEs) are left out.
    /// </summary>
    private static Dictionary<string, string> Shape(SqlQuery query, SqlFingerprint fingerprint)
    {
        var shape = new Dictionary<string, string>(StringComparer.Ordinal);
        var ctes = query.With?.Ctes.ToDictionary(c => c.Name, StringComparer.OrdinalIgnoreCase) ?? [];
        var reached = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Queue<SqlNode>();
        pending.Enqueue(query.Body);
        foreach (var item in query.OrderBy)
        {
            pending.Enqueue(item);
        }

        while (pending.Count > 0)
        {
            var node = pending.Dequeue();
            foreach (var table in SqlWalker.DescendantsAndSelf(node).OfType<SqlNamedTable>())
            {
                if (table.Name.Parts.Count == 1 && ctes.TryGetValue(table.Name.Last, out var cte) && reached.Add(cte.Name))
                {
                    pending.Enqueue(cte.Query);
                }
            }
        }

        AddQueryShape(shape, "main", query with { With = null }, fingerprint);
        foreach (var cte in query.With?.Ctes ?? [])
        {
            if (reached.Contains(cte.Name))
            {
                AddQueryShape(shape, $"cte '{cte.Name}'", cte.Query, fingerprint);
            }
        }

        return shape;
    }

    private static void AddQueryShape(Dictionary<string, string> shape, string label, SqlQuery root, SqlFingerprint fingerprint)
    {
        // Every select block under this query, labelled by its position among the blocks; nested CTEs stay inside.
        var index = 0;
        foreach (var node in SqlWalker.DescendantsAndSelf(root))
        {
            switch (node)
            {
                case SqlQuery query:
                {
                    var scope = index == 0 && ReferenceEquals(query, root) ? label : $"{label} (subquery {index})";
                    if (query.Limit is not null)
                    {
                        shape[$"{scope}|limit"] = fingerprint.Of(query.Limit) + (query.OrderBy.Count > 0 ? " order by " + string.Join(", ", query.OrderBy.Select(fingerprint.Of)) : string.Empty);
                    }

                    if (query.Body is SqlSetOperation)
                    {
                        shape[$"{scope}|set operation"] = SetOperators(query.Body);
                    }

                    break;
                }

                case SqlSelect select:
                {
                    var scope = index == 0 ? label : $"{label} (block {index})";
                    index++;
                    shape[$"{scope}|from/join"] = FromShape(select.From, fingerprint);
                    shape[$"{scope}|where"] = fingerprint.Of(select.Where);
                    shape[$"{scope}|group by"] = fingerprint.Of(select.GroupBy);
                    shape[$"{scope}|having"] = fingerprint.Of(select.Having);
                    shape[$"{scope}|qualify"] = fingerprint.Of(select.Qualify);
                    shape[$"{scope}|distinct"] = select.Distinct ? "distinct " + string.Join(", ", select.DistinctOn.Select(fingerprint.Of)) : string.Empty;
                    shape[$"{scope}|top"] = fingerprint.Of(select.Top);
                    shape[$"{scope}|opaque clauses"] = select.OpaqueClauses.Count == 0 ? string.Empty : $"{select.OpaqueClauses.Count} placeholder clause(s)";
                    break;
                }
            }
        }
    }

    private static string SetOperators(SqlQueryBody body)
    {
        var sb = new StringBuilder();
        var stack = new Stack<SqlQueryBody>();
        stack.Push(body);
        while (stack.Count > 0)
        {
            if (stack.Pop() is SqlSetOperation op)
            {
                sb.Append(op.Operator).Append(op.All ? " all " : " ").Append(op.ByName ? "by name " : string.Empty);
                stack.Push(op.Right);
                stack.Push(op.Left);
            }
        }

        return sb.ToString();
    }

    private static string FromShape(SqlTableRef? from, SqlFingerprint fingerprint)
    {
        if (from is null)
        {
            return string.Empty;
        }

        var sb = new StringBuilder();
        var stack = new Stack<SqlTableRef>();
        stack.Push(from);
        while (stack.Count > 0)
        {
            switch (stack.Pop())
            {
                case SqlJoin join:
                    stack.Push(join.Right);
                    stack.Push(join.Left);
                    sb.Append('[').Append(join.Kind).Append(join.Natural ? " natural" : string.Empty).Append(" on ").Append(fingerprint.Of(join.On))
                        .Append(" using ").Append(string.Join(",", join.Using)).Append("] ");
                    break;
                case SqlNamedTable named:
                    sb.Append(SqlNames.Key(named.Name)).Append(' ').Append(named.Alias).Append(' ').Append(named.Modifier).Append("; ");
                    break;
                case SqlDerivedTable derived:
                    sb.Append("(subquery) ").Append(derived.Alias).Append(derived.Lateral ? " lateral" : string.Empty).Append("; ");
                    break;
                case SqlFunctionTable function:
                    sb.Append(fingerprint.Of(function)).Append("; ");
                    break;
                case SqlNestedJoin nested:
                    stack.Push(nested.Inner);
                    sb.Append("nested ").Append(nested.Alias).Append("; ");
                    break;
                case SqlValuesTable values:
                    sb.Append(fingerprint.Of(values)).Append("; ");
                    break;
            }
        }

        return sb.ToString();
    }
}
