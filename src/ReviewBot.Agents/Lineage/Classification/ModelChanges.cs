using System.Runtime.CompilerServices;
using ReviewBot.Agents.Context;
using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Core.Reports;
using ReviewBot.Dbt.Projects;
using ReviewBot.Dbt.Rendering;
using ReviewBot.Sql;
using ReviewBot.Sql.Diff;
using ReviewBot.Sql.Lineage;
using ReviewBot.Sql.Parsing;
using ReviewBot.Sql.Scopes;
using ReviewBot.Sql.Syntax;
using DbtNode = ReviewBot.Agents.Context.Dbt.DbtNode;

namespace ReviewBot.Agents.Lineage.Classification;

/// <summary>
/// The change classification of every changed dbt model (added, removed, breaking, partial, non_breaking, unknown,
/// config_only) and what each change reaches downstream, column by column. Built once per run and per graph, lazily:
/// only the changed models (base and head renderings) and their descendants at head are parsed; every other relation
/// they read is described by its YAML <c>columns:</c>.
/// </summary>
internal sealed class ModelChanges
{
    private static readonly ConditionalWeakTable<DbtGraph, ModelChanges> Cache = new();

    /// <summary>Configuration keys whose change is noted on the classification.</summary>
    internal static readonly string[] ConfigKeys =
        ["materialized", "unique_key", "incremental_strategy", "on_schema_change", "partition_by", "cluster_by", "alias", "schema", "database", "full_refresh"];

    /// <summary>Keys whose change moves the relation consumers read: a breaking change.</summary>
    private static readonly string[] RelationKeys = ["alias", "schema", "database"];

    /// <summary>At most this many descendants are parsed per run; beyond it, downstream lists come from the ref graph only.</summary>
    internal const int MaxParsedDescendants = 20_000;

    private ModelChanges(IReadOnlyList<ModelChange> changes, ImpactLineage lineage)
    {
        Changes = changes;
        Lineage = lineage;
    }

    public IReadOnlyList<ModelChange> Changes { get; }

    /// <summary>The column lineage of the changed models (at base where they existed) and their descendants at head.</summary>
    public ImpactLineage Lineage { get; }

    /// <summary>The report's <c>models[]</c>.</summary>
    public IReadOnlyList<ModelChangeReport> Reports => Changes.Select(c => c.ToReport()).ToList();

    /// <summary>The classification of <paramref name="graph"/>, computed on first use and shared by every rule of the run.</summary>
    public static ModelChanges For(DbtGraph graph, CancellationToken cancellationToken = default) =>
        Cache.GetValue(graph, g => Build(g, cancellationToken));

    internal static ModelChanges Build(DbtGraph graph, CancellationToken cancellationToken)
    {
        var candidates = Candidates(graph);

        // Classify from the changed models alone; then parse the descendants of only those changes whose impact is
        // traced column by column (partial, breaking, removed). Adding a column to a model with thousands of
        // descendants parses two files.
        var light = ImpactLineage.Build(graph, candidates, [], null, cancellationToken);
        // Each classification reads only immutable facts, so a change of hundreds of models uses both cores.
        var classified = candidates.AsParallel().AsOrdered().WithCancellation(cancellationToken).Select(c => Classify(graph, c, light)).ToList();

        var expand = classified.Where(c => c.Change.Kind is ModelChangeKind.Partial or ModelChangeKind.Breaking or ModelChangeKind.Removed)
            .Select(c => c.LineageName).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var lineage = expand.Count == 0 ? light : ImpactLineage.Build(graph, candidates, expand, light, cancellationToken);
        var changes = classified.Select(c => WithDownstream(graph, c.Change, lineage, c.LineageName, c.Affected, c.Everything))
            .OrderBy(c => c.File, StringComparer.Ordinal).ThenBy(c => c.Name, StringComparer.OrdinalIgnoreCase).ToList();
        return new ModelChanges(changes, lineage);
    }

    // ---- which models changed ----

    private static List<Candidate> Candidates(DbtGraph graph)
    {
        var files = graph.Files;
        var result = new List<Candidate>();
        var headSeen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var baseSeen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, _) in files.Changed.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            foreach (var node in graph.Head.NodesAt(path).Where(IsModel))
            {
                if (!headSeen.Add(node.Name))
                {
                    continue;
                }

                var before = BaseOf(graph, node);
                if (before is not null)
                {
                    baseSeen.Add(before.Name);
                }

                result.Add(new Candidate(node, before, CandidateKind.File));
            }
        }

        foreach (var (path, _) in files.ChangedBase.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            foreach (var node in graph.Base.NodesAt(path).Where(IsModel))
            {
                if (baseSeen.Contains(node.Name) || graph.Head.Nodes.ContainsKey(node.Name) || !baseSeen.Add(node.Name))
                {
                    continue;
                }

                result.Add(new Candidate(null, node, CandidateKind.File));
            }
        }

        // Configuration set outside the model file (properties YAML, dbt_project.yml folders) changes models whose SQL did not.
        var yamlChanged = files.Changed.Keys.Concat(files.ChangedBase.Keys).Any(p => p.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || p.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase));
        if (yamlChanged)
        {
            foreach (var node in graph.Head.Nodes.Values.Where(IsModel).OrderBy(n => n.Path, StringComparer.Ordinal))
            {
                if (headSeen.Contains(node.Name) || !graph.Base.Nodes.TryGetValue(node.Name, out var before) || baseSeen.Contains(before.Name))
                {
                    continue;
                }

                if (ConfigDiff(before, null, node, null).Count > 0)
                {
                    headSeen.Add(node.Name);
                    result.Add(new Candidate(node, before, CandidateKind.Config));
                }
            }
        }

        return result;
    }

    private static bool IsModel(DbtNode node) => node.Kind is DbtNodeKind.Model or DbtNodeKind.Snapshot;

    /// <summary>The base node of a head model: by name, else by the old path of a renamed file (a copy is a new model).</summary>
    internal static DbtNode? BaseOf(DbtGraph graph, DbtNode head)
    {
        if (graph.Base.Nodes.TryGetValue(head.Name, out var byName))
        {
            return byName;
        }

        var change = graph.Files.Changed.GetValueOrDefault(head.Path);
        return change is { Kind: Core.Changes.ChangeKind.Renamed, OldPath: { } old } && graph.Base.NodesByPath.TryGetValue(old, out var byPath) ? byPath : null;
    }

    // ---- classification ----

    /// <summary>A classification before its downstream impact is traced: the lineage name to trace from and which columns.</summary>
    private sealed record Classified(ModelChange Change, string LineageName, IReadOnlyList<string> Affected, bool Everything);

    private static Classified Classify(DbtGraph graph, Candidate candidate, ImpactLineage lineage)
    {
        var (head, before, kind) = candidate;
        var name = head?.Name ?? before!.Name;
        var file = head?.Path ?? before!.Path;
        var project = (head ?? before)!.Project.Name;
        var beforeModel = before is null ? null : lineage.Base(before.Path);
        var afterModel = head is null ? null : lineage.Head(head.Path);
        var config = head is not null && before is not null ? ConfigDiff(before, beforeModel?.Rendered, head, afterModel?.Rendered) : [];
        var change = new ModelChange
        {
            Name = name, File = file, Project = project, Head = head, Base = before, Before = beforeModel, After = afterModel, Config = config,
            Kind = ModelChangeKind.Unknown, Reason = string.Empty,
        };

        if (head is null)
        {
            var removed = lineage.OutputColumns(before!.Name, atBase: true);
            change = change with
            {
                Kind = ModelChangeKind.Removed,
                Reason = graph.Files.ChangedBase.GetValueOrDefault(before.Path)?.Kind == Core.Changes.ChangeKind.Deleted ? "model file deleted" : "model no longer defined",
                Columns = new ModelColumnChanges { Removed = removed },
            };
            return new Classified(change, before.Name, removed, Everything: true);
        }

        if (before is null)
        {
            var added = lineage.OutputColumns(head.Name, atBase: false);
            change = change with
            {
                Kind = ModelChangeKind.Added,
                Reason = afterModel?.Problem is { } problem ? $"new model ({problem})" : "new model",
                Columns = new ModelColumnChanges { Added = added },
            };
            return new Classified(change, head.Name, [], Everything: false);
        }

        var configText = config.Count == 0 ? string.Empty : "; config: " + string.Join(", ", config);
        if (kind == CandidateKind.Config)
        {
            var moved = config.Where(c => RelationKeys.Contains(c.Key)).ToList();
            change = moved.Count > 0
                ? change with { Kind = ModelChangeKind.Breaking, Reason = $"relation moved ({string.Join(", ", moved)}): consumers outside dbt read the old name{configText}" }
                : change with { Kind = ModelChangeKind.ConfigOnly, Reason = "configuration changed outside the model file" + configText };
            return new Classified(change, name, [], Everything: moved.Count > 0);
        }

        if (head.Language != "sql" || before.Language != "sql")
        {
            change = change with { Kind = ModelChangeKind.Unknown, Reason = "Python model: its output is not read statically" + configText };
            return new Classified(change, name, [], Everything: true);
        }

        if (beforeModel is null || afterModel is null || beforeModel.Problem is not null || afterModel.Problem is not null)
        {
            var which = beforeModel is null ? "base version was not rendered" : afterModel is null ? "head version was not rendered"
                : beforeModel.Problem is { } bp ? "base version " + bp : "head version " + afterModel.Problem;
            change = change with { Kind = ModelChangeKind.Unknown, Reason = which + configText };
            return new Classified(change, name, [], Everything: true);
        }

        var diff = SqlQueryDiff.Compare(beforeModel.Parse, afterModel.Parse, lineage.Schema);
        var columns = new ModelColumnChanges
        {
            Removed = diff.Removed,
            Added = diff.Added,
            Renamed = diff.Renamed.Select(r => new ModelColumnRename(r.From, r.To)).ToList(),
            Modified = diff.Modified,
        };
        change = change with { Sql = diff, Columns = columns };
        var partialRender = beforeModel.Rendered.Status == RenderStatus.Partial || afterModel.Rendered.Status == RenderStatus.Partial;
        var movedKeys = config.Where(c => RelationKeys.Contains(c.Key)).ToList();
        if (!string.Equals(before.Name, head.Name, StringComparison.OrdinalIgnoreCase))
        {
            change = change with { Kind = ModelChangeKind.Breaking, Reason = $"renamed from `{before.Name}`: `ref('{before.Name}')` no longer resolves; {diff.Reason}{configText}" };
        }
        else if (movedKeys.Count > 0)
        {
            change = change with { Kind = ModelChangeKind.Breaking, Reason = $"relation moved ({string.Join(", ", movedKeys)}): consumers outside dbt read the old name{configText}" };
        }
        else
        {
            change = diff.Category switch
            {
                SqlChangeCategory.Breaking => change with { Kind = ModelChangeKind.Breaking, Reason = diff.Reason + configText },
                SqlChangeCategory.Partial => change with { Kind = ModelChangeKind.Partial, Reason = diff.Reason + configText },
                SqlChangeCategory.Unknown => change with { Kind = ModelChangeKind.Unknown, Reason = diff.Reason + configText },
                _ when partialRender && !SameText(graph, before.Path, head.Path) => change with
                {
                    Kind = ModelChangeKind.Unknown,
                    Reason = $"{(diff.Category == SqlChangeCategory.NonBreaking ? diff.Reason + ", but" : "the rendered SQL is unchanged, but")} parts could not be rendered ({Unresolved(beforeModel, afterModel)}), so a change inside them cannot be seen{configText}",
                },
                SqlChangeCategory.NonBreaking => change with { Kind = ModelChangeKind.NonBreaking, Reason = diff.Reason + configText },
                _ when config.Count > 0 => change with { Kind = ModelChangeKind.ConfigOnly, Reason = "SQL computes the same output" + configText },
                _ => change with { Kind = ModelChangeKind.NonBreaking, Reason = "no change to what the query computes (layout or comments)" },
            };
        }

        var affected = change.Kind == ModelChangeKind.Partial ? columns.Removed.Concat(columns.Renamed.Select(r => r.From)).Concat(columns.Modified).ToList() : [];
        return new Classified(change, before.Name, affected, Everything: change.Kind is ModelChangeKind.Breaking);
    }

    private static string Unresolved(ParsedModel before, ParsedModel after)
    {
        var names = before.Rendered.Unresolved.Concat(after.Rendered.Unresolved).Distinct(StringComparer.Ordinal).Take(3).ToList();
        if (names.Count > 0)
        {
            return "unresolved: " + string.Join(", ", names);
        }

        return string.Join("; ", before.Rendered.PartialReasons.Concat(after.Rendered.PartialReasons).Distinct(StringComparer.Ordinal).Take(2));
    }

    /// <summary>True when the two model texts differ only in whitespace and comments.</summary>
    private static bool SameText(DbtGraph graph, string basePath, string headPath)
    {
        var before = graph.Files.Base(basePath);
        var after = graph.Files.Head(headPath);
        return before is not null && after is not null && string.Equals(Normalize(before), Normalize(after), StringComparison.Ordinal);
    }

    private static string Normalize(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == '-' && i + 1 < text.Length && text[i + 1] == '-')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }

                continue;
            }

            if ((text[i] == '/' && i + 1 < text.Length && text[i + 1] == '*') || (text[i] == '{' && i + 1 < text.Length && text[i + 1] == '#'))
            {
                var close = text[i] == '/' ? "*/" : "#}";
                var end = text.IndexOf(close, i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 2;
                continue;
            }

            if (!char.IsWhiteSpace(text[i]))
            {
                sb.Append(char.ToLowerInvariant(text[i]));
            }

            i++;
        }

        return sb.ToString();
    }

    /// <summary>
    /// Fills what the change reaches: every consumer in the ref graph (any depth, across projects through sources), and
    /// column by column through the lineage: <paramref name="affected"/> columns for a partial change, every column
    /// when <paramref name="everything"/> (breaking, removed, unknown).
    /// </summary>
    private static ModelChange WithDownstream(DbtGraph graph, ModelChange change, ImpactLineage lineage, string lineageName, IReadOnlyList<string> affected, bool everything)
    {
        var consumers = lineage.Consumers(lineageName);
        if (change.Head is { } h && !string.Equals(h.Name, lineageName, StringComparison.OrdinalIgnoreCase))
        {
            consumers = consumers.Concat(lineage.Consumers(h.Name)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        }

        var exposuresOf = (IEnumerable<string> models) => models.Prepend(lineageName).Concat(change.Head is { } hn ? [hn.Name] : [])
            .SelectMany(m => graph.Head.ExposuresOf(m)).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase).ToList();
        var allExposures = exposuresOf(consumers);
        change = change with { Consumers = consumers, ConsumerExposures = allExposures };
        switch (change.Kind)
        {
            case ModelChangeKind.Partial:
            {
                var readers = new Dictionary<string, ColumnReaders>(StringComparer.OrdinalIgnoreCase);
                var models = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                var columns = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var column in affected)
                {
                    var found = lineage.Readers(lineageName, column);
                    readers[column] = found;
                    models.UnionWith(found.Models);
                    columns.UnionWith(found.Columns);
                }

                var ordered = consumers.Where(models.Contains).ToList();
                return change with
                {
                    Readers = readers,
                    Downstream = new ModelDownstream { Models = ordered, Columns = [.. columns], Exposures = ordered.Count > 0 ? exposuresOf(ordered) : [] },
                };
            }

            case ModelChangeKind.Breaking or ModelChangeKind.Removed when everything:
            {
                var readers = new Dictionary<string, ColumnReaders>(StringComparer.OrdinalIgnoreCase);
                foreach (var column in change.Columns.Removed.Concat(change.Columns.Renamed.Select(r => r.From)))
                {
                    readers[column] = lineage.Readers(lineageName, column);
                }

                var columns = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var column in lineage.OutputColumns(lineageName, atBase: change.Base is not null))
                {
                    columns.UnionWith(lineage.DerivedColumns(lineageName, column));
                }

                return change with { Readers = readers, Downstream = new ModelDownstream { Models = consumers, Columns = [.. columns], Exposures = allExposures } };
            }

            default:
                return change with { Downstream = new ModelDownstream { Models = consumers, Exposures = allExposures } };
        }
    }

    // ---- configuration ----

    /// <summary>The configuration keys whose effective value differs: rendered <c>config()</c> when both sides have it, else the graph's precedence (SQL, YAML, folders).</summary>
    internal static IReadOnlyList<ConfigChange> ConfigDiff(DbtNode before, RenderedModel? beforeRendered, DbtNode after, RenderedModel? afterRendered)
    {
        var result = new List<ConfigChange>();
        foreach (var key in ConfigKeys)
        {
            string? was;
            string? now;
            if (beforeRendered?.ConfigValue(key) is { } b && afterRendered?.ConfigValue(key) is { } a)
            {
                was = Text(b);
                now = Text(a);
            }
            else if (key == "materialized")
            {
                was = before.Materialization;
                now = after.Materialization;
            }
            else
            {
                was = Clean(beforeRendered?.ConfigValue(key) is { } rb ? Text(rb) : before.ConfigValue(key));
                now = Clean(afterRendered?.ConfigValue(key) is { } ra ? Text(ra) : after.ConfigValue(key));
            }

            if (!string.Equals(Squash(was), Squash(now), StringComparison.OrdinalIgnoreCase))
            {
                result.Add(new ConfigChange(key, was, now));
            }
        }

        return result;
    }

    private static string? Clean(string? value) => value?.Trim().Trim('\'', '"');

    // Quotes, spaces and dict-vs-YAML spelling differ between config() and YAML; compare what is left.
    private static string? Squash(string? value) => value is null ? null : new string(value.Where(c => !char.IsWhiteSpace(c) && c is not ('\'' or '"' or '{' or '}' or '[' or ']')).ToArray());

    /// <summary>A config value as short text: strings as is, lists and dicts in Python-like notation, bounded in depth.</summary>
    internal static string Text(object? value, int depth = 0) => value switch
    {
        null => "none",
        string s => s,
        bool flag => flag ? "true" : "false",
        _ when depth > 4 => "…",
        IDictionary<string, object?> map => "{" + string.Join(", ", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}: {Text(kv.Value, depth + 1)}")) + "}",
        System.Collections.IEnumerable list => "[" + string.Join(", ", list.Cast<object?>().Select(v => Text(v, depth + 1))) + "]",
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    internal enum CandidateKind
    {
        /// <summary>The model file changed (added, removed, modified, renamed).</summary>
        File,

        /// <summary>Only configuration outside the model file changed.</summary>
        Config,
    }

    internal sealed record Candidate(DbtNode? Head, DbtNode? Base, CandidateKind Kind);
}
