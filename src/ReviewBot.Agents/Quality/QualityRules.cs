using ReviewBot.Core.Agents;
using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Agents.Context.Sql;
using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Quality;

/// <summary>The quality agent's rules: SQL and dbt hygiene that catches real defects.</summary>
internal static class QualityRules
{
    /// <summary>The first output column named like a key (<c>id</c>, <c>*_id</c>, <c>*_key</c>), if any.</summary>
    internal static string? KeyCandidate(RuleContext context, DbtNode node) =>
        context.Sql.Head(node.Path)?.OutputColumns?.FirstOrDefault(c => c.Name is { } n
            && (n.Equals("id", StringComparison.OrdinalIgnoreCase) || n.EndsWith("_id", StringComparison.OrdinalIgnoreCase) || n.EndsWith("_key", StringComparison.OrdinalIgnoreCase)))?.Name;

    public static IReadOnlyList<Rule> All { get; } =
    [
        new UnparseableSql(), new HardCodedRelation(), new RefMissingModel(), new SourceMissing(), new MissingPrimaryKeyTest(), new SelectStarFinal(),
        new JoinWithoutCondition(), new ImplicitJoin(), new EqualsNull(), new LimitWithoutOrderBy(), new UnusedCte(),
        new PythonRules.SqlBuiltFromStrings(), new PythonRules.SwallowedException(),
        .. SqlPitfallRules.All,
    ];

    /// <summary>Changed SQL files that are dbt models (or, when <paramref name="includeOther"/>, any changed SQL) with their head facts.</summary>
    internal static IEnumerable<(string Path, SqlFileFacts Facts, DbtNode? Node)> ChangedSqlFiles(RuleContext context, bool includeOther)
    {
        foreach (var file in context.ChangedWith(".sql"))
        {
            var node = context.Dbt.Head.NodesByPath.GetValueOrDefault(file.Path);
            if (node is null && !includeOther)
            {
                continue;
            }

            if (node?.Kind == DbtNodeKind.Snapshot && !includeOther)
            {
                continue;
            }

            if (context.Sql.Head(file.Path) is { } facts)
            {
                yield return (file.Path, facts, node);
            }
        }
    }

    private sealed class UnparseableSql : Rule
    {
        public override string Id => "unparseable-sql";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "SQL or Jinja that does not parse will fail to compile or run; it also cannot be reviewed.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (path, facts, node) in ChangedSqlFiles(context, includeOther: true))
            {
                // Bounds (depth, size) and render limits are ReviewBot's, reported as coverage; Jinja read as written
                // (macros, analyses) is a partial reading, not the author's mistake.
                // SQL rendered with gaps (a warehouse call's unknown value, an empty loop) may not parse because of what
                // could not be rendered: coverage, not a finding. Placeholders for unresolved macros leave no gap.
                var issues = facts.Issues.Where(i => i.Kind is SqlIssueKind.Syntax or SqlIssueKind.JinjaSyntax
                    && !((facts.IsTemplate || facts.RenderLeftGaps) && i.Kind == SqlIssueKind.Syntax)).ToList();
                if (issues.Count == 0)
                {
                    continue;
                }

                var baseIssues = context.Sql.Base(context.Files.Changed.GetValueOrDefault(path)?.OldPath ?? path)?.Issues.Select(i => i.Message).ToHashSet() ?? [];
                if (issues.All(i => baseIssues.Contains(i.Message)))
                {
                    continue;
                }

                var issue = issues[0];
                var more = issues.Count > 1 ? $", and {issues.Count - 1} more problem(s)" : "";
                yield return issue.Kind == SqlIssueKind.JinjaSyntax
                    ? context.Report(this, path, issue.Line, "Jinja does not parse",
                        $"{Capitalize(issue.Message)} (line {issue.Line}){more}. dbt will fail to compile this model, and ReviewBot could not analyse it. Close the block or fix the tag.")
                    : context.Report(this, path, issue.Line, "SQL does not parse",
                        $"The {(node is null ? "" : "rendered ")}SQL does not parse at line {issue.Line}: {issue.Message}{more}. The warehouse will likely reject it, and the rules could not analyse this statement. Close the parenthesis or fix the syntax.");
            }
        }
    }

    private sealed class HardCodedRelation : Rule
    {
        public override string Id => "hard-coded-relation";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "A hard-coded table name bypasses the dbt graph: no lineage, no environment switching, wrong build order.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (path, facts, node) in ChangedSqlFiles(context, includeOther: false))
            {
                if (node is null || node.Kind != DbtNodeKind.Model)
                {
                    continue;
                }

                // One finding per line naming every relation on it: findings merge by file, line and rule, so a
                // second relation on the same line would otherwise vanish ("from a.b.c x, a.b.d y").
                var relations = facts.Selects.SelectMany(s => s.Relations)
                    .Where(r => r.Kind == RelationKind.Table && !IsCatalog(r.Name) && context.IsAdded(path, r.Line))
                    .DistinctBy(r => (r.Name, r.Line));
                foreach (var line in relations.GroupBy(r => r.Line))
                {
                    var names = line.Select(r => r.Name).ToList();
                    var suggestions = names.Select(name => $"{Suggest(context, name)} for `{name}`");
                    var quoted = string.Join(" and ", names.Select(n => $"`{n}`"));
                    yield return context.Report(this, path, line.Key, names.Count == 1 ? $"Hard-coded relation {quoted}" : $"Hard-coded relations {quoted}",
                        $"`{node.Name}` reads {quoted} directly. dbt cannot see {(names.Count == 1 ? "this dependency" : "these dependencies")} (wrong build order, no lineage) and the {(names.Count == 1 ? "name does" : "names do")} not follow the target environment. Use {string.Join("; ", suggestions)}.");
                }
            }
        }

        /// <summary>The warehouse's own catalog (information_schema, pg_catalog, account_usage, system tables): nothing to ref.</summary>
        private static bool IsCatalog(string name) =>
            name.Split('.').Any(p => p.Equals("information_schema", StringComparison.OrdinalIgnoreCase) || p.Equals("pg_catalog", StringComparison.OrdinalIgnoreCase)
                || p.Equals("account_usage", StringComparison.OrdinalIgnoreCase))
            || name.StartsWith("system.", StringComparison.OrdinalIgnoreCase);

        private static string Suggest(RuleContext context, string relation)
        {
            var last = SqlFileFacts.LastPart(relation);
            return context.Dbt.Head.Nodes.ContainsKey(last) ? $"`{{{{ ref('{last}') }}}}`"
                : context.Dbt.Head.Sources.Values.FirstOrDefault(s => s.Identifier.Equals(last, StringComparison.OrdinalIgnoreCase)) is { } source
                    ? $"`{{{{ source('{source.Source}', '{source.Table}') }}}}`"
                    : "`{{ ref('...') }}` or a declared `{{ source('...', '...') }}`";
        }
    }

    private sealed class RefMissingModel : Rule
    {
        public override string Id => "ref-missing-model";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "A ref to a model that does not exist fails compilation of the whole project.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var file in context.ChangedWith(".sql", ".py"))
            {
                var node = context.Dbt.Head.NodesByPath.GetValueOrDefault(file.Path);
                if (node?.File is null)
                {
                    continue;
                }

                var localProjects = context.Dbt.Head.Projects.Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
                foreach (var reference in node.File.Refs.DistinctBy(r => (r.Name, r.Line)))
                {
                    if (context.Dbt.Head.Resolves(reference.Name) || !context.IsAdded(file.Path, reference.Line))
                    {
                        continue;
                    }

                    var external = reference.Package is not null && !localProjects.Contains(reference.Package);
                    var maybePackage = external || context.Dbt.Head.HasPackages;
                    var similar = Similar(reference.Name, context.Dbt.Head.Nodes.Keys);
                    yield return context.Report(this, file.Path, reference.Line, $"ref('{reference.Name}') does not resolve",
                        $"No model, seed or snapshot named `{reference.Name}` exists in the project{(maybePackage ? " (it may come from an installed package; check the name)" : "")}. dbt will fail to compile."
                        + (similar is null ? " Fix the name or add the model." : $" Did you mean `{similar}`?"),
                        maybePackage ? Severity.Low : null);
                }
            }
        }
    }

    private sealed class SourceMissing : Rule
    {
        public override string Id => "source-missing";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "A source() that is not declared fails compilation and has no freshness or tests.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            if (!context.Dbt.Head.IsDbt)
            {
                yield break;
            }

            foreach (var file in context.ChangedWith(".sql", ".py"))
            {
                var node = context.Dbt.Head.NodesByPath.GetValueOrDefault(file.Path);
                if (node?.File is null)
                {
                    continue;
                }

                foreach (var source in node.File.Sources.DistinctBy(s => (s.Key, s.Line)))
                {
                    if (context.Dbt.Head.Sources.ContainsKey(source.Key) || !context.IsAdded(file.Path, source.Line) || context.Dbt.Head.HasPackages)
                    {
                        continue;
                    }

                    var sourceKnown = context.Dbt.Head.Sources.Values.Any(s => s.Source.Equals(source.Source, StringComparison.OrdinalIgnoreCase));
                    yield return context.Report(this, file.Path, source.Line, $"source('{source.Source}', '{source.Table}') is not declared",
                        sourceKnown
                            ? $"Source `{source.Source}` has no table `{source.Table}`. Add it under `tables:` of the source in its properties YAML (with freshness and tests), or fix the name."
                            : $"No source named `{source.Source}` is declared. Declare it in a properties YAML (`sources:`) with the table `{source.Table}`, or fix the name; dbt will fail to compile otherwise.");
                }
            }
        }
    }

    private sealed class MissingPrimaryKeyTest : Rule
    {
        public override string Id => "missing-primary-key-test";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "Without unique + not_null on the grain, duplicates and fan-out go unnoticed until numbers are wrong.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (node, file) in context.ChangedNodes())
            {
                if (node.Kind != DbtNodeKind.Model || !context.IsNew(node) || node.Materialization == "ephemeral")
                {
                    continue;
                }

                var props = node.Properties;
                if (props is not null && HasPrimaryKeyTest(props))
                {
                    continue;
                }

                // A model without any properties entry gets one finding from the docs agent, which asks for the
                // entry and its key tests together; asking twice for the same YAML entry is noise.
                if (props is null && context.RuleRuns(AgentName.Docs, "model-undocumented"))
                {
                    continue;
                }

                var candidate = KeyCandidate(context, node);
                var column = candidate is null ? "its primary key" : $"`{candidate}`";
                var where = props is null ? "in a new properties YAML entry for the model" : $"in `{props.File}`";
                yield return context.Report(this, props is not null && context.Files.Changed.ContainsKey(props.File) ? props.File : file.Path, props?.Line, $"New model `{node.Name}` has no primary-key test",
                    $"`{node.Name}` is new and nothing tests its grain. Add `unique` and `not_null` tests on {column} {where} (or `dbt_utils.unique_combination_of_columns` for a compound key, or a primary-key constraint).");
            }
        }

        internal static bool HasPrimaryKeyTest(DbtProperties props)
        {
            // A uniqueness test of any spelling tests the grain (unique alone already catches fan-out).
            if (props.Columns.Any(c => c.Tests.Concat(c.Constraints).Any(t => Governance.Rules.TestsRemoved.KindOf(t) is "unique" or "primary_key" or "compound_unique"))
                || props.Tests.Any(t => Governance.Rules.TestsRemoved.KindOf(t) is "unique" or "primary_key" or "compound_unique"))
            {
                return true;
            }

            if (props.Columns.Any(c => (c.HasTest("unique") && c.HasTest("not_null")) || c.HasTest("primary_key")
                || c.Tests.Any(t => t.Contains("unique_combination", StringComparison.OrdinalIgnoreCase))))
            {
                return true;
            }

            return props.Tests.Any(t => t.Contains("unique_combination_of_columns", StringComparison.OrdinalIgnoreCase) || t.Contains("primary_key", StringComparison.OrdinalIgnoreCase)
                    || t.Contains("compound_key", StringComparison.OrdinalIgnoreCase) || t.Contains("unique_key", StringComparison.OrdinalIgnoreCase))
                || props.Constraints.Any(c => c.StartsWith("constraint:primary_key", StringComparison.OrdinalIgnoreCase))
                || props.Versions.Any(v => v.Columns.Any(c => c.HasTest("unique") && c.HasTest("not_null")));
        }
    }

    private sealed class SelectStarFinal : Rule
    {
        public override string Id => "select-star-final";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "A * in a model's final projection makes its columns change whenever upstream changes, breaking consumers silently.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (path, facts, node) in ChangedSqlFiles(context, includeOther: false))
            {
                if (node?.Kind != DbtNodeKind.Model || facts.StarRelation?.Kind is not (RelationKind.Ref or RelationKind.Source or RelationKind.Table) || facts.StarGenerated || !context.IsAdded(path, facts.StarLine))
                {
                    continue;
                }

                yield return context.Report(this, path, facts.StarLine, $"`select *` reaches the output of `{node.Name}`",
                    $"The final projection of `{node.Name}` expands `*` from a ref, source or table, so its columns change whenever upstream changes and consumers break without warning. List the columns explicitly (a final `select * from <cte>` is fine when that CTE lists them).");
            }
        }
    }

    private sealed class JoinWithoutCondition : Rule
    {
        public override string Id => "join-without-condition";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "A join without a condition is a cross join: row counts multiply and results are wrong.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (path, facts, _) in ChangedSqlFiles(context, includeOther: true))
            {
                foreach (var select in facts.Selects)
                {
                    foreach (var join in select.Joins)
                    {
                        // Unnest, flatten, from t, t.arr and table functions are not joins; an opaque side (an unresolved macro) is unknown.
                        if (join.HasCondition || join.NotARealJoin || join.Generated || join.Right.Kind == RelationKind.Opaque || join.Kind.Contains("cross", StringComparison.Ordinal) || !context.IsAdded(path, join.Line))
                        {
                            continue;
                        }

                        if (join.Implicit && select.HasWhere)
                        {
                            continue;
                        }

                        yield return context.Report(this, path, join.Line, join.Implicit ? "Implicit cross join" : $"{Capitalize(join.Kind)} join without ON/USING",
                            join.Implicit
                                ? $"`{Name(join.Right)}` is joined with a comma and no WHERE condition: every row is paired with every row. Write an explicit `join ... on` with the key, or `cross join` if the product is intended."
                                : $"The join to `{Name(join.Right)}` has no ON or USING condition, so it behaves as a cross join and multiplies rows. Add the join condition, or write `cross join` if the product is intended.");
                    }
                }
            }
        }
    }

    private sealed class ImplicitJoin : Rule
    {
        public override string Id => "implicit-join";

        public override Severity DefaultSeverity => Severity.Low;

        public override string Rationale => "Comma joins hide the join condition in WHERE; a forgotten predicate becomes a cross join.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (path, facts, _) in ChangedSqlFiles(context, includeOther: true))
            {
                foreach (var select in facts.Selects.Where(s => s.HasWhere))
                {
                    foreach (var join in select.Joins.Where(j => j.Implicit && !j.HasCondition && !j.NotARealJoin && !j.Generated && j.Right.Kind != RelationKind.Opaque && context.IsAdded(path, j.Line)))
                    {
                        yield return context.Report(this, path, join.Line, "Comma join",
                            $"`{Name(join.Right)}` is joined with a comma and the condition lives in WHERE. Use `join {Name(join.Right)} on ...` so a missing predicate cannot silently become a cross join.");
                    }
                }
            }
        }
    }

    private sealed class EqualsNull : Rule
    {
        public override string Id => "equals-null";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "A comparison with NULL using = or <> is never true, so the filter silently drops or keeps everything.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (path, facts, _) in ChangedSqlFiles(context, includeOther: true))
            {
                foreach (var line in facts.EqualsNullLines.Distinct())
                {
                    if (context.IsAdded(path, line))
                    {
                        yield return context.Report(this, path, line, "Comparison with NULL using `=`/`<>`",
                            "`= null` and `<> null` evaluate to NULL, never true: the condition matches no rows (or, negated, filters nothing as intended). Use `is null` / `is not null`.");
                    }
                }
            }
        }
    }

    private sealed class LimitWithoutOrderBy : Rule
    {
        public override string Id => "limit-without-order-by";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "LIMIT without ORDER BY returns an arbitrary subset that changes between runs.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (path, facts, node) in ChangedSqlFiles(context, includeOther: false))
            {
                if (node is null)
                {
                    continue;
                }

                var persisted = node.Materialization is "table" or "incremental" or "snapshot" or "materialized_view" or "dynamic_table" || node.Kind == DbtNodeKind.Snapshot;
                foreach (var limit in facts.Limits)
                {
                    // limit 0 builds an empty table with the right columns; a limit only a dev target renders is sampling.
                    if (limit.IsZero || limit.HasOrderBy || limit.Generated || !context.IsAdded(path, limit.Line) || JinjaBlocks.InTargetBranch(context.Files.Head(path), limit.Line))
                    {
                        continue;
                    }

                    yield return context.Report(this, path, limit.Line, "LIMIT without ORDER BY",
                        persisted
                            ? $"`{node.Name}` is stored as `{node.Materialization}` with `limit {limit.Count}` and no ORDER BY: the database keeps any rows it likes, so the table's content differs between runs and environments. Add an ORDER BY on a unique key, or remove the LIMIT (use `qualify row_number() ...` for top-N per group)."
                            : $"`limit {limit.Count}` without ORDER BY returns any rows the database likes, so `{node.Name}` gives different results between runs. Add an ORDER BY on a unique key, or remove the LIMIT.",
                        persisted ? null : Severity.Low);
                }
            }
        }
    }

    private sealed class UnusedCte : Rule
    {
        public override string Id => "unused-cte";

        public override Severity DefaultSeverity => Severity.Low;

        public override string Rationale => "An unused CTE is dead code: it confuses readers and may still be computed.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (path, facts, _) in ChangedSqlFiles(context, includeOther: true))
            {
                foreach (var cte in facts.Ctes.Where(c => !c.Used && !c.Generated && context.IsAdded(path, c.Line)))
                {
                    yield return context.Report(this, path, cte.Line, $"CTE `{cte.Name}` is never used",
                        $"`{cte.Name}` is defined but nothing selects from it. Remove it, or use it where it was meant to be used.");
                }
            }
        }
    }

    internal static string Name(SqlRelation relation) => relation.Kind switch
    {
        RelationKind.Subquery => "a subquery",
        _ => relation.Alias ?? relation.Name,
    };

    internal static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    private static string? Similar(string name, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            if (Math.Abs(candidate.Length - name.Length) > 2)
            {
                continue;
            }

            var d = Distance(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance && d <= Math.Max(1, name.Length / 6))
            {
                best = candidate;
                bestDistance = d;
            }
        }

        return best;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
