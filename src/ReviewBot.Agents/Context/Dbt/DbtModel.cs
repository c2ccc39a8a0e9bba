namespace ReviewBot.Agents.Context.Dbt;

/// <summary>A <c>ref()</c> in a model: two-argument refs set <see cref="Package"/>, versioned refs set <see cref="Version"/>.</summary>
public sealed record DbtRef(string Name, string? Package, string? Version, int Line);

/// <summary>A <c>source('source', 'table')</c> call.</summary>
public sealed record DbtSourceRef(string Source, string Table, int Line)
{
    public string Key => $"{Source}.{Table}";
}

/// <summary>
/// A key given to <c>config(...)</c>: its value as Python prints it (<c>'table'</c>, <c>['a', 'b']</c>, <c>True</c>),
/// the line it was written on, and, for strings, numbers and booleans, the plain value.
/// </summary>
public sealed record ConfigValue(string Raw, int Line)
{
    /// <summary>The value as text when it is a string, number or boolean (<c>true</c>/<c>false</c>); null for dicts, lists and other values.</summary>
    public string? Text { get; init; }

    /// <summary>
    /// The value flattened as properties YAML is (<see cref="DbtProperties.Config"/>): a dict's keys dotted
    /// (<c>contains_pii</c>, <c>owner.team</c>), lists of scalars comma-joined; a scalar under the empty key.
    /// </summary>
    public IReadOnlyDictionary<string, string> Flat { get; init; } = new Dictionary<string, string>();

    public bool IsTrue => Text is { } t && t.Equals("true", StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Model lines that render only when <c>is_incremental()</c> is true (an <c>{% if is_incremental() %}</c> body, or a line
/// calling a macro that branches on it): its lines, the rendered incremental SQL, and the lookback window it filters on.
/// </summary>
public sealed record IncrementalBlock(int StartLine, int EndLine, string Text)
{
    /// <summary>The widest time window in the block (<c>interval '3 days'</c>, <c>dateadd(day, -3, ...)</c>) in hours; null when none.</summary>
    public double? LookbackHours { get; init; }

    /// <summary>True when the block filters (has a where/and condition), not only a comment or a no-op.</summary>
    public bool Filters { get; init; }
}

/// <summary>What one model or snapshot file says, from its rendering (SQL) or its calls (Python).</summary>
public sealed record DbtModelFile
{
    public required string Path { get; init; }

    /// <summary><c>sql</c> or <c>python</c>.</summary>
    public required string Language { get; init; }

    public required IReadOnlyList<DbtRef> Refs { get; init; }

    public required IReadOnlyList<DbtSourceRef> Sources { get; init; }

    /// <summary>Lines with a <c>ref()</c> whose target could not be known (a var or macro without a value in the repository).</summary>
    public required IReadOnlyList<int> DynamicRefLines { get; init; }

    /// <summary>Keys given to <c>config(...)</c> (the last call wins per key).</summary>
    public required IReadOnlyDictionary<string, ConfigValue> Config { get; init; }

    public required IReadOnlyList<IncrementalBlock> IncrementalBlocks { get; init; }

    /// <summary>Names of <c>{% snapshot NAME %}</c> blocks.</summary>
    public IReadOnlyList<(string Name, int Line)> SnapshotBlocks { get; init; } = [];

    /// <summary>True when the model calls <c>is_incremental()</c>, even where no line differs between the two renders.</summary>
    public bool CallsIsIncremental { get; init; }

    public bool UsesIsIncremental => CallsIsIncremental || IncrementalBlocks.Count > 0;

    /// <summary>Names of the macros the render called (a changed macro reaches this model).</summary>
    public IReadOnlyList<string> Macros { get; init; } = [];

    /// <summary>
    /// The rendering the facts came from, kept for the files a change can affect (changed files, models a changed
    /// macro or source reaches); null for other unchanged models (their SQL is not kept in memory) and Python models.
    /// </summary>
    public ReviewBot.Dbt.Rendering.RenderedModel? Rendered { get; init; }
}

/// <summary>A column in properties YAML.</summary>
public sealed record DbtColumn(string Name, int Line)
{
    public string? Description { get; init; }

    public string? DataType { get; init; }

    /// <summary>Test names: <c>unique</c>, <c>not_null</c>, <c>relationships</c>, <c>dbt_utils.accepted_range</c>...</summary>
    public IReadOnlyList<string> Tests { get; init; } = [];

    /// <summary>Flattened <c>meta</c> and <c>config.meta</c> (<c>contains_pii</c> → <c>true</c>).</summary>
    public IReadOnlyDictionary<string, string> Meta { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<string> PolicyTags { get; init; } = [];

    /// <summary>Constraint types: <c>not_null</c>, <c>unique</c>, <c>primary_key</c>...</summary>
    public IReadOnlyList<string> Constraints { get; init; } = [];

    public bool HasTest(string test) => Tests.Any(t => t.Equals(test, StringComparison.OrdinalIgnoreCase)) || Constraints.Any(c => c.Equals(test, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One version of a versioned model.</summary>
public sealed record DbtModelVersion(string Version, int Line, IReadOnlyList<DbtColumn> Columns);

/// <summary>A model, seed or snapshot entry in properties YAML (old and new forms).</summary>
public sealed record DbtProperties(string Name, string File, int Line)
{
    public string Section { get; init; } = "models";

    public string? Description { get; init; }

    public IReadOnlyList<DbtColumn> Columns { get; init; } = [];

    /// <summary>Model-level tests (<c>tests:</c> or <c>data_tests:</c>) by name.</summary>
    public IReadOnlyList<string> Tests { get; init; } = [];

    /// <summary>Model-level test arguments flattened, e.g. <c>dbt_utils.unique_combination_of_columns.combination_of_columns</c>.</summary>
    public IReadOnlyList<string> Constraints { get; init; } = [];

    /// <summary>Flattened <c>config:</c> (dotted keys: <c>materialized</c>, <c>contract.enforced</c>, <c>grants.select</c>).</summary>
    public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>();

    /// <summary>Flattened <c>meta</c> and <c>config.meta</c>.</summary>
    public IReadOnlyDictionary<string, string> Meta { get; init; } = new Dictionary<string, string>();

    public IReadOnlyList<string> Tags { get; init; } = [];

    public IReadOnlyList<DbtModelVersion> Versions { get; init; } = [];

    public string? LatestVersion { get; init; }

    public string? Access { get; init; }

    public bool ContractEnforced => Config.TryGetValue("contract.enforced", out var v) && v.Equals("true", StringComparison.OrdinalIgnoreCase);

    public DbtColumn? Column(string name) => Columns.FirstOrDefault(c => c.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>A table of a dbt source.</summary>
public sealed record DbtSourceTable(string Source, string Table, string File, int Line)
{
    public string Key => $"{Source}.{Table}";

    public string? Description { get; init; }

    public IReadOnlyList<DbtColumn> Columns { get; init; } = [];

    public IReadOnlyDictionary<string, string> Meta { get; init; } = new Dictionary<string, string>();

    /// <summary>The relation name in the warehouse (<c>identifier</c> or the table name).</summary>
    public string Identifier { get; init; } = "";

    /// <summary>The source's <c>schema:</c> (null: the source name, as dbt defaults it).</summary>
    public string? Schema { get; init; }

    /// <summary>The source's <c>database:</c> (or BigQuery <c>project:</c>); null: the target's.</summary>
    public string? Database { get; init; }
}

/// <summary>An exposure (a dashboard, notebook, application that reads models).</summary>
public sealed record DbtExposure(string Name, string File, int Line)
{
    public string? Type { get; init; }

    public string? OwnerName { get; init; }

    public string? OwnerEmail { get; init; }

    /// <summary>Model names this exposure refs.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];

    public IReadOnlyList<string> DependsOnSources { get; init; } = [];
}

/// <summary>What one properties YAML file declares.</summary>
public sealed record DbtPropertiesFile(string Path)
{
    public IReadOnlyList<DbtProperties> Nodes { get; init; } = [];

    public IReadOnlyList<DbtSourceTable> Sources { get; init; } = [];

    public IReadOnlyList<DbtExposure> Exposures { get; init; } = [];

    /// <summary>Set when the YAML does not parse.</summary>
    public string? Error { get; init; }
}

/// <summary>A folder-level config in <c>dbt_project.yml</c> (<c>+materialized: table</c> under <c>marts:</c>).</summary>
public sealed record DbtFolderConfig(IReadOnlyList<string> Segments, string Key, string Value, int Line);

/// <summary>A SQL hook (<c>on-run-start</c>, <c>+pre-hook</c>...) in <c>dbt_project.yml</c>.</summary>
public sealed record DbtHook(string Key, string Sql, int Line);

/// <summary>
/// One dbt project as the agents see it: the project <see cref="ReviewBot.Dbt.Projects.DbtRepository"/> read (name, root, folders, vars;
/// <see cref="Definition"/>) with the folder-level configs and hooks of its <c>dbt_project.yml</c>.
/// </summary>
public sealed record DbtProject(string Name, string Root, string File)
{
    /// <summary>The project as the renderer and the path classifier read it.</summary>
    public required ReviewBot.Dbt.Projects.DbtProject Definition { get; init; }

    public IReadOnlyList<DbtFolderConfig> FolderConfigs { get; init; } = [];

    public IReadOnlyList<DbtHook> Hooks { get; init; } = [];

    public string? Error { get; init; }
}

/// <summary>The kind of a node in the graph.</summary>
public enum DbtNodeKind
{
    Model,
    Seed,
    Snapshot,
}

/// <summary>A model, seed or snapshot, with its effective configuration.</summary>
public sealed record DbtNode(string Name, DbtNodeKind Kind, string Path, DbtProject Project)
{
    public DbtModelFile? File { get; init; }

    public DbtProperties? Properties { get; init; }

    /// <summary>The effective materialization, following dbt's precedence.</summary>
    public string Materialization { get; init; } = "view";

    /// <summary>Where <see cref="Materialization"/> came from: <c>sql</c>, <c>properties</c>, <c>dbt_project.yml</c> or <c>default</c>.</summary>
    public string MaterializationOrigin { get; init; } = "default";

    /// <summary>Effective configs from the project folders (key to value), most specific last.</summary>
    public IReadOnlyDictionary<string, DbtFolderConfig> FolderConfig { get; init; } = new Dictionary<string, DbtFolderConfig>();

    /// <summary>Tags as dbt accumulates them: every matching project folder's, the properties entry's and the SQL <c>config(tags=...)</c>.</summary>
    public IReadOnlyList<string> Tags { get; init; } = [];

    /// <summary>Flattened <c>meta</c> with dbt's precedence (SQL <c>config(meta=...)</c> over properties over project folders).</summary>
    public IReadOnlyDictionary<string, string> Meta { get; init; } = new Dictionary<string, string>();

    public string Language => File?.Language ?? "sql";

    /// <summary>Config value with dbt's precedence: SQL <c>config()</c>, then properties <c>config:</c>, then the project folders.</summary>
    public string? ConfigValue(string key)
    {
        if (File?.Config.TryGetValue(key, out var sql) == true)
        {
            return sql.Text ?? sql.Raw;
        }

        if (Properties?.Config.TryGetValue(key, out var yaml) == true)
        {
            return yaml;
        }

        if (Properties is not null && Nested(Properties.Config.Select(kv => (kv.Key, kv.Value)), key) is { } nestedYaml)
        {
            return nestedYaml;
        }

        if (FolderConfig.TryGetValue(key, out var folder))
        {
            return folder.Value;
        }

        return Nested(FolderConfig.Select(kv => (kv.Key, kv.Value.Value)), key);
    }

    // YAML mappings are flattened to dotted keys ("partition_by.field"); rebuild a dict-like value for the parent key.
    private static string? Nested(IEnumerable<(string Key, string Value)> entries, string key)
    {
        var parts = entries.Where(e => e.Key.StartsWith(key + ".", StringComparison.OrdinalIgnoreCase))
            .Select(e => $"'{e.Key[(key.Length + 1)..]}': '{e.Value}'").ToList();
        return parts.Count == 0 ? null : "{" + string.Join(", ", parts) + "}";
    }
}

/// <summary>A node downstream of a changed node, with its distance.</summary>
public sealed record DownstreamNode(string Name, string Kind, int Depth);

/// <summary>The dbt project(s) of a repository at one revision, resolved into a graph.</summary>
public sealed class DbtState
{
    private readonly Dictionary<string, List<string>> _children;
    private readonly Dictionary<string, List<string>> _exposureChildren;
    private readonly Dictionary<string, List<DbtNode>> _atPath;
    private readonly Dictionary<string, List<DbtNode>> _documentedIn;

    public DbtState(
        IReadOnlyList<DbtProject> projects,
        IReadOnlyDictionary<string, DbtNode> nodes,
        IReadOnlyDictionary<string, DbtSourceTable> sources,
        IReadOnlyList<DbtExposure> exposures,
        IReadOnlySet<string> manifestNodes,
        bool hasPackages)
    {
        Projects = projects;
        Nodes = nodes;
        Sources = sources;
        Exposures = exposures;
        ManifestNodes = manifestNodes;
        HasPackages = hasPackages;
        _atPath = nodes.Values.GroupBy(n => n.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.DistinctBy(n => n.Name, StringComparer.OrdinalIgnoreCase).ToList(), StringComparer.Ordinal);
        _documentedIn = nodes.Values.Where(n => n.Properties is not null).GroupBy(n => n.Properties!.File, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.DistinctBy(n => n.Properties!.Name, StringComparer.OrdinalIgnoreCase).ToList(), StringComparer.Ordinal);
        NodesByPath = _atPath.ToDictionary(kv => kv.Key, kv => kv.Value[0], StringComparer.Ordinal);
        _children = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var node in nodes.Values)
        {
            if (node.File is null)
            {
                continue;
            }

            foreach (var parent in node.File.Refs.Select(r => r.Name).Concat(node.File.Sources.Select(s => "source:" + s.Key)).Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (!_children.TryGetValue(parent, out var list))
                {
                    _children[parent] = list = [];
                }

                list.Add(node.Name);
            }
        }

        _exposureChildren = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var exposure in exposures)
        {
            foreach (var parent in exposure.DependsOn.Concat(exposure.DependsOnSources.Select(s => "source:" + s)))
            {
                if (!_exposureChildren.TryGetValue(parent, out var list))
                {
                    _exposureChildren[parent] = list = [];
                }

                list.Add(exposure.Name);
            }
        }
    }

    public static DbtState Empty { get; } = new([], new Dictionary<string, DbtNode>(), new Dictionary<string, DbtSourceTable>(), [], new HashSet<string>(), false);

    public IReadOnlyList<DbtProject> Projects { get; }

    /// <summary>Models, seeds and snapshots by name (case-insensitive).</summary>
    public IReadOnlyDictionary<string, DbtNode> Nodes { get; }

    public IReadOnlyDictionary<string, DbtNode> NodesByPath { get; }

    /// <summary>All nodes defined in a file (a snapshot file can define several).</summary>
    public IReadOnlyList<DbtNode> NodesAt(string path) => _atPath.TryGetValue(path, out var list) ? list : [];

    /// <summary>Nodes whose properties entry lives in the given YAML file.</summary>
    public IReadOnlyList<DbtNode> DocumentedIn(string path) => _documentedIn.TryGetValue(path, out var list) ? list : [];

    /// <summary>Source tables by <c>source.table</c>.</summary>
    public IReadOnlyDictionary<string, DbtSourceTable> Sources { get; }

    public IReadOnlyList<DbtExposure> Exposures { get; }

    /// <summary>Node names known from <c>target/manifest.json</c> (packages included).</summary>
    public IReadOnlySet<string> ManifestNodes { get; }

    /// <summary>True when the project installs packages (<c>packages.yml</c> / <c>dependencies.yml</c>).</summary>
    public bool HasPackages { get; }

    public bool IsDbt => Projects.Count > 0;

    /// <summary>Models that <c>ref()</c> the given node (or <c>source:src.table</c>).</summary>
    public IReadOnlyList<string> ChildrenOf(string name) => _children.TryGetValue(name, out var list) ? list : [];

    public IReadOnlyList<string> ExposuresOf(string name) => _exposureChildren.TryGetValue(name, out var list) ? list : [];

    /// <summary>Everything downstream of <paramref name="name"/>: models (breadth first, with depth) and exposures.</summary>
    public IReadOnlyList<DownstreamNode> Downstream(string name, int maxNodes = 10_000)
    {
        var result = new List<DownstreamNode>();
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { name };
        var queue = new Queue<(string Name, int Depth)>();
        queue.Enqueue((name, 0));
        while (queue.Count > 0 && result.Count < maxNodes)
        {
            var (current, depth) = queue.Dequeue();
            foreach (var exposure in ExposuresOf(current))
            {
                if (seen.Add("exposure:" + exposure))
                {
                    result.Add(new DownstreamNode(exposure, "exposure", depth + 1));
                }
            }

            foreach (var child in ChildrenOf(current))
            {
                if (seen.Add(child))
                {
                    result.Add(new DownstreamNode(child, Nodes.TryGetValue(child, out var node) ? node.Kind.ToString().ToLowerInvariant() : "model", depth + 1));
                    queue.Enqueue((child, depth + 1));
                }
            }
        }

        return result;
    }

    /// <summary>True when <c>ref(name)</c> resolves: a node of the project, or a node the manifest knows.</summary>
    public bool Resolves(string name) => Nodes.ContainsKey(name) || ManifestNodes.Contains(name);
}
