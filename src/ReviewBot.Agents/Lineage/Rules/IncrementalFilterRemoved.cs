using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Lineage.Rules;

/// <summary>
/// <c>incremental-filter-removed</c>: an incremental model loses the filter its <c>is_incremental()</c> block added, or that
/// filter no longer reads the table itself (<c>{{ this }}</c>, the high-water mark): every incremental run then
/// reprocesses — and, with the append strategy, re-inserts — the whole history.
/// </summary>
internal sealed class IncrementalFilterRemoved : Rule
{
    public override string Id => "incremental-filter-removed";

    public override Severity DefaultSeverity => Severity.High;

    public override string Rationale => "Without its is_incremental() filter an incremental model reprocesses, or duplicates, all of its history on every run.";

    public override IEnumerable<Finding> Evaluate(RuleContext context)
    {
        foreach (var change in LineageFacts.Changes(context))
        {
            if (!Incremental.OnBothSides(change) || change.Before is not { } before || change.After is not { Usable: true } after)
            {
                continue;
            }

            var was = Incremental.DeltaFilter(before);
            if (was.Count == 0)
            {
                continue;
            }

            var now = Incremental.DeltaFilter(after);
            var baseBlock = change.Base!.File?.IncrementalBlocks is { Count: > 0 } baseBlocks ? baseBlocks[0] : null;
            var headBlock = change.Head!.File?.IncrementalBlocks is { Count: > 0 } headBlocks ? headBlocks[0] : null;
            string title;
            string what;
            int? line;
            if (now.Count == 0)
            {
                title = $"`is_incremental()` filter removed from `{change.Name}`";
                what = "no longer filters incremental runs";
                line = baseBlock is null ? null : context.HeadLineNearRemoved(change.File, baseBlock.StartLine);
            }
            else if (Incremental.ReadsItself(change, before) && !Incremental.ReadsItself(change, after))
            {
                title = $"`is_incremental()` filter of `{change.Name}` widened";
                what = "still filters incremental runs, but no longer against the table itself (`{{ this }}`), so the filter is not bounded by what was already loaded";
                line = headBlock?.StartLine;
            }
            else
            {
                continue;
            }

            var strategy = Incremental.HeadConfig(change, "incremental_strategy");
            var append = string.Equals(strategy, "append", StringComparison.OrdinalIgnoreCase) || Incremental.HeadConfig(change, "unique_key") is null;
            yield return context.Report(this, change.File, line, title,
                $"`{change.Name}` is incremental but {what}: every run reads the whole history{(append ? " and, without a `unique_key` to merge on, appends it again (duplicate rows)" : " and merges all of it")}. Keep the `{{% if is_incremental() %}}` filter on a high-water mark (`where updated_at > (select max(updated_at) from {{{{ this }}}})`), or make the model a table. Reads it: {LineageFacts.Consumers(change)}.",
                LineageFacts.Grade(change, Severity.High, Severity.Medium));
        }
    }
}
