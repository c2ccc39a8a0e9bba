using System.Text;
using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Agents.Rules;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Lineage;

/// <summary>The lineage agent's rules: the ref/source graph at base versus head.</summary>
internal static class LineageRules
{
    public static IReadOnlyList<Rule> All { get; } =
        [new DownstreamImpact(), new ColumnRemovedReferenced(), new RemovedNodeReferenced(), new ContractBreakingChange()];

    private sealed class DownstreamImpact : Rule
    {
        public override string Id => "downstream-impact";

        public override Severity DefaultSeverity => Severity.Info;

        public override string Rationale => "Reviewers should know which models and exposures a change reaches before approving it.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            var changed = new List<string>();
            var findings = new List<Finding>();
            foreach (var (node, file) in context.ChangedNodes())
            {
                if (context.IsNew(node))
                {
                    continue;
                }

                changed.Add(node.Name);
                var downstream = context.Dbt.Head.Downstream(node.Name);
                if (downstream.Count == 0)
                {
                    continue;
                }

                var models = downstream.Where(d => d.Kind != "exposure").ToList();
                var exposures = downstream.Where(d => d.Kind == "exposure").Select(d => d.Name).Distinct().ToList();
                var direct = models.Where(d => d.Depth == 1).Select(d => d.Name).ToList();
                var depth = downstream.Max(d => d.Depth);
                var text = new StringBuilder();
                text.Append(models.Count == 0
                    ? $"`{node.Name}` feeds no downstream model"
                    : $"`{node.Name}` feeds {Count(models.Count, "downstream model")} (up to {depth} level{(depth == 1 ? "" : "s")} deep)");
                if (direct.Count > 0)
                {
                    text.Append($"; directly: {List(direct, 8)}");
                }

                if (exposures.Count > 0)
                {
                    text.Append($"; exposures: {List(exposures, 8)}");
                }

                text.Append(". Check that these still build and mean the same after this change (`dbt build -s ").Append(node.Name).Append("+`).");
                var title = exposures.Count == 0 ? $"`{node.Name}` feeds {Count(models.Count, "downstream model")}"
                    : models.Count == 0 ? $"`{node.Name}` feeds {Count(exposures.Count, "exposure")}"
                    : $"`{node.Name}` feeds {Count(models.Count, "model")} and {Count(exposures.Count, "exposure")}";
                findings.Add(context.Report(this, file.Path, null, title, text.ToString(),
                    exposures.Count > 0 ? Severity.Low : null));
            }

            if (changed.Count > 0)
            {
                var graph = Mermaid(context.Dbt.Head, changed, 40);
                if (graph is not null)
                {
                    context.Notes.Add(graph);
                }
            }

            return findings;
        }
    }

    /// <summary>Notes that hold a Mermaid graph start with this prefix (a fenced <c>mermaid</c> block).</summary>
    public const string MermaidNotePrefix = "```mermaid";

    /// <summary>A compact Mermaid graph of the changed nodes and their descendants, capped at <paramref name="maxNodes"/> nodes.</summary>
    internal static string? Mermaid(DbtState state, IReadOnlyList<string> changed, int maxNodes)
    {
        var ids = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var edges = new List<(string From, string To)>();
        var exposures = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<string>();
        var omitted = 0;
        string Id(string name, bool exposure = false)
        {
            var key = exposure ? "exposure:" + name : name;
            if (!ids.TryGetValue(key, out var id))
            {
                id = $"n{ids.Count}";
                ids[key] = id;
                if (exposure)
                {
                    exposures.Add(key);
                }
            }

            return id;
        }

        foreach (var name in changed.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (ids.Count >= maxNodes)
            {
                omitted++;
                continue;
            }

            Id(name);
            queue.Enqueue(name);
        }

        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            foreach (var child in state.ChildrenOf(current))
            {
                if (!ids.ContainsKey(child) && ids.Count >= maxNodes)
                {
                    omitted++;
                    continue;
                }

                var known = ids.ContainsKey(child);
                edges.Add((Id(current), Id(child)));
                if (!known)
                {
                    queue.Enqueue(child);
                }
            }

            foreach (var exposure in state.ExposuresOf(current))
            {
                if (!ids.ContainsKey("exposure:" + exposure) && ids.Count >= maxNodes)
                {
                    omitted++;
                    continue;
                }

                edges.Add((Id(current), Id(exposure, exposure: true)));
            }
        }

        if (edges.Count == 0)
        {
            return null;
        }

        var sb = new StringBuilder();
        sb.Append(MermaidNotePrefix).Append('\n').Append("graph LR\n");
        var changedSet = new HashSet<string>(changed, StringComparer.OrdinalIgnoreCase);
        foreach (var (key, id) in ids)
        {
            var label = Label(key.StartsWith("exposure:", StringComparison.Ordinal) ? key[9..] : key);
            sb.Append("  ").Append(id).Append(exposures.Contains(key) ? $"([\"{label}\"])" : $"[\"{label}\"]");
            if (changedSet.Contains(key))
            {
                sb.Append(":::changed");
            }

            sb.Append('\n');
        }

        foreach (var (from, to) in edges.Distinct())
        {
            sb.Append("  ").Append(from).Append(" --> ").Append(to).Append('\n');
        }

        if (omitted > 0)
        {
            sb.Append($"  more[\"… {omitted} more\"]\n");
        }

        sb.Append("  classDef changed stroke-width:3px\n```");
        return sb.ToString();
    }

    /// <summary>Longest node label in the graph; a longer name ends at a word boundary with an ellipsis.</summary>
    internal const int MaxLabel = 60;

    /// <summary>
    /// A node's label: the name with only characters Mermaid shows as written. A name longer than
    /// <see cref="MaxLabel"/> is cut after its last whole word (<c>_</c>, <c>.</c>, <c>-</c> or space) and ends with "…",
    /// never in the middle of a word; the finding messages carry the full name.
    /// </summary>
    internal static string Label(string name)
    {
        var safe = new string(name.Where(c => char.IsLetterOrDigit(c) || c is '_' or '.' or '-' or ' ').ToArray());
        if (safe.Length <= MaxLabel)
        {
            return safe;
        }

        var cut = safe.LastIndexOfAny(['_', '.', '-', ' '], MaxLabel - 1);
        return safe[..(cut > MaxLabel / 2 ? cut : MaxLabel - 1)] + "…";
    }

    private sealed class ColumnRemovedReferenced : Rule
    {
        public override string Id => "column-removed-referenced";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "Removing or renaming an output column breaks every downstream model that still selects it.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (node, file) in context.ChangedNodes())
            {
                var baseNode = context.BaseOf(node);
                if (baseNode is null || node.Kind == DbtNodeKind.Seed)
                {
                    continue;
                }

                var before = context.Sql.Base(baseNode.Path);
                var after = context.Sql.Head(node.Path);
                if (before?.OutputColumns is not { } oldColumns || after?.OutputColumns is not { } newColumns || after.StarReachesFinal || before.StarReachesFinal)
                {
                    continue;
                }

                var newNames = newColumns.Where(c => c.Name is not null).Select(c => c.Name!).ToHashSet(StringComparer.OrdinalIgnoreCase);
                if (newColumns.Any(c => c.Name is null && !c.IsStar))
                {
                    // An unnamed expression may still produce the column under a name we cannot see.
                    continue;
                }

                foreach (var removed in oldColumns.Where(c => c.Name is not null && !newNames.Contains(c.Name)).DistinctBy(c => c.Name!.ToLowerInvariant()))
                {
                    var name = removed.Name!;
                    var readers = new List<string>();
                    foreach (var child in context.Dbt.Head.ChildrenOf(node.Name).Distinct(StringComparer.OrdinalIgnoreCase))
                    {
                        if (context.Dbt.Head.Nodes.TryGetValue(child, out var childNode) && childNode.Language == "sql"
                            && context.Sql.Head(childNode.Path)?.Identifiers.Contains(name.ToLowerInvariant()) == true)
                        {
                            readers.Add(child);
                        }
                    }

                    var exposures = context.Dbt.Head.ExposuresOf(node.Name);
                    if (readers.Count == 0)
                    {
                        continue;
                    }

                    var renamedTo = newColumns.FirstOrDefault(c => c.Name is not null && !oldColumns.Any(o => string.Equals(o.Name, c.Name, StringComparison.OrdinalIgnoreCase))
                        && c.Expression.Contains(name, StringComparison.OrdinalIgnoreCase))?.Name;
                    var line = context.HeadLineNearRemoved(file.Path, removed.Line);
                    var what = renamedTo is null ? "removed" : $"renamed to `{renamedTo}`";
                    yield return context.Report(this, file.Path, line, $"Column `{name}` {what} but still used downstream",
                        $"`{node.Name}.{name}` is {what} in this change, but {List(readers, 6)} still reference{(readers.Count == 1 ? "s" : "")} `{name}` and will fail (or change meaning) on the next run{(exposures.Count > 0 ? $"; exposures {List(exposures, 4)} may break too" : "")}. Update those models in the same PR, or keep `{name}` (e.g. `{renamedTo ?? "new_expression"} as {name}`) until they migrate.");
                }
            }
        }
    }

    private sealed class RemovedNodeReferenced : Rule
    {
        public override string Id => "removed-node-referenced";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "Deleting or renaming a model or source that others still ref breaks the project build.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            var head = context.Dbt.Head;
            foreach (var baseNode in context.Dbt.Base.Nodes.Values)
            {
                if (head.Resolves(baseNode.Name) || !context.Files.ChangedBase.TryGetValue(baseNode.Path, out var change))
                {
                    continue;
                }

                var readers = head.ChildrenOf(baseNode.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                var exposures = head.ExposuresOf(baseNode.Name);
                if (readers.Count == 0 && exposures.Count == 0)
                {
                    continue;
                }

                var file = change.Kind == ChangeKind.Deleted ? change.BasePath : change.Path;
                var what = change.Kind == ChangeKind.Renamed ? $"renamed (now `{change.Path}`)" : change.Kind == ChangeKind.Deleted ? "deleted" : "no longer defined";
                yield return context.Report(this, file, null, $"`{baseNode.Name}` is {(change.Kind == ChangeKind.Renamed ? "renamed" : "removed")} but still referenced",
                    $"`{baseNode.Name}` is {what}, but {(readers.Count > 0 ? $"{List(readers, 6)} still `ref('{baseNode.Name}')`" : "")}{(readers.Count > 0 && exposures.Count > 0 ? " and " : "")}{(exposures.Count > 0 ? $"exposures {List(exposures, 4)} depend on it" : "")}. The project will not compile. Update the references in this PR, or keep the model (deprecate it first).",
                    anchor: $"{baseNode.Name} removed");
            }

            foreach (var (key, source) in context.Dbt.Base.Sources)
            {
                if (head.Sources.ContainsKey(key))
                {
                    continue;
                }

                var readers = head.ChildrenOf("source:" + key).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
                if (readers.Count == 0)
                {
                    continue;
                }

                var line = context.HeadLineNearRemoved(source.File, source.Line);
                yield return context.Report(this, source.File, line, $"Source `{key}` removed but still used",
                    $"The source table `{key}` is no longer declared, but {List(readers, 6)} still call `source('{source.Source}', '{source.Table}')`. The project will not compile. Keep the declaration or update those models.",
                    anchor: $"source {key} removed");
            }
        }
    }

    private sealed class ContractBreakingChange : Rule
    {
        public override string Id => "contract-breaking-change";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "A model with an enforced contract (or a published version) promises its columns and types to consumers.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var file in context.Changed)
            {
                foreach (var node in context.Dbt.Head.NodesAt(file.Path).Concat(NodesDocumentedIn(context, file.Path)))
                {
                    if (!seen.Add(node.Name) || context.BaseOf(node) is not { Properties: { } before } || node.Properties is not { } after)
                    {
                        continue;
                    }

                    if (!before.ContractEnforced || before.Versions.Count > 0 && after.Versions.Count > 0)
                    {
                        foreach (var finding in VersionChanges(context, node.Name, before, after))
                        {
                            yield return finding;
                        }

                        if (!before.ContractEnforced)
                        {
                            continue;
                        }
                    }

                    if (!after.ContractEnforced)
                    {
                        yield return context.Report(this, after.File, after.Line, $"Contract of `{node.Name}` no longer enforced",
                            $"`{node.Name}` had `contract: {{enforced: true}}` and this change turns it off, so consumers lose the guarantee on its columns and types. Keep the contract and version the model (`versions:`) if its shape must change.");
                        continue;
                    }

                    foreach (var column in before.Columns)
                    {
                        var now = after.Column(column.Name);
                        if (now is null)
                        {
                            yield return context.Report(this, after.File, context.HeadLineNearRemoved(after.File, column.Line), $"Contracted column `{node.Name}.{column.Name}` removed",
                                $"`{column.Name}` is part of the enforced contract of `{node.Name}`; removing it breaks consumers. Add a new model version without the column (keep the old version for a deprecation window) instead of changing it in place.",
                                anchor: $"{node.Name}.{column.Name} removed from contract");
                        }
                        else if (column.DataType is not null && now.DataType is not null && !column.DataType.Equals(now.DataType, StringComparison.OrdinalIgnoreCase))
                        {
                            yield return context.Report(this, after.File, now.Line, $"Contracted type of `{node.Name}.{column.Name}` changed",
                                $"`{column.Name}` changes from `{column.DataType}` to `{now.DataType}` under an enforced contract; consumers that cast or compare it may break. Publish the change as a new model version.");
                        }
                    }
                }
            }
        }

        private IEnumerable<Finding> VersionChanges(RuleContext context, string model, DbtProperties before, DbtProperties after)
        {
            foreach (var version in before.Versions)
            {
                var now = after.Versions.FirstOrDefault(v => v.Version == version.Version);
                if (now is null)
                {
                    continue;
                }

                var removed = version.Columns.Where(c => !now.Columns.Any(n => n.Name.Equals(c.Name, StringComparison.OrdinalIgnoreCase))).Select(c => c.Name).ToList();
                if (removed.Count > 0)
                {
                    yield return context.Report(this, after.File, now.Line, $"Published version {version.Version} of `{model}` changed in place",
                        $"Version {version.Version} of `{model}` loses {List(removed, 6)}. Consumers pinned to v{version.Version} break. Add a new version (e.g. v{NextVersion(after)}) with the new shape and keep v{version.Version} unchanged until its deprecation date.");
                }
            }
        }

        private static string NextVersion(DbtProperties props) =>
            (props.Versions.Select(v => int.TryParse(v.Version, out var n) ? n : 0).DefaultIfEmpty(0).Max() + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static IEnumerable<DbtNode> NodesDocumentedIn(RuleContext context, string path) =>
        path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase)
            ? context.Dbt.Head.DocumentedIn(path)
            : [];

    internal static string List(IReadOnlyList<string> names, int max) =>
        string.Join(", ", names.Take(max).Select(n => $"`{n}`")) + (names.Count > max ? $" and {names.Count - max} more" : "");

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
