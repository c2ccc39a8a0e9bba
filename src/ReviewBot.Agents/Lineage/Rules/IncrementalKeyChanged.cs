using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Lineage.Rules;

/// <summary>
/// <c>incremental-key-changed</c>: the <c>unique_key</c> or <c>partition_by</c> of an incremental model changes with no
/// full refresh mentioned: merges on the new key meet rows written under the old one (duplicates or wrong updates), and a
/// new partitioning cannot be applied to the existing table (the run fails until it is rebuilt).
/// </summary>
internal sealed class IncrementalKeyChanged : Rule
{
    public override string Id => "incremental-key-changed";

    public override Severity DefaultSeverity => Severity.High;

    public override string Rationale => "An incremental table built under one key or partitioning does not follow a new one without a full refresh.";

    public override IEnumerable<Finding> Evaluate(RuleContext context)
    {
        foreach (var change in LineageFacts.Changes(context))
        {
            if (!Incremental.OnBothSides(change) || LineageFacts.FullRefreshNoted(context, change))
            {
                continue;
            }

            foreach (var config in change.Config.Where(c => c.Key is "unique_key" or "partition_by"))
            {
                // A dropped partitioning is the cost agent's partition-config-dropped.
                if (config.Key == "partition_by" && (config.After is null || config.Before is null))
                {
                    continue;
                }

                var line = change.After?.Rendered.Config.LastOrDefault(c => c.Key == config.Key)?.Line;
                if (config.Key == "unique_key" && config.Before is null)
                {
                    // A key set for the first time (often with append turned into delete+insert or merge) stops new
                    // duplicates; only the duplicates already in the table stay. Worth a note, not a block.
                    yield return context.Report(this, change.File, line, $"`unique_key` of incremental `{change.Name}` set",
                        $"`{change.Name}` is incremental and now has `unique_key` `{config.After}`: later runs replace rows with the same key instead of appending them. Duplicates the table already holds stay until `dbt run --full-refresh -s {change.Name}`.",
                        LineageFacts.Grade(change, Severity.Low, Severity.Info));
                    continue;
                }

                var effect = config.Key == "unique_key"
                    ? "merges now match existing rows on the new key: rows written under the old key are duplicated or updated wrongly"
                    : "the warehouse cannot change the partitioning of the existing table, so incremental runs fail (or keep the old layout) until it is rebuilt";
                yield return context.Report(this, change.File, line, $"`{config.Key}` of incremental `{change.Name}` changed",
                    $"`{change.Name}` is incremental and its `{config.Key}` changes from `{config.Before ?? "unset"}` to `{config.After ?? "unset"}`: {effect}. Plan `dbt run --full-refresh -s {change.Name}` with the deploy and say so in the pull request. Reads it: {LineageFacts.Consumers(change)}.",
                    LineageFacts.Grade(change, Severity.High, Severity.Medium));
            }
        }
    }
}
