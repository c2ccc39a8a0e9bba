using System.Collections.Concurrent;
using ReviewBot.Agents.Context;
using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Dbt.Projects;
using ReviewBot.Dbt.Rendering;
using ReviewBot.Sql;
using ReviewBot.Sql.Lineage;
using ReviewBot.Sql.Parsing;
using ReviewBot.Sql.Scopes;
using ReviewBot.Sql.Syntax;
using YamlDotNet.RepresentationModel;
using DbtNode = ReviewBot.Agents.Context.Dbt.DbtNode;
using DbtProject = ReviewBot.Agents.Context.Dbt.DbtProject;

namespace ReviewBot.Agents.Lineage.Classification;

/// <summary>
/// Column lineage of what a change reaches, built lazily: the changed models (at base where they existed, so their
/// consumers resolve against the columns they read today) and their descendants at head are parsed; every other
/// relation they read is a stand-in made of its YAML <c>columns:</c> (or unknown columns). A model of another dbt project
/// that reads a changed model through <c>source()</c> (the source's identifier and schema name the model) is a consumer
/// too. Relation keys are the names the renderer writes (<c>analytics.model</c>, <c>source.table</c>), and every
/// relation read is defined, so no name is matched by its last part alone.
/// </summary>
internal sealed class ImpactLineage
{
    private static readonly string TargetSchema = new DbtRenderOptions().TargetSchema;

    private readonly DbtGraph _graph;
    private readonly Dictionary<string, ParsedModel> _head;
    private readonly Dictionary<string, ParsedModel> _base;
    private readonly Dictionary<string, string> _modelOfKey;
    private readonly Dictionary<string, List<DbtSourceTable>> _bridges;
    private readonly Dictionary<string, IReadOnlyList<string>> _yamlColumns;
    private readonly ConcurrentDictionary<string, IReadOnlyList<string>> _consumers = new(StringComparer.OrdinalIgnoreCase);

    private ImpactLineage(
        DbtGraph graph, SqlProjectLineage lineage, Dictionary<string, ParsedModel> head, Dictionary<string, ParsedModel> @base,
        Dictionary<string, string> modelOfKey, Dictionary<string, List<DbtSourceTable>> bridges, Dictionary<string, IReadOnlyList<string>> yamlColumns, int parsed, int descendants)
    {
        _graph = graph;
        Project = lineage;
        _head = head;
        _base = @base;
        _modelOfKey = modelOfKey;
        _bridges = bridges;
        _yamlColumns = yamlColumns;
        ParsedCount = parsed;
        DescendantCount = descendants;
        Schema = new SchemaProvider(this);
    }

    /// <summary>The project-wide column lineage over the parsed relations and the stand-ins.</summary>
    public SqlProjectLineage Project { get; }

    /// <summary>Upstream columns: a parsed relation's output when fully known, else its YAML columns.</summary>
    public ISqlSchemaProvider Schema { get; }

    /// <summary>How many model versions were parsed (changed models at base and head, descendants at head).</summary>
    public int ParsedCount { get; }

    /// <summary>How many descendants of the changed models the ref graph holds.</summary>
    public int DescendantCount { get; }

    /// <summary>The relation key of a model: the name the renderer writes for <c>ref('name')</c>.</summary>
    public static string KeyOf(string model) => SqlNames.Key(TargetSchema + "." + model);

    /// <summary>A head model file, rendered and parsed (changed models and descendants only).</summary>
    public ParsedModel? Head(string path) => _head.GetValueOrDefault(path);

    /// <summary>A base model file, rendered and parsed (changed models only).</summary>
    public ParsedModel? Base(string path) => _base.GetValueOrDefault(path);

    /// <summary>
    /// Parses the changed models (reusing <paramref name="previous"/>'s parses) and the head descendants of the models
    /// named in <paramref name="expand"/> only, then builds the lineage. With nothing to expand it costs the changed
    /// models alone: enough to classify; descendants are parsed only for changes whose impact is traced column by column.
    /// </summary>
    internal static ImpactLineage Build(
        DbtGraph graph, IReadOnlyList<ModelChanges.Candidate> candidates, IReadOnlyCollection<string> expand, ImpactLineage? previous, CancellationToken cancellationToken)
    {
        var head = new Dictionary<string, ParsedModel>(StringComparer.Ordinal);
        var @base = new Dictionary<string, ParsedModel>(StringComparer.Ordinal);
        var bridges = Bridges(graph);
        var shell = new ImpactLineage(graph, SqlProjectLineage.Build([]), head, @base, new(StringComparer.OrdinalIgnoreCase), bridges, new(StringComparer.OrdinalIgnoreCase), 0, 0);

        // 1. Which head models to parse: the changed ones and everything downstream of them.
        var roots = candidates.SelectMany(c => new[] { c.Head?.Name, c.Base?.Name }).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var belowChanged = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var root in roots)
        {
            belowChanged.UnionWith(shell.Consumers(root));
        }

        var descendants = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var root in expand)
        {
            descendants.UnionWith(shell.Consumers(root));
        }

        var work = new List<(string Path, bool Head, RenderedModel? Rendered)>();
        foreach (var candidate in candidates.Where(c => c.Kind == ModelChanges.CandidateKind.File))
        {
            if (candidate.Head is { } h)
            {
                work.Add((h.Path, true, graph.Renderings.Head.GetValueOrDefault(h.Path)));
            }

            if (candidate.Base is { } b)
            {
                work.Add((b.Path, false, graph.Renderings.Base.GetValueOrDefault(b.Path)));
            }
        }

        var changedHead = new HashSet<string>(work.Where(w => w.Head).Select(w => w.Path), StringComparer.Ordinal);
        var toRender = descendants.Select(d => graph.Head.Nodes.GetValueOrDefault(d)).OfType<DbtNode>()
            .Where(n => n.Kind is DbtNodeKind.Model or DbtNodeKind.Snapshot && n.Language == "sql" && !changedHead.Contains(n.Path))
            .Take(ModelChanges.MaxParsedDescendants).ToList();
        DbtRenderer? renderer = null;
        if (toRender.Any(n => !graph.Renderings.Head.ContainsKey(n.Path)))
        {
            // Descendants did not change, so the shared context did not render them: render them at head now, from the
            // files it read (model files; macros only when changed, so unknown macros stay opaque placeholders).
            renderer = new DbtRenderer(DbtRepository.Load(new HeadFiles(graph)));
        }

        foreach (var node in toRender)
        {
            work.Add((node.Path, true, graph.Renderings.Head.GetValueOrDefault(node.Path)));
        }

        var parsedHead = new ConcurrentDictionary<string, ParsedModel>(StringComparer.Ordinal);
        var parsedBase = new ConcurrentDictionary<string, ParsedModel>(StringComparer.Ordinal);
        Parallel.ForEach(work, new ParallelOptions { CancellationToken = cancellationToken }, item =>
        {
            if ((item.Head ? previous?._head : previous?._base)?.GetValueOrDefault(item.Path) is { } done)
            {
                (item.Head ? parsedHead : parsedBase)[item.Path] = done;
                return;
            }

            var rendered = item.Rendered;
            if (rendered is null && item.Head && renderer is not null && graph.Files.Head(item.Path) is { } text)
            {
                rendered = renderer.Render(item.Path, text);
            }

            if (rendered is null)
            {
                return;
            }

            // Only a changed model's incremental SQL is compared; a descendant's is never read.
            var parsed = Parse(rendered, incremental: !item.Head || changedHead.Contains(item.Path));
            (item.Head ? parsedHead : parsedBase)[item.Path] = parsed;
        });

        foreach (var (k, v) in parsedHead)
        {
            head[k] = v;
        }

        foreach (var (k, v) in parsedBase)
        {
            @base[k] = v;
        }

        // 2. Definitions: changed models at base (unless they sit below another changed model, whose consumers must be
        // read as they will be), everything else at head.
        var definitions = new Dictionary<string, SqlParseResult>(StringComparer.OrdinalIgnoreCase);
        var modelOfKey = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var candidate in candidates)
        {
            if (candidate.Base is { } b && @base.TryGetValue(b.Path, out var parsedBefore) && !(candidate.Head is { } hn && belowChanged.Contains(hn.Name)))
            {
                definitions[KeyOf(b.Name)] = parsedBefore.Parse;
                modelOfKey[KeyOf(b.Name)] = b.Name;
            }

            if (candidate.Head is { } h && head.TryGetValue(h.Path, out var parsedAfter) && !definitions.ContainsKey(KeyOf(h.Name)))
            {
                definitions[KeyOf(h.Name)] = parsedAfter.Parse;
                modelOfKey[KeyOf(h.Name)] = h.Name;
            }
        }

        foreach (var node in toRender)
        {
            if (head.TryGetValue(node.Path, out var parsed) && !definitions.ContainsKey(KeyOf(node.Name)))
            {
                definitions[KeyOf(node.Name)] = parsed.Parse;
                modelOfKey[KeyOf(node.Name)] = node.Name;
            }
        }

        // A source of another project that names a parsed model reads it: a pass-through stand-in links the two.
        foreach (var (model, sources) in bridges)
        {
            if (!definitions.ContainsKey(KeyOf(model)))
            {
                continue;
            }

            foreach (var source in sources)
            {
                definitions.TryAdd(SqlNames.Key($"{source.Source}.{source.Table}"), SqlParser.Parse($"select * from {KeyOf(model)}"));
            }
        }

        // 3. Stand-ins for every other relation read, from YAML columns, so that no name is guessed by its last part.
        var yamlColumns = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var known = new Dictionary<string, IReadOnlyList<string>?>(StringComparer.OrdinalIgnoreCase);
        foreach (var parsed in head.Values.Concat(@base.Values))
        {
            foreach (var call in parsed.Rendered.Refs)
            {
                known.TryAdd(SqlNames.Key(call.RenderedName), graph.Head.Nodes.GetValueOrDefault(call.Name)?.Properties?.Columns.Select(c => c.Name).ToList());
            }

            foreach (var call in parsed.Rendered.Sources)
            {
                known.TryAdd(SqlNames.Key(call.RenderedName), graph.Head.Sources.GetValueOrDefault($"{call.SourceName}.{call.Name}")?.Columns.Select(c => c.Name).ToList());
            }
        }

        foreach (var (key, columns) in known)
        {
            if (columns is { Count: > 0 })
            {
                yamlColumns[key] = columns;
            }
        }

        var read = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var parse in definitions.Values.ToList())
        {
            foreach (var name in parse.TableNames)
            {
                if (name.Parts.Count == 1 && parse.CteNames.Contains(name.Last) || name.Last.StartsWith(SqlNames.OpaquePrefix, StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                read.Add(SqlNames.Key(name));
            }
        }

        foreach (var key in read.Where(k => !definitions.ContainsKey(k)))
        {
            definitions[key] = StandIn(yamlColumns.GetValueOrDefault(key));
        }

        var lineage = SqlProjectLineage.Build(definitions.Select(d => new SqlRelationDefinition(d.Key, d.Value)));
        return new ImpactLineage(graph, lineage, head, @base, modelOfKey, bridges, yamlColumns, head.Count + @base.Count, descendants.Count);
    }

    private static ParsedModel Parse(RenderedModel rendered, bool incremental)
    {
        var dialect = AdapterInference.Dialect(rendered.Adapter);
        var parse = SqlParser.Parse(rendered.Sql, dialect);
        var incrementalParse = incremental && rendered.IncrementalSql is { } sql ? SqlParser.Parse(sql, dialect) : null;
        return new ParsedModel(rendered, parse, incrementalParse);
    }

    /// <summary>A relation nobody parsed: its YAML columns over an opaque placeholder, or unknown columns.</summary>
    private static SqlParseResult StandIn(IReadOnlyList<string>? columns)
    {
        var names = columns?.Where(c => c.Length > 0 && !c.Contains('`', StringComparison.Ordinal)).Select(c => $"`{c}`").ToList();
        return SqlParser.Parse(names is { Count: > 0 } ? $"select {string.Join(", ", names)} from {SqlNames.OpaquePrefix}0__" : $"select * from {SqlNames.OpaquePrefix}0__");
    }

    // ---- questions ----

    /// <summary>Every model downstream of <paramref name="model"/> in the head ref graph (breadth first), across projects through sources.</summary>
    public IReadOnlyList<string> Consumers(string model) => _consumers.GetOrAdd(model, m =>
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { m };
        var queue = new Queue<string>();
        queue.Enqueue(m);
        while (queue.Count > 0 && result.Count < 50_000)
        {
            var current = queue.Dequeue();
            foreach (var child in Children(current))
            {
                if (seen.Add(child))
                {
                    result.Add(child);
                    queue.Enqueue(child);
                }
            }
        }

        return result;
    });

    /// <summary>Models that read <paramref name="model"/> directly: <c>ref()</c>, or <c>source()</c> from another project.</summary>
    public IEnumerable<string> Children(string model)
    {
        foreach (var child in _graph.Head.ChildrenOf(model))
        {
            yield return child;
        }

        if (_bridges.TryGetValue(model, out var sources))
        {
            foreach (var source in sources)
            {
                foreach (var child in _graph.Head.ChildrenOf("source:" + source.Key))
                {
                    yield return child;
                }
            }
        }
    }

    /// <summary>Sources of other projects that read <paramref name="model"/>'s relation.</summary>
    public IReadOnlyList<DbtSourceTable> BridgesOf(string model) => _bridges.TryGetValue(model, out var list) ? list : [];

    /// <summary>The output column names of a model version (an unexpanded star is left out).</summary>
    public IReadOnlyList<string> OutputColumns(string model, bool atBase)
    {
        var node = atBase ? _graph.Base.Nodes.GetValueOrDefault(model) : _graph.Head.Nodes.GetValueOrDefault(model);
        var parsed = node is null ? null : atBase ? Base(node.Path) : Head(node.Path);
        if (parsed is null || !parsed.Usable)
        {
            return [];
        }

        return SqlScopeResolver.ResolveLast(parsed.Parse, Schema)?.Columns.Where(c => !c.IsUnexpandedStar).Select(c => c.Name).Distinct(StringComparer.OrdinalIgnoreCase).ToList() ?? [];
    }

    /// <summary>Every <c>model.column</c>, any number of levels down, computed from <paramref name="model"/>.<paramref name="column"/>.</summary>
    public IReadOnlyList<string> DerivedColumns(string model, string column) =>
        Project.Downstream(KeyOf(model), column)
            .Where(c => _modelOfKey.ContainsKey(c.Relation))
            .Select(c => $"{_modelOfKey[c.Relation]}.{c.Column}")
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase)
            .ToList();

    /// <summary>
    /// Who still reads <paramref name="model"/>.<paramref name="column"/>: models with a column derived from it (any
    /// depth), and direct consumers that name it anywhere (a filter, a join, a group by) when no other relation they read
    /// is known to have a column of that name.
    /// </summary>
    public ColumnReaders Readers(string model, string column)
    {
        var derived = DerivedColumns(model, column);
        var models = new HashSet<string>(derived.Select(d => d[..d.LastIndexOf('.')]), StringComparer.OrdinalIgnoreCase);
        var upstreamKey = KeyOf(model);
        var bridgeKeys = BridgesOf(model).Select(s => SqlNames.Key($"{s.Source}.{s.Table}")).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var child in Children(model).Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (models.Contains(child) || _graph.Head.Nodes.GetValueOrDefault(child) is not { } node || Head(node.Path) is not { } parsed)
            {
                continue;
            }

            var names = parsed.Parse.Statements.SelectMany(s => SqlWalker.DescendantsAndSelf(s)).OfType<SqlColumnRef>()
                .Any(r => string.Equals(r.Name.Parts[^1], column, StringComparison.OrdinalIgnoreCase));
            if (!names)
            {
                continue;
            }

            var others = parsed.Parse.TableNames.Select(SqlNames.Key)
                .Where(k => !string.Equals(k, upstreamKey, StringComparison.OrdinalIgnoreCase) && !bridgeKeys.Contains(k) && !parsed.Parse.CteNames.Contains(k))
                .Distinct(StringComparer.OrdinalIgnoreCase);
            if (!others.Any(k => Schema.ColumnsOf(k)?.Contains(column, StringComparer.OrdinalIgnoreCase) == true))
            {
                models.Add(child);
            }
        }

        var ordered = Consumers(model).Where(models.Contains).ToList();
        var direct = Children(model).Where(models.Contains).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        return new ColumnReaders(direct, ordered, derived);
    }

    // ---- cross-project sources ----

    /// <summary>Head models read by another project's <c>source()</c>: identifier equals the model name and the source's schema names the model's.</summary>
    private static Dictionary<string, List<DbtSourceTable>> Bridges(DbtGraph graph)
    {
        var result = new Dictionary<string, List<DbtSourceTable>>(StringComparer.OrdinalIgnoreCase);
        if (graph.Head.Projects.Count < 2)
        {
            return result;
        }

        var schemas = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var source in graph.Head.Sources.Values)
        {
            if (!graph.Head.Nodes.TryGetValue(source.Identifier, out var model) || model.Kind is not (DbtNodeKind.Model or DbtNodeKind.Snapshot))
            {
                continue;
            }

            var sourceProject = ProjectOf(graph.Head.Projects, source.File);
            if (sourceProject is null || string.Equals(sourceProject.Root, model.Project.Root, StringComparison.Ordinal))
            {
                continue;
            }

            if (!schemas.TryGetValue(source.File, out var bySource))
            {
                schemas[source.File] = bySource = SourceSchemas(graph.Files.Head(source.File));
            }

            var schema = bySource.GetValueOrDefault(source.Source) ?? source.Source;
            var custom = model.ConfigValue("schema")?.Trim('\'', '"');
            var matches = schema.Contains("target.", StringComparison.Ordinal)
                || (custom is not null && (string.Equals(schema, custom, StringComparison.OrdinalIgnoreCase) || schema.EndsWith("_" + custom, StringComparison.OrdinalIgnoreCase)))
                || string.Equals(schema, TargetSchema, StringComparison.OrdinalIgnoreCase);
            if (!matches)
            {
                continue;
            }

            if (!result.TryGetValue(model.Name, out var list))
            {
                result[model.Name] = list = [];
            }

            list.Add(source);
        }

        return result;
    }

    private static DbtProject? ProjectOf(IReadOnlyList<DbtProject> projects, string path) =>
        projects.Where(p => p.Root.Length == 0 || path.StartsWith(p.Root + "/", StringComparison.Ordinal)).MaxBy(p => p.Root.Length);

    /// <summary>The <c>schema:</c> of each source in a properties file (source name to schema).</summary>
    private static Dictionary<string, string> SourceSchemas(string? yaml)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (yaml is null || yaml.Length > 2_000_000)
        {
            return result;
        }

        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(yaml));
            if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root
                || !root.Children.TryGetValue(new YamlScalarNode("sources"), out var sources) || sources is not YamlSequenceNode list)
            {
                return result;
            }

            foreach (var item in list.Children.OfType<YamlMappingNode>())
            {
                if (item.Children.TryGetValue(new YamlScalarNode("name"), out var name) && name is YamlScalarNode { Value: { } n }
                    && item.Children.TryGetValue(new YamlScalarNode("schema"), out var schema) && schema is YamlScalarNode { Value: { } s })
                {
                    result[n] = s;
                }
            }
        }
        catch (YamlDotNet.Core.YamlException)
        {
            // An unreadable file names no schema; the source name stands for it.
        }

        return result;
    }

    private sealed class HeadFiles(DbtGraph graph) : IRepositoryFiles
    {
        public IReadOnlyList<string> Paths { get; } = graph.Files.HeadPaths.ToList();

        public string? Read(string path) => graph.Files.Head(path);
    }

    private sealed class SchemaProvider(ImpactLineage owner) : ISqlSchemaProvider
    {
        public IReadOnlyList<string>? ColumnsOf(string relation)
        {
            if (owner.Project.Relations.TryGetValue(relation, out var resolved) && !resolved.HasUnknownColumns && resolved.Columns.Count > 0
                && owner._modelOfKey.ContainsKey(relation))
            {
                return resolved.Columns.Select(c => c.Name).ToList();
            }

            return owner._yamlColumns.GetValueOrDefault(relation);
        }
    }
}
