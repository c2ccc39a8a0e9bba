using ReviewBot.Sql.Parsing;
using ReviewBot.Sql.Scopes;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Agents.Lineage.Rules;

/// <summary>The SELECT blocks and joins of a model's query, labelled so that base and head can be matched block by block.</summary>
internal static class QueryScopes
{
    /// <summary>Every SELECT block, keyed "main#0", "cte orders#0", "cte orders#1" (nested subqueries count in order).</summary>
    public static Dictionary<string, SqlSelect> Selects(SqlParseResult parse)
    {
        var result = new Dictionary<string, SqlSelect>(StringComparer.OrdinalIgnoreCase);
        foreach (var (label, root) in Roots(parse))
        {
            var index = 0;
            foreach (var select in SqlWalker.DescendantsAndSelf(root).OfType<SqlSelect>())
            {
                result.TryAdd($"{label}#{index++}", select);
            }
        }

        return result;
    }

    /// <summary>Every join, keyed by its scope and the alias (or name) of its right side.</summary>
    public static Dictionary<string, SqlJoin> Joins(SqlParseResult parse)
    {
        var result = new Dictionary<string, SqlJoin>(StringComparer.OrdinalIgnoreCase);
        foreach (var (label, root) in Roots(parse))
        {
            foreach (var join in SqlWalker.DescendantsAndSelf(root).OfType<SqlJoin>())
            {
                result.TryAdd($"{label}|{Identity(join.Right)}", join);
            }
        }

        return result;
    }

    /// <summary>How a FROM item is called in its query: its alias, else its relation's last name part.</summary>
    public static string Identity(SqlTableRef table) => table switch
    {
        SqlNamedTable named => (named.Alias ?? named.Name.Last).ToLowerInvariant(),
        _ => table.Alias?.ToLowerInvariant() ?? table.GetType().Name,
    };

    /// <summary>Human label of a scope key ("main#0" → "the final select", "cte orders#0" → "CTE `orders`").</summary>
    public static string Describe(string key)
    {
        var label = key.Split('#', '|')[0];
        return label == "main" ? "the final select" : $"CTE `{label[4..]}`";
    }

    private static IEnumerable<(string Label, SqlNode Root)> Roots(SqlParseResult parse)
    {
        var query = SqlScopeResolver.LastQuery(parse);
        if (query is null)
        {
            yield break;
        }

        yield return ("main", query with { With = null });
        foreach (var cte in query.With?.Ctes ?? [])
        {
            yield return ($"cte {cte.Name.ToLowerInvariant()}", cte.Query);
        }
    }
}
