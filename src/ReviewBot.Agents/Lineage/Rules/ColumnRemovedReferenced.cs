using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;

namespace ReviewBot.Agents.Lineage.Rules;

/// <summary>
/// <c>column-removed-referenced</c>: an output column removed or renamed while downstream models still read it — named
/// directly by a consumer, or carried into derived columns any number of levels down (column-exact, through CTEs,
/// <c>select *</c>, unions and other projects' sources).
/// </summary>
internal sealed class ColumnRemovedReferenced : Rule
{
    public override string Id => "column-removed-referenced";

    public override Severity DefaultSeverity => Severity.High;

    public override string Rationale => "Removing or renaming an output column breaks every downstream model that still selects it.";

    public override IEnumerable<Finding> Evaluate(RuleContext context)
    {
        foreach (var change in LineageFacts.Changes(context))
        {
            if (change.Kind is ModelChangeKind.Removed or ModelChangeKind.Added || change.Head is null)
            {
                continue;
            }

            var gone = change.Columns.Removed.Select(c => (Column: c, RenamedTo: (string?)null))
                .Concat(change.Columns.Renamed.Select(r => (Column: r.From, RenamedTo: (string?)r.To)));
            foreach (var (column, renamedTo) in gone)
            {
                context.Cancellation.ThrowIfCancellationRequested();
                if (!change.Readers.TryGetValue(column, out var readers) || readers.Direct.Count == 0)
                {
                    continue;
                }

                var what = renamedTo is null ? "removed" : $"renamed to `{renamedTo}`";
                var line = LineageFacts.BaseLineOf(context, change, column) is { } baseLine ? context.HeadLineNearRemoved(change.File, baseLine) : null;
                var derived = readers.Columns.Count == 0 ? string.Empty
                    : $" It flows on into {LineageRules.List(readers.Columns, 6)}{(readers.Models.Count > readers.Direct.Count ? $" ({readers.Models.Count} models in all)" : string.Empty)}.";
                var exposures = change.Downstream.Exposures.Count > 0 ? $" Exposures {LineageRules.List(change.Downstream.Exposures, 4)} read those models." : string.Empty;
                yield return context.Report(this, change.File, line, $"Column `{column}` {what} but still used downstream",
                    $"`{change.Name}.{column}` is {what} in this change, but {LineageRules.List(readers.Direct, 6)} still read{(readers.Direct.Count == 1 ? "s" : "")} it and will fail (or change meaning) on the next run.{derived}{exposures} Update those models in the same PR, or keep `{column}` (e.g. `{renamedTo ?? "new_expression"} as {column}`) until they migrate.");
            }
        }
    }
}
