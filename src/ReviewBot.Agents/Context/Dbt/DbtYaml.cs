using ReviewBot.Dbt.Projects;
using ReviewBot.Dbt.Rendering;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace ReviewBot.Agents.Context.Dbt;

/// <summary>
/// Parses dbt YAML: properties files (models, seeds, snapshots, sources, exposures; <c>tests</c> and
/// <c>data_tests</c>, <c>meta</c> and <c>config.meta</c>, constraints, contracts, versions) and
/// <c>dbt_project.yml</c>. Tolerant: a file that does not parse yields its error, never an exception.
/// </summary>
public static class DbtYaml
{
    private static readonly HashSet<string> ProjectConfigKeys = new(StringComparer.Ordinal)
    {
        "materialized", "schema", "database", "alias", "tags", "enabled", "meta", "grants", "persist_docs", "full_refresh", "partition_by", "cluster_by",
        "snowflake_warehouse", "contract", "docs", "incremental_strategy", "unique_key", "on_schema_change", "pre-hook", "post-hook", "pre_hook", "post_hook",
        "transient", "copy_grants", "bind", "sort", "dist", "sql_header", "access", "group", "labels", "partition_expiration_days", "require_partition_filter",
        "cluster_by_fields", "file_format", "location_root", "warehouse", "query_tag", "lookback", "batch_size", "event_time", "begin", "quoting", "column_types",
    };

    /// <summary>Renders exposure <c>depends_on</c> entries when the caller has no renderer of the revision (no vars, no macros).</summary>
    private static readonly Lazy<DbtRenderer> LooseRenderer = new(() => new DbtRenderer(DbtRepository.Load(new InMemoryFiles(new Dictionary<string, string>()))));

    /// <summary>
    /// Parses a properties file. Exposure <c>depends_on</c> entries (<c>ref('a')</c>, <c>source('s', 't')</c>) are Jinja:
    /// <paramref name="renderer"/> (the revision's, so vars resolve) renders each and keeps the targets it records.
    /// </summary>
    public static DbtPropertiesFile ParseProperties(string path, string text, DbtRenderer? renderer = null)
    {
        var root = Load(text, out var error);
        if (root is null)
        {
            return new DbtPropertiesFile(path) { Error = error };
        }

        var nodes = new List<DbtProperties>();
        var sources = new List<DbtSourceTable>();
        var exposures = new List<DbtExposure>();
        foreach (var section in new[] { "models", "seeds", "snapshots", "analyses" })
        {
            foreach (var item in Items(root, section))
            {
                if (Scalar(item, "name") is { } name)
                {
                    nodes.Add(Properties(name, path, item, section));
                }
            }
        }

        foreach (var source in Items(root, "sources"))
        {
            var sourceName = Scalar(source, "name");
            if (sourceName is null)
            {
                continue;
            }

            var sourceMeta = MetaOf(source);
            foreach (var table in Items(source, "tables"))
            {
                if (Scalar(table, "name") is not { } tableName)
                {
                    continue;
                }

                var meta = new Dictionary<string, string>(sourceMeta, StringComparer.OrdinalIgnoreCase);
                foreach (var (k, v) in MetaOf(table))
                {
                    meta[k] = v;
                }

                sources.Add(new DbtSourceTable(sourceName, tableName, path, Line(table))
                {
                    Description = Scalar(table, "description"),
                    Columns = Columns(table),
                    Meta = meta,
                    Identifier = Scalar(table, "identifier") ?? tableName,
                    Schema = Scalar(source, "schema"),
                    Database = Scalar(source, "database") ?? Scalar(source, "project"),
                });
            }
        }

        foreach (var item in Items(root, "exposures"))
        {
            if (Scalar(item, "name") is not { } name)
            {
                continue;
            }

            var owner = Child(item, "owner") as YamlMappingNode;
            var dependsOn = new List<string>();
            var dependsOnSources = new List<string>();
            if (Child(item, "depends_on") is YamlSequenceNode deps)
            {
                foreach (var dep in deps.Children.OfType<YamlScalarNode>())
                {
                    if (string.IsNullOrWhiteSpace(dep.Value))
                    {
                        continue;
                    }

                    var rendered = (renderer ?? LooseRenderer.Value).Render(path, "{{ " + dep.Value + " }}");
                    dependsOn.AddRange(rendered.Refs.Select(r => r.Name));
                    dependsOnSources.AddRange(rendered.Sources.Select(r => $"{r.SourceName}.{r.Name}"));
                }
            }

            exposures.Add(new DbtExposure(name, path, Line(item))
            {
                Type = Scalar(item, "type"),
                OwnerName = owner is null ? null : Scalar(owner, "name"),
                OwnerEmail = owner is null ? null : Scalar(owner, "email"),
                DependsOn = dependsOn,
                DependsOnSources = dependsOnSources,
            });
        }

        return new DbtPropertiesFile(path) { Nodes = nodes, Sources = sources, Exposures = exposures };
    }

    /// <summary>
    /// The agents' view of a project <see cref="ReviewBot.Dbt.Projects.DbtRepository"/> read: its folder-level configs
    /// (<c>models: NAME: folder: +materialized: table</c>, with and without <c>+</c>) and hooks, with the lines they
    /// are on. Paths and vars are the definition's; this reads only what the renderer does not.
    /// </summary>
    public static DbtProject Project(ReviewBot.Dbt.Projects.DbtProject definition, string file, string? text)
    {
        var project = new DbtProject(definition.Name, definition.Root, file) { Definition = definition, Error = definition.Error };
        if (text is null)
        {
            return project;
        }

        var doc = Load(text, out var error);
        if (doc is null)
        {
            return project with { Error = error };
        }

        var name = Scalar(doc, "name") ?? "";
        var configs = new List<DbtFolderConfig>();
        var hooks = new List<DbtHook>();
        foreach (var key in new[] { "on-run-start", "on-run-end" })
        {
            AddHooks(Child(doc, key), key, hooks);
        }

        if (Child(doc, "models") is YamlMappingNode models)
        {
            foreach (var (key, value) in Entries(models))
            {
                if (key.StartsWith('+') || ProjectConfigKeys.Contains(key))
                {
                    AddConfig([], key.TrimStart('+'), value, configs, hooks);
                }
                else if (value is YamlMappingNode projectNode && (key == name || name.Length == 0))
                {
                    Walk(projectNode, [], configs, hooks);
                }
            }
        }

        return project with { FolderConfigs = configs, Hooks = hooks };
    }

    private static void Walk(YamlMappingNode node, List<string> segments, List<DbtFolderConfig> configs, List<DbtHook> hooks)
    {
        foreach (var (key, value) in Entries(node))
        {
            if (key.StartsWith('+') || (ProjectConfigKeys.Contains(key) && value is not YamlMappingNode) || key is "meta" or "grants" or "contract" or "partition_by" or "persist_docs" or "docs")
            {
                AddConfig(segments, key.TrimStart('+'), value, configs, hooks);
            }
            else if (value is YamlMappingNode child)
            {
                Walk(child, [.. segments, key], configs, hooks);
            }
        }
    }

    private static void AddConfig(List<string> segments, string key, YamlNode value, List<DbtFolderConfig> configs, List<DbtHook> hooks)
    {
        if (key is "pre-hook" or "post-hook" or "pre_hook" or "post_hook")
        {
            AddHooks(value, "+" + key, hooks);
        }

        var flat = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        Flatten(value, key, flat);
        foreach (var (k, v) in flat)
        {
            configs.Add(new DbtFolderConfig(segments, k, v, Line(value)));
        }
    }

    private static void AddHooks(YamlNode? node, string key, List<DbtHook> hooks)
    {
        switch (node)
        {
            case YamlScalarNode { Value: { Length: > 0 } sql } scalar:
                hooks.Add(new DbtHook(key, sql, Line(scalar)));
                break;
            case YamlSequenceNode seq:
                foreach (var item in seq.Children)
                {
                    AddHooks(item, key, hooks);
                }

                break;
            case YamlMappingNode map when Child(map, "sql") is YamlScalarNode { Value: { } s } sqlNode:
                hooks.Add(new DbtHook(key, s, Line(sqlNode)));
                break;
        }
    }

    private static DbtProperties Properties(string name, string path, YamlMappingNode item, string section)
    {
        var config = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Child(item, "config") is YamlMappingNode configNode)
        {
            foreach (var (key, value) in Entries(configNode))
            {
                Flatten(value, key, config);
            }
        }

        // Old form: some configs were written at the top level of the entry.
        foreach (var key in new[] { "materialized", "contract", "grants" })
        {
            if (Child(item, key) is { } node && !config.Keys.Any(k => k.StartsWith(key, StringComparison.OrdinalIgnoreCase)))
            {
                Flatten(node, key, config);
            }
        }

        var versions = new List<DbtModelVersion>();
        if (Child(item, "versions") is YamlSequenceNode versionNodes)
        {
            foreach (var version in versionNodes.Children.OfType<YamlMappingNode>())
            {
                versions.Add(new DbtModelVersion(Scalar(version, "v") ?? "", Line(version), Columns(version)));
            }
        }

        var tests = TestsOf(item, out var testArgs);
        foreach (var constraint in Items(item, "constraints"))
        {
            var type = Scalar(constraint, "type");
            if (type is not null)
            {
                testArgs.Add($"constraint:{type}:{string.Join(',', (Child(constraint, "columns") as YamlSequenceNode)?.Children.OfType<YamlScalarNode>().Select(s => s.Value) ?? [])}");
            }
        }

        return new DbtProperties(name, path, Line(item))
        {
            Section = section,
            Description = Scalar(item, "description"),
            Columns = Columns(item),
            Tests = tests,
            Constraints = testArgs,
            Config = config,
            Meta = MetaOf(item),
            Tags = TagsOf(item),
            Versions = versions,
            LatestVersion = Scalar(item, "latest_version"),
            Access = Scalar(item, "access") ?? (config.TryGetValue("access", out var access) ? access : null),
        };
    }

    private static List<DbtColumn> Columns(YamlMappingNode owner)
    {
        var columns = new List<DbtColumn>();
        foreach (var item in Items(owner, "columns"))
        {
            if (Scalar(item, "name") is not { } name)
            {
                continue;
            }

            var policyTags = new List<string>();
            if (Child(item, "policy_tags") is YamlSequenceNode tags)
            {
                policyTags.AddRange(tags.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? ""));
            }

            if (Child(item, "config") is YamlMappingNode cfg && Child(cfg, "policy_tags") is YamlSequenceNode cfgTags)
            {
                policyTags.AddRange(cfgTags.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? ""));
            }

            var constraints = Items(item, "constraints").Select(c => Scalar(c, "type") ?? "").Where(t => t.Length > 0).ToList();
            var dataType = Scalar(item, "data_type");
            if (Child(item, "config") is YamlMappingNode colConfig)
            {
                dataType ??= Scalar(colConfig, "data_type");
            }

            columns.Add(new DbtColumn(name, Line(item))
            {
                Description = Scalar(item, "description"),
                DataType = dataType,
                Tests = TestsOf(item, out _),
                Meta = MetaOf(item),
                Tags = TagsOf(item),
                PolicyTags = policyTags,
                Constraints = constraints,
            });
        }

        return columns;
    }

    private static List<string> TestsOf(YamlMappingNode item, out List<string> args)
    {
        var tests = new List<string>();
        args = [];
        foreach (var key in new[] { "tests", "data_tests" })
        {
            if (Child(item, key) is not YamlSequenceNode seq)
            {
                continue;
            }

            foreach (var test in seq.Children)
            {
                switch (test)
                {
                    case YamlScalarNode { Value: { } s }:
                        tests.Add(s);
                        break;
                    case YamlMappingNode map:
                        foreach (var (name, value) in Entries(map))
                        {
                            tests.Add(name);
                            var flat = new Dictionary<string, string>(StringComparer.Ordinal);
                            Flatten(value, name, flat);
                            args.AddRange(flat.Select(kv => $"{kv.Key}={kv.Value}"));
                        }

                        break;
                }
            }
        }

        return tests;
    }

    private static Dictionary<string, string> MetaOf(YamlMappingNode item)
    {
        var meta = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (Child(item, "meta") is { } node)
        {
            Flatten(node, "", meta);
        }

        if (Child(item, "config") is YamlMappingNode config && Child(config, "meta") is { } configMeta)
        {
            Flatten(configMeta, "", meta);
        }

        return meta;
    }

    private static List<string> TagsOf(YamlMappingNode item)
    {
        var tags = new List<string>();
        void Add(YamlNode? node)
        {
            if (node is YamlSequenceNode seq)
            {
                tags.AddRange(seq.Children.OfType<YamlScalarNode>().Select(s => s.Value ?? ""));
            }
            else if (node is YamlScalarNode { Value: { } s })
            {
                tags.Add(s);
            }
        }

        Add(Child(item, "tags"));
        if (Child(item, "config") is YamlMappingNode config)
        {
            Add(Child(config, "tags"));
        }

        return tags;
    }

    /// <summary>Flattens a YAML node into dotted keys; sequences of scalars become comma-separated values.</summary>
    public static void Flatten(YamlNode node, string prefix, IDictionary<string, string> into)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                into[prefix] = scalar.Value ?? "";
                break;
            case YamlSequenceNode seq:
                if (seq.Children.All(c => c is YamlScalarNode))
                {
                    into[prefix] = string.Join(',', seq.Children.Cast<YamlScalarNode>().Select(s => s.Value));
                }
                else
                {
                    var i = 0;
                    foreach (var child in seq.Children)
                    {
                        Flatten(child, $"{prefix}[{i++}]", into);
                    }
                }

                break;
            case YamlMappingNode map:
                foreach (var (key, value) in Entries(map))
                {
                    Flatten(value, prefix.Length == 0 ? key : $"{prefix}.{key}", into);
                }

                break;
        }
    }

    /// <summary>Deeper than any real dbt file; beyond it a file is reported unparsed instead of loaded.</summary>
    private const int MaxDepth = 64;

    /// <summary>Nodes a document may expand to through aliases; a real properties file has far fewer.</summary>
    private const long MaxExpandedNodes = 1_000_000;

    private static YamlMappingNode? Load(string text, out string? error)
    {
        error = null;
        try
        {
            // YamlStream.Load recurses once per nesting level and a stack overflow cannot be caught (it kills the
            // process): measure the depth with the iterative event parser first.
            if (CheckShape(text) is { } refused)
            {
                error = refused;
                return null;
            }

            // dbt accepts merge keys and repeated keys (PyYAML, last wins); so must we, or the whole file is hidden.
            var stream = TolerantYamlParser.Load(text);
            if (stream.Documents.Count == 0)
            {
                return new YamlMappingNode();
            }

            return stream.Documents[0].RootNode as YamlMappingNode ?? new YamlMappingNode();
        }
        catch (YamlException e)
        {
            error = $"line {e.Start.Line}: {(e.InnerException ?? e).Message}";
            return null;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            // e.g. a duplicate key, which the representation model rejects outside YamlException.
            error = FirstLine(e.Message);
            return null;
        }
    }

    /// <summary>
    /// Why the document must not be loaded, or null: nested deeper than <see cref="MaxDepth"/>, or anchors and
    /// aliases that expand beyond <see cref="MaxExpandedNodes"/> nodes (an alias bomb: the rules walk the tree, and
    /// nine aliases of nine aliases of ... are billions of nodes). Counted on the event stream, iteratively.
    /// </summary>
    private static string? CheckShape(string text)
    {
        var parser = new Parser(new StringReader(text));
        var depth = 0;
        long expanded = 0;
        var sizes = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Stack<(string? Anchor, long Before)>();
        while (parser.MoveNext())
        {
            var current = parser.Current!;
            switch (current)
            {
                case YamlDotNet.Core.Events.MappingStart or YamlDotNet.Core.Events.SequenceStart:
                    if (++depth > MaxDepth)
                    {
                        return $"line {current.Start.Line}: nested more than {MaxDepth} levels deep; not read";
                    }

                    var node = (YamlDotNet.Core.Events.NodeEvent)current;
                    open.Push((node.Anchor.IsEmpty ? null : node.Anchor.Value, expanded));
                    expanded++;
                    break;
                case YamlDotNet.Core.Events.MappingEnd or YamlDotNet.Core.Events.SequenceEnd:
                    depth--;
                    var (anchor, before) = open.Pop();
                    if (anchor is not null)
                    {
                        sizes[anchor] = expanded - before;
                    }

                    break;
                case YamlDotNet.Core.Events.Scalar scalar:
                    expanded++;
                    if (!scalar.Anchor.IsEmpty)
                    {
                        sizes[scalar.Anchor.Value] = 1;
                    }

                    break;
                case YamlDotNet.Core.Events.AnchorAlias alias:
                    expanded += sizes.GetValueOrDefault(alias.Value.Value, 1);
                    break;
            }

            if (expanded > MaxExpandedNodes)
            {
                return $"line {current.Start.Line}: anchors and aliases expand to more than {MaxExpandedNodes:N0} nodes; not read";
            }
        }

        return null;
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n')[0].Trim();
        return line.Length <= 200 ? line : line[..197] + "...";
    }

    private static IEnumerable<(string Key, YamlNode Value)> Entries(YamlMappingNode map)
    {
        foreach (var (key, value) in map.Children)
        {
            if (key is YamlScalarNode { Value: { } k })
            {
                yield return (k, value);
            }
        }
    }

    private static YamlNode? Child(YamlMappingNode map, string key)
    {
        foreach (var (k, value) in map.Children)
        {
            if (k is YamlScalarNode { Value: { } s } && s == key)
            {
                return value;
            }
        }

        return null;
    }

    private static string? Scalar(YamlMappingNode map, string key) => Child(map, key) is YamlScalarNode { Value: { } v } ? v : null;

    private static IEnumerable<YamlMappingNode> Items(YamlMappingNode map, string key) =>
        Child(map, key) is YamlSequenceNode seq ? seq.Children.OfType<YamlMappingNode>() : [];

    private static int Line(YamlNode node) => (int)node.Start.Line;
}
