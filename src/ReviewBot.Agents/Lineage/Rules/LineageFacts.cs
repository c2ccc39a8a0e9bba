using ReviewBot.Agents.Lineage.Classification;
using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;
using ReviewBot.Sql.Scopes;

namespace ReviewBot.Agents.Lineage.Rules;

/// <summary>What the cross-version lineage rules share: the run's classification and how they word and grade impact.</summary>
internal static class LineageFacts
{
    /// <summary>The classification of the run's changed models (computed once per graph).</summary>
    public static IReadOnlyList<ModelChange> Changes(RuleContext context) => ModelChanges.For(context.Dbt, context.Cancellation).Changes;

    public static ImpactLineage Lineage(RuleContext context) => ModelChanges.For(context.Dbt, context.Cancellation).Lineage;

    /// <summary>True when something reads the model: a downstream model (any project) or an exposure.</summary>
    public static bool HasConsumers(ModelChange change) => change.Consumers.Count > 0 || change.ConsumerExposures.Count > 0;

    /// <summary>A breaking change with consumers is <paramref name="withConsumers"/>; without any, <paramref name="without"/>.</summary>
    public static Severity Grade(ModelChange change, Severity withConsumers, Severity without) => HasConsumers(change) ? withConsumers : without;

    /// <summary>"`a`, `b` and 3 more (2 levels down), feeding exposures `x`", or "no downstream model or exposure".</summary>
    public static string Consumers(ModelChange change, int max = 6)
    {
        if (!HasConsumers(change))
        {
            return "no downstream model or exposure";
        }

        var parts = new List<string>();
        if (change.Consumers.Count > 0)
        {
            parts.Add($"{(change.Consumers.Count == 1 ? "downstream model" : $"{change.Consumers.Count} downstream models")} {LineageRules.List(change.Consumers, max)}");
        }

        if (change.ConsumerExposures.Count > 0)
        {
            parts.Add($"exposure{(change.ConsumerExposures.Count == 1 ? "" : "s")} {LineageRules.List(change.ConsumerExposures, 4)}");
        }

        return string.Join(" and ", parts);
    }

    /// <summary>The model file line where base output column <paramref name="column"/> was defined, when known.</summary>
    public static int? BaseLineOf(RuleContext context, ModelChange change, string column)
    {
        if (change.Before is not { Usable: true } before)
        {
            return null;
        }

        var output = SqlScopeResolver.ResolveLast(before.Parse, Lineage(context).Schema)?.Columns
            .FirstOrDefault(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase) && c.Span.Length > 0);
        return output is null ? null : before.Rendered.SourceMap.LineAt(output.Span.Offset);
    }

    /// <summary>True when the pull request says the model will be fully refreshed (title, description or an added line).</summary>
    public static bool FullRefreshNoted(RuleContext context, ModelChange change)
    {
        static bool Says(string? text) => text is not null
            && (text.Contains("full-refresh", StringComparison.OrdinalIgnoreCase) || text.Contains("full refresh", StringComparison.OrdinalIgnoreCase)
                || text.Contains("full_refresh", StringComparison.OrdinalIgnoreCase));

        if (Says(context.Change.PullRequest?.Title) || Says(context.Change.PullRequest?.Body))
        {
            return true;
        }

        return context.Files.Changed.TryGetValue(change.File, out var file) && file.AddedLines.Any(l => Says(l.Text));
    }
}
