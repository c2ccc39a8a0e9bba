using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Lineage.Rules;

/// <summary>
/// <c>incremental-schema-change-unhandled</c>: an incremental model's columns change (added, removed, renamed, redefined
/// — possibly retyped) while <c>on_schema_change</c> is unset or <c>ignore</c> and the pull request says nothing of a full
/// refresh: the existing table keeps its old columns, so new ones never arrive and removed ones linger as stale data.
/// </summary>
internal sealed class IncrementalSchemaChangeUnhandled : Rule
{
    public override string Id => "incremental-schema-change-unhandled";

    public override Severity DefaultSeverity => Severity.Medium;

    public override string Rationale => "An incremental table keeps the columns it was built with unless on_schema_change or a full refresh says otherwise.";

    public override IEnumerable<Finding> Evaluate(RuleContext context)
    {
        foreach (var change in LineageFacts.Changes(context))
        {
            // Added, removed and renamed columns change the table's schema. A redefined column need not (a new union
            // branch redefines every column of a union without changing one type), and its meaning change is the
            // classification's `partial`; without types it is not called a schema change here.
            if (!Incremental.OnBothSides(change) || change.Columns.Added.Count + change.Columns.Removed.Count + change.Columns.Renamed.Count == 0)
            {
                continue;
            }

            var policy = Incremental.HeadConfig(change, "on_schema_change");
            if (policy is not null && !policy.Equals("ignore", StringComparison.OrdinalIgnoreCase) || LineageFacts.FullRefreshNoted(context, change))
            {
                continue;
            }

            var parts = new List<string>();
            if (change.Columns.Added.Count > 0)
            {
                parts.Add($"adds {LineageRules.List(change.Columns.Added, 4)} (never written to the existing table)");
            }

            if (change.Columns.Removed.Count > 0)
            {
                parts.Add($"removes {LineageRules.List(change.Columns.Removed, 4)} (kept in the table, no longer filled)");
            }

            if (change.Columns.Renamed.Count > 0)
            {
                parts.Add($"renames {LineageRules.List(change.Columns.Renamed.Select(r => $"{r.From} → {r.To}").ToList(), 4)}");
            }

            var line = change.Columns.Added.Count > 0 ? AddedColumnLine(change) : null;
            yield return context.Report(this, change.File, line, $"Incremental `{change.Name}` changes columns without `on_schema_change`",
                $"`{change.Name}` is incremental and this change {string.Join("; ", parts)}, but `on_schema_change` is {(policy is null ? "not set (dbt's default is `ignore`)" : "`ignore`")} and the pull request mentions no full refresh. Set `on_schema_change='append_new_columns'` (or `sync_all_columns`), or plan `dbt run --full-refresh -s {change.Name}` and say so in the PR. Reads it: {LineageFacts.Consumers(change)}.",
                LineageFacts.Grade(change, Severity.Medium, Severity.Low));
        }
    }

    private static int? AddedColumnLine(Classification.ModelChange change)
    {
        if (change.After is not { Usable: true } after)
        {
            return null;
        }

        var column = Sql.Scopes.SqlScopeResolver.ResolveLast(after.Parse)?.Columns
            .FirstOrDefault(c => change.Columns.Added.Contains(c.Name, StringComparer.OrdinalIgnoreCase) && c.Span.Length > 0);
        return column is null ? null : after.Rendered.SourceMap.LineAt(column.Span.Offset);
    }
}
