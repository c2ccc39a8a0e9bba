using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance.Rules;

/// <summary>
/// <c>tests-removed</c>: a test dropped from a model or column that stays. Tests are matched by target and
/// kind, not by name: a <c>unique</c> test replaced by <c>dbt_expectations.expect_column_values_to_be_unique</c>,
/// a project wrapper such as <c>assert_unique</c>, a uniqueness constraint or a compound-key test that includes
/// the column still guards the same property, so it is reported as info (what replaced what), never as a
/// removal. A column entry that disappears from the YAML (deleted or commented out) while the model still
/// selects the column loses its tests: that IS a removal.
/// </summary>
internal sealed class TestsRemoved : Rule
{
    public override string Id => "tests-removed";

    public override Severity DefaultSeverity => Severity.Medium;

    public override string Rationale => "Removing tests on a model that still exists silently lowers the guarantees downstream consumers rely on.";

    /// <summary>What a test guarantees, whatever package or wrapper spells it: <c>unique</c>, <c>not_null</c>, ...</summary>
    internal static string KindOf(string test)
    {
        var bare = test.Trim().ToLowerInvariant();
        bare = bare[(bare.LastIndexOf('.') + 1)..];
        return bare switch
        {
            _ when bare.Contains("unique_combination", StringComparison.Ordinal) || bare.Contains("compound_columns_to_be_unique", StringComparison.Ordinal)
                || bare.Contains("unique_combo", StringComparison.Ordinal) => "compound_unique",
            _ when bare.Contains("primary_key", StringComparison.Ordinal) => "primary_key",
            _ when bare.Contains("unique", StringComparison.Ordinal) => "unique",
            _ when bare.Contains("not_null", StringComparison.Ordinal) || bare.Contains("not_be_null", StringComparison.Ordinal) => "not_null",
            _ when bare.Contains("accepted_values", StringComparison.Ordinal) || bare.Contains("be_in_set", StringComparison.Ordinal) => "accepted_values",
            _ when bare.Contains("relationships", StringComparison.Ordinal) || bare.Contains("foreign_key", StringComparison.Ordinal) => "relationships",
            _ when bare.Contains("accepted_range", StringComparison.Ordinal) || bare.Contains("be_between", StringComparison.Ordinal) => "range",
            _ => bare,
        };
    }

    public override IEnumerable<Finding> Evaluate(RuleContext context)
    {
        foreach (var file in context.ChangedWith(".yml", ".yaml"))
        {
            foreach (var node in context.Dbt.Head.DocumentedIn(file.Path))
            {
                var before = context.BaseOf(node)?.Properties;
                var after = node.Properties!;
                if (before is null)
                {
                    continue;
                }

                foreach (var column in before.Columns)
                {
                    var now = after.Column(column.Name);
                    if (now is null && !StillSelected(context, node, column.Name))
                    {
                        continue; // the column itself went away: the lineage rules speak about that
                    }

                    var gone = column.Tests.Where(t => now is null || !now.Tests.Contains(t, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                    if (gone.Count == 0)
                    {
                        continue;
                    }

                    var removed = new List<string>();
                    var replaced = new List<(string Test, string By)>();
                    foreach (var test in gone)
                    {
                        if (now is not null && ReplacementOnColumn(test, column, now) is { } by)
                        {
                            replaced.Add((test, by));
                        }
                        else if (KindOf(test) is "unique" && CompoundCovering(after, column.Name) is { } compound)
                        {
                            replaced.Add((test, compound));
                        }
                        else
                        {
                            removed.Add(test);
                        }
                    }

                    var line = now?.Line ?? context.HeadLineNearRemoved(file.Path, column.Line) ?? after.Line;
                    if (removed.Count > 0)
                    {
                        var how = now is null ? $"its YAML entry was removed or commented out while `{node.Name}` still selects it" : "the column stays";
                        yield return context.Report(this, file.Path, line, $"Tests removed from `{node.Name}.{column.Name}`",
                            $"The {Names(removed)} {(removed.Count == 1 ? "test was" : "tests were")} removed from `{node.Name}.{column.Name}` and nothing of the same kind replaces {(removed.Count == 1 ? "it" : "them")}; {how}. If a test fails, fix the data or set `severity: warn` with a reason instead of deleting the test.");
                    }

                    if (replaced.Count > 0)
                    {
                        yield return context.Report(this, file.Path, line, $"Tests on `{node.Name}.{column.Name}` replaced by equivalents",
                            $"On `{node.Name}.{column.Name}`, {string.Join("; ", replaced.Select(r => $"`{r.Test}` is replaced by {r.By}"))}. The column is still tested for the same property; check that the new test's arguments (row conditions, compound keys) are what you mean.",
                            Severity.Info);
                    }
                }

                var modelGone = before.Tests.Where(t => !after.Tests.Contains(t, StringComparer.OrdinalIgnoreCase)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                var modelRemoved = modelGone.Where(t => !after.Tests.Any(n => !before.Tests.Contains(n, StringComparer.OrdinalIgnoreCase) && KindOf(n) == KindOf(t))).ToList();
                if (modelRemoved.Count > 0)
                {
                    yield return context.Report(this, file.Path, after.Line, $"Model tests removed from `{node.Name}`",
                        $"The model-level {(modelRemoved.Count == 1 ? "test" : "tests")} {Names(modelRemoved)} of `{node.Name}` {(modelRemoved.Count == 1 ? "was" : "were")} removed. Keep {(modelRemoved.Count == 1 ? "it" : "them")}, or say in the PR why the guarantee no longer holds.");
                }
                else if (modelGone.Count > 0)
                {
                    yield return context.Report(this, file.Path, after.Line, $"Model tests of `{node.Name}` replaced by equivalents",
                        $"The model-level {(modelGone.Count == 1 ? "test" : "tests")} {Names(modelGone)} of `{node.Name}` {(modelGone.Count == 1 ? "is" : "are")} replaced by a test of the same kind.",
                        Severity.Info);
                }
            }
        }
    }

    private static string Names(IEnumerable<string> tests) => string.Join(", ", tests.Select(t => $"`{t}`"));

    /// <summary>A new test or constraint on the same column that guards the same property, if any.</summary>
    private static string? ReplacementOnColumn(string test, DbtColumn before, DbtColumn now)
    {
        var kind = KindOf(test);
        var test2 = now.Tests.FirstOrDefault(n => !before.Tests.Contains(n, StringComparer.OrdinalIgnoreCase) && KindOf(n) == kind);
        if (test2 is not null)
        {
            return $"`{test2}`";
        }

        var constraint = now.Constraints.FirstOrDefault(c => KindOf(c) == kind || (KindOf(c) == "primary_key" && kind is "unique" or "not_null"));
        return constraint is null ? null : $"the `{constraint}` constraint";
    }

    /// <summary>A model-level compound-uniqueness test whose columns include <paramref name="column"/>.</summary>
    private static string? CompoundCovering(DbtProperties model, string column)
    {
        foreach (var argument in model.Constraints)
        {
            var eq = argument.IndexOf('=', StringComparison.Ordinal);
            if (eq < 0)
            {
                continue;
            }

            var key = argument[..eq];
            var test = model.Tests.FirstOrDefault(t => key.StartsWith(t + ".", StringComparison.OrdinalIgnoreCase) && KindOf(t) == "compound_unique");
            if (test is not null && key.Contains("column", StringComparison.OrdinalIgnoreCase)
                && argument[(eq + 1)..].Split(',').Any(c => c.Trim().Equals(column, StringComparison.OrdinalIgnoreCase)))
            {
                return $"`{test}` on ({argument[(eq + 1)..].Replace(",", ", ", StringComparison.Ordinal)})";
            }
        }

        return null;
    }

    private static bool StillSelected(RuleContext context, DbtNode node, string column)
    {
        if (context.Sql.Head(node.Path)?.OutputColumns is { } columns)
        {
            return columns.Any(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase));
        }

        // Output columns unknown (select *, macros): the model text still naming the column is the best evidence.
        return context.Files.Head(node.Path) is { } text && System.Text.RegularExpressions.Regex.IsMatch(text, $@"\b{System.Text.RegularExpressions.Regex.Escape(column)}\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
    }
}
