using ReviewBot.Agents.Context.Sql;
using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;
using ReviewBot.Sql.Checks;

namespace ReviewBot.Agents.Quality;

/// <summary>
/// SQL that runs but does not compute what it reads as (<see cref="SqlPitfalls"/>), on added lines the author wrote
/// (never a macro's output): an alias that shadows a source column read again in the same SELECT, integer division
/// where <c>/</c> truncates, a text cast compared with a boolean word it never equals.
/// </summary>
internal static class SqlPitfallRules
{
    public static IReadOnlyList<Rule> All { get; } = [new AliasShadowsColumn(), new IntegerDivision(), new BooleanTextComparison()];

    private static IEnumerable<(string Path, SqlPitfallFact Pitfall)> Added(RuleContext context, SqlPitfallKind kind)
    {
        foreach (var (path, facts, _) in QualityRules.ChangedSqlFiles(context, includeOther: true))
        {
            foreach (var pitfall in facts.Pitfalls)
            {
                if (pitfall.Kind == kind && context.IsAdded(path, pitfall.Line))
                {
                    yield return (path, pitfall);
                }
            }
        }
    }

    private sealed class AliasShadowsColumn : Rule
    {
        public override string Id => "alias-shadows-column";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "A select item that redefines a column under the same name does not change what later items of the same SELECT read: they get the source column.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (path, pitfall) in Added(context, SqlPitfallKind.AliasShadowsColumn))
            {
                var defined = pitfall.RelatedLine is { } line && line != pitfall.Line ? $" (redefined on line {line})" : "";
                yield return context.Report(this, path, pitfall.Line, $"`{pitfall.Subject}` here is the source column, not the new `{pitfall.Subject}`",
                    $"This SELECT redefines `{pitfall.Subject}`{defined}, but a later item of the same SELECT that reads `{pitfall.Subject}` gets the source column, not the redefined value (an alias is not visible inside its own SELECT list). Repeat the expression, or compute it in a CTE first and select from that.",
                    anchor: pitfall.Subject);
            }
        }
    }

    private sealed class IntegerDivision : Rule
    {
        public override string Id => "integer-division";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "In Postgres, Redshift and Trino an integer divided by an integer is an integer: a ratio of counts becomes 0 or 1.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (path, pitfall) in Added(context, SqlPitfallKind.IntegerDivision))
            {
                yield return context.Report(this, path, pitfall.Line, "Integer division truncates",
                    "Both sides of this `/` are integers (counts, integer literals or casts), and this warehouse truncates integer division: a ratio below 1 becomes 0. Cast one side first, e.g. `count(x)::numeric / count(*)` or `1.0 * count(x) / count(*)`.");
            }
        }
    }

    private sealed class BooleanTextComparison : Rule
    {
        public override string Id => "boolean-text-comparison";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "Warehouses write a boolean as the text 'true'/'false': a comparison of that text with 'True', 'TRUE' or 't' never matches.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (path, pitfall) in Added(context, SqlPitfallKind.BooleanTextComparison))
            {
                yield return context.Report(this, path, pitfall.Line, $"Text compared with `'{pitfall.Subject}'` never matches a boolean",
                    $"A boolean cast to text is `'true'` or `'false'` in lower case on every supported warehouse, so `= '{pitfall.Subject}'` is never true (or `<>` always). Compare the boolean itself (`where is_active`, `= true`).",
                    anchor: pitfall.Subject);
            }
        }
    }
}
