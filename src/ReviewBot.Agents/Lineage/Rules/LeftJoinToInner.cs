using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Agents.Lineage.Rules;

/// <summary>
/// <c>left-join-to-inner</c>: an outer join tightened (left/right/full to inner, full to one side): rows without a match
/// are now dropped, silently, for every consumer of the model.
/// </summary>
internal sealed class LeftJoinToInner : Rule
{
    public override string Id => "left-join-to-inner";

    public override Severity DefaultSeverity => Severity.High;

    public override string Rationale => "Turning an outer join into an inner join drops the rows without a match; consumers silently get fewer rows.";

    public override IEnumerable<Finding> Evaluate(RuleContext context)
    {
        foreach (var change in LineageFacts.Changes(context))
        {
            if (change.Before is not { Usable: true } before || change.After is not { Usable: true } after || change.Head is null)
            {
                continue;
            }

            var was = QueryScopes.Joins(before.Parse);
            foreach (var (key, join) in QueryScopes.Joins(after.Parse))
            {
                if (!was.TryGetValue(key, out var old))
                {
                    continue;
                }

                var (oldLeft, oldRight) = Preserved(old.Kind);
                var (newLeft, newRight) = Preserved(join.Kind);
                if ((!oldLeft || newLeft) && (!oldRight || newRight))
                {
                    continue;
                }

                var right = QueryScopes.Identity(join.Right);
                var lost = oldLeft && !newLeft && oldRight && !newRight ? "rows of either side without a match"
                    : oldLeft && !newLeft ? $"rows without a match in `{right}`"
                    : $"rows of `{right}` without a match on the left";
                var severity = LineageFacts.Grade(change, Severity.High, Severity.Low);
                yield return context.Report(this, change.File, after.LineOf(join.Right),
                    $"`{Word(old.Kind)} join {right}` became `{Word(join.Kind)} join` in `{change.Name}`",
                    $"In {QueryScopes.Describe(key)} of `{change.Name}`, the {Word(old.Kind)} join to `{right}` is now {(join.Kind == SqlJoinKind.Inner ? "an inner" : $"a {Word(join.Kind)}")} join: {lost} are dropped, so the model returns fewer rows and {LineageFacts.Consumers(change)} {(LineageFacts.HasConsumers(change) ? "see them disappear" : "is affected")}. If dropping them is intended, say so in the pull request; otherwise keep the {Word(old.Kind)} join (and filter explicitly).",
                    severity);
            }
        }
    }

    /// <summary>Which sides keep their unmatched rows.</summary>
    private static (bool Left, bool Right) Preserved(SqlJoinKind kind) => kind switch
    {
        SqlJoinKind.Left => (true, false),
        SqlJoinKind.Right => (false, true),
        SqlJoinKind.Full => (true, true),
        _ => (false, false),
    };

    private static string Word(SqlJoinKind kind) => kind.ToString().ToLowerInvariant();
}
