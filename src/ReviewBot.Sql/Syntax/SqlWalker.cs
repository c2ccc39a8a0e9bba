namespace ReviewBot.Sql.Syntax;

/// <summary>
/// Iterative traversal of the tree. Long operator chains (a || b || ... with thousands of terms) make left-deep
/// trees, so nothing that walks the tree may recurse per node: everything goes through an explicit stack here.
/// </summary>
public static class SqlWalker
{
    /// <summary>
    /// <paramref name="root"/> and every node below it, pre-order. With <paramref name="intoQueries"/> false the walk
    /// does not enter subqueries (a scope's own expressions only).
    /// </summary>
    public static IEnumerable<SqlNode> DescendantsAndSelf(SqlNode root, bool intoQueries = true)
    {
        var stack = new Stack<SqlNode>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var node = stack.Pop();
            yield return node;
            if (!intoQueries && node is SqlQuery && !ReferenceEquals(node, root))
            {
                continue;
            }

            var children = Children(node);
            for (var i = children.Count - 1; i >= 0; i--)
            {
                if (children[i] is { } child)
                {
                    stack.Push(child);
                }
            }
        }
    }

    /// <summary>The direct children of a node, in source order (nulls for absent parts).</summary>
    public static IReadOnlyList<SqlNode?> Children(SqlNode node) => node switch
    {
        SqlUnary n => [n.Operand],
        SqlBinary n => [n.Left, n.Right],
        SqlIsTest n => [n.Operand],
        SqlBetween n => [n.Operand, n.Low, n.High],
        SqlIn n => [n.Operand, .. n.Values, n.Query],
        SqlQuantified n => [.. n.Values, n.Query],
        SqlWhen n => [n.Condition, n.Result],
        SqlCase n => [n.Operand, .. n.Whens, n.Else],
        SqlCast n => [n.Operand],
        SqlInterval n => [n.Value],
        SqlOrderItem n => [n.Expression],
        SqlFrameBound n => [n.Offset],
        SqlWindowFrame n => [n.Start, n.End],
        SqlWindowSpec n => [.. n.PartitionBy, .. n.OrderBy, n.Frame],
        SqlNamedArgument n => [n.Value],
        SqlFunctionCall n => [.. n.Arguments, .. n.ArgumentOrderBy, .. n.WithinGroup, n.Filter, n.Over],
        SqlSubqueryExpression n => [n.Query],
        SqlTuple n => [.. n.Items],
        SqlArrayLiteral n => [.. n.Items],
        SqlField n => [n.Key, n.Value],
        SqlStructLiteral n => [.. n.Fields],
        SqlSubscript n => [n.Target, n.Index, n.Upper],
        SqlFieldAccess n => [n.Target],
        SqlLambda n => [n.Body],
        SqlPostfix n => [n.Operand, n.Argument],
        SqlGroupingSet n => [.. n.Items],
        SqlCte n => [n.Query],
        SqlWith n => [.. n.Ctes],
        SqlLimit n => [n.Count, n.Offset],
        SqlQuery n => [n.With, n.Body, .. n.OrderBy, n.Limit],
        SqlSetOperation n => [n.Left, n.Right],
        SqlNestedQuery n => [n.Query],
        SqlValues n => [.. n.Rows.SelectMany(r => r)],
        SqlGroupBy n => [.. n.Items],
        SqlNamedWindow n => [n.Spec],
        SqlSelect n => [.. n.DistinctOn, n.Top, .. n.Items, n.From, n.Where, n.GroupBy, n.Having, n.Qualify, .. n.Windows],
        SqlExpressionItem n => [n.Expression],
        SqlStarReplace n => [n.Expression],
        SqlStarItem n => [n.Qualifier, .. n.Replace],
        SqlDerivedTable n => [n.Query],
        SqlFunctionTable n => [n.Function],
        SqlJoin n => [n.Left, n.Right, n.On],
        SqlNestedJoin n => [n.Inner],
        SqlValuesTable n => [n.Values],
        SqlNamedTable n => [n.Name],
        SqlSelectStatement n => [n.Query],
        SqlInsert n => [n.Target, n.Source],
        SqlAssignment n => [n.Column, n.Value],
        SqlUpdate n => [n.Target, .. n.Assignments, n.From, n.Where],
        SqlDelete n => [n.Target, n.Using, n.Where],
        SqlMergeClause n => [n.Condition, .. n.Assignments],
        SqlMerge n => [n.Target, n.Source, n.On, .. n.Clauses],
        SqlColumnDefinition n => [n.Default],
        SqlCreateTable n => [n.Name, .. n.Columns, n.AsQuery],
        SqlCreateIndex n => [n.Table, .. n.Columns],
        SqlDrop n => [.. n.Names],
        SqlTruncate n => [.. n.Names],
        SqlAddColumn n => [n.Column],
        SqlAlterColumnType n => [n.Using],
        SqlAlterColumnDefault n => [n.Default],
        SqlAlter n => [n.Name, .. n.Actions],
        SqlGrant n => [.. n.Objects],
        SqlCommentOn n => [n.Name],
        _ => [],
    };
}
