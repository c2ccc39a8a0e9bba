using ReviewBot.Agents.Lineage.Classification;
using ReviewBot.Sql.Parsing;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Agents.Lineage.Rules;

/// <summary>Facts about incremental models that the incremental-hazard rules share.</summary>
internal static class Incremental
{
    /// <summary>True when both versions of the model are incremental (a model that just became incremental starts from a full build).</summary>
    public static bool OnBothSides(ModelChange change) =>
        change.Head is { } head && change.Base is { } @base && Is(head, change.After) && Is(@base, change.Before);

    private static bool Is(Context.Dbt.DbtNode node, ParsedModel? model) =>
        string.Equals(model?.Rendered.ConfigValue("materialized") as string ?? node.Materialization, "incremental", StringComparison.OrdinalIgnoreCase);

    /// <summary>The effective value of a config key at head: the rendered <c>config()</c>, else YAML and folders.</summary>
    public static string? HeadConfig(ModelChange change, string key) =>
        change.After?.Rendered.ConfigValue(key) is { } rendered ? ModelChanges.Text(rendered) : change.Head?.ConfigValue(key)?.Trim('\'', '"');

    /// <summary>
    /// The filter an incremental run adds: the WHERE/QUALIFY/HAVING fingerprints of the <c>is_incremental()</c> SQL that the
    /// full-refresh SQL does not have. Empty when the model does not call <c>is_incremental()</c> or the block adds no filter.
    /// </summary>
    public static IReadOnlyList<string> DeltaFilter(ParsedModel? model)
    {
        if (model?.Incremental is not { } incremental || !incremental.Succeeded)
        {
            return [];
        }

        var full = Filters(model.Parse);
        return Filters(incremental).Where(f => !full.Contains(f)).ToList();
    }

    /// <summary>True when the incremental SQL reads the model's own relation (<c>{{ this }}</c>): a high-water mark.</summary>
    public static bool ReadsItself(ModelChange change, ParsedModel? model)
    {
        if (model?.Incremental is not { } incremental)
        {
            return false;
        }

        var self = ImpactLineage.KeyOf((model == change.Before ? change.Base : change.Head)?.Name ?? change.Name);
        return incremental.TableNames.Any(n => string.Equals(SqlNames.Key(n), self, StringComparison.OrdinalIgnoreCase));
    }

    private static HashSet<string> Filters(SqlParseResult parse)
    {
        var print = new SqlFingerprint(parse.Tokens);
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, select) in QueryScopes.Selects(parse))
        {
            foreach (var clause in new SqlNode?[] { select.Where, select.Qualify, select.Having })
            {
                if (clause is not null)
                {
                    result.Add(key + ":" + print.Of(clause));
                }
            }
        }

        return result;
    }
}
