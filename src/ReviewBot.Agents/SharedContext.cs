using System.Collections.Concurrent;
using ReviewBot.Agents.Context;
using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Agents.Context.Pipeline;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Dbt.Projects;
using DbtProject = ReviewBot.Agents.Context.Dbt.DbtProject;
using ReviewBot.Dbt.Rendering;

namespace ReviewBot.Agents;

/// <summary>
/// Builds the shared data context once per run, before the agents fan out: the dbt project graph at
/// base and head (<see cref="Resources.DbtGraph"/>), SQL facts (<see cref="Resources.SqlFacts"/>) and
/// pipeline facts (<see cref="Resources.PipelineFacts"/>). Reads only the files it needs, in two bulk
/// reads per side; files that did not change are read and parsed once for both sides.
/// </summary>
public static class SharedContext
{
    private static readonly string[] BinaryExtensions =
        [".png", ".jpg", ".jpeg", ".gif", ".ico", ".pdf", ".zip", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".parquet", ".avro", ".orc", ".xlsx", ".xls",
         ".docx", ".pptx", ".jar", ".whl", ".so", ".dll", ".exe", ".pyc", ".db", ".sqlite", ".duckdb", ".woff", ".woff2", ".ttf", ".mp4", ".mp3", ".bin", ".pkl", ".npy"];

    public static async Task BuildAsync(ChangeSet change, ResourceStore resources, CancellationToken ct)
    {
        var (graph, sql, pipeline) = await BuildCoreAsync(change, ct).ConfigureAwait(false);
        resources.Set(ContextKeys.DbtGraph, graph);
        resources.Set(ContextKeys.SqlFacts, sql);
        resources.Set(ContextKeys.PipelineFacts, pipeline);
    }

    /// <summary>The shared context from the store, built now if the host did not build it first.</summary>
    internal static async Task<(DbtGraph Graph, SqlFactsIndex Sql, PipelineFactsIndex Pipeline)> GetAsync(ChangeSet change, ResourceStore resources, CancellationToken ct)
    {
        if (resources.Find(ContextKeys.DbtGraph) is { } g && resources.Find(ContextKeys.SqlFacts) is { } s && resources.Find(ContextKeys.PipelineFacts) is { } p)
        {
            return (g, s, p);
        }

        await BuildAsync(change, resources, ct).ConfigureAwait(false);
        return (resources.Get(ContextKeys.DbtGraph), resources.Get(ContextKeys.SqlFacts), resources.Get(ContextKeys.PipelineFacts));
    }

    private static async Task<(DbtGraph, SqlFactsIndex, PipelineFactsIndex)> BuildCoreAsync(ChangeSet change, CancellationToken ct)
    {
        var headList = await change.Head.ListFilesAsync(ct).ConfigureAwait(false);
        var headSet = new HashSet<string>(headList, StringComparer.Ordinal);
        var baseSet = new HashSet<string>(headSet, StringComparer.Ordinal);
        foreach (var file in change.Files)
        {
            if (file.Kind is ChangeKind.Added or ChangeKind.Copied or ChangeKind.Renamed)
            {
                baseSet.Remove(file.Path);
            }

            if (file.Kind is ChangeKind.Deleted or ChangeKind.Renamed)
            {
                baseSet.Add(file.BasePath);
            }
        }

        var changedHead = change.Files.Where(f => f.Kind != ChangeKind.Deleted && !f.IsBinary).Select(f => f.Path).Where(IsText).ToHashSet(StringComparer.Ordinal);
        var changedBase = change.Files.Where(f => f.Kind is not (ChangeKind.Added or ChangeKind.Copied) && !f.IsBinary).Select(f => f.BasePath).Where(IsText).ToHashSet(StringComparer.Ordinal);

        // 1. What reading the dbt projects needs (project, package, profile and dependency files), in one read; the
        //    projects come from DbtRepository, the one reader of dbt_project.yml folders and the one path classifier.
        var head = new Dictionary<string, string>(StringComparer.Ordinal);
        var headSupport = headList.Where(DbtRepository.IsSupportFile).ToList();
        if (headSupport.Count > 0)
        {
            foreach (var (path, text) in await change.Head.ReadFilesAsync(headSupport, ct).ConfigureAwait(false))
            {
                head[path] = text;
            }
        }

        // Renders read the texts lazily; every text is in `head` before the first render.
        var headRepository = DbtRepository.Load(new RevisionFiles(headList, p => head.GetValueOrDefault(p)));
        var headProjects = Projects(headRepository, p => head.GetValueOrDefault(p));

        // 2. Everything else the agents need at head, in one read.
        var wantHead = new HashSet<string>(changedHead, StringComparer.Ordinal);
        var envExamples = headList.Where(Context.Pipeline.EnvDeclarations.IsExample).ToList();
        var envDeclarations = headList.Where(Context.Pipeline.EnvDeclarations.IsDeclaration).ToList();
        wantHead.UnionWith(envDeclarations);
        var headRoles = new Dictionary<string, (DbtPathRole Role, DbtProject? Project)>(StringComparer.Ordinal);
        foreach (var path in headList)
        {
            var classified = headProjects.Count == 0 ? (DbtPathRole.None, null) : DbtStateBuilder.Classify(path, headProjects);
            headRoles[path] = classified;
            if (classified.Role is DbtPathRole.Model or DbtPathRole.Snapshot or DbtPathRole.Properties or DbtPathRole.Manifest
                || (classified.Role == DbtPathRole.None && IsMigration(path))
                || headRepository.IsMacroFile(path))
            {
                wantHead.Add(path);
            }
        }

        wantHead.ExceptWith(head.Keys);
        if (wantHead.Count > 0)
        {
            foreach (var (path, text) in await change.Head.ReadFilesAsync(wantHead, ct).ConfigureAwait(false))
            {
                head[path] = text;
            }
        }

        // 3. Base: only the changed paths and the project files (unchanged files equal head).
        var baseProjectPaths = baseSet.Where(DbtPaths.IsProjectFile).ToList();
        var wantBase = new HashSet<string>(changedBase, StringComparer.Ordinal);
        wantBase.UnionWith(baseProjectPaths.Where(p => changedBase.Contains(p) || !headSet.Contains(p)));
        var baseRead = wantBase.Count == 0 ? new Dictionary<string, string>() : await change.Base.ReadFilesAsync(wantBase, ct).ConfigureAwait(false);
        var files = new SourceFiles(change, headSet, baseSet, head, baseRead);
        var baseList = baseSet.Order(StringComparer.Ordinal).ToList();
        var baseRepository = DbtRepository.Load(new RevisionFiles(baseList, files.Base));
        var baseProjects = Projects(baseRepository, files.Base);

        // A changed project, package or profile file can change how any unchanged model renders (vars, adapter): then
        // base renders every model at base. A changed macro file reaches only the models whose render called one of its
        // macros (or the dispatcher of one of its adapter implementations): those render at base. Every other unchanged
        // model's head render is its base render.
        var renderContextChanged = change.Files.Any(f => DbtRepository.IsSupportFile(f.Path) || DbtRepository.IsSupportFile(f.BasePath));
        var changedMacros = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in change.Files)
        {
            var defined = (file.Kind == ChangeKind.Deleted || !headRepository.IsMacroFile(file.Path) ? [] : headRepository.MacrosDefinedIn(file.Path))
                .Concat(file.Kind is ChangeKind.Added or ChangeKind.Copied || !baseRepository.IsMacroFile(file.BasePath) ? [] : baseRepository.MacrosDefinedIn(file.BasePath));
            foreach (var name in defined)
            {
                changedMacros.Add(name);
                var dispatched = name.IndexOf("__", StringComparison.Ordinal);
                if (dispatched > 0 && dispatched + 2 < name.Length)
                {
                    changedMacros.Add(name[(dispatched + 2)..]);
                }
            }
        }

        // 4. Properties YAML is the costly part to parse. Parse what a rule can need: changed files, files that
        //    declare sources or exposures (the graph needs them all, and renders need source identifiers), and files
        //    that document a changed model or a model the change refs. An unparsed file is unchanged, so it is
        //    equally absent at base and head.
        var headProps = new ConcurrentDictionary<string, DbtPropertiesFile>(StringComparer.Ordinal);
        var propertyPaths = head.Keys.Where(p => headRoles.TryGetValue(p, out var r) && r.Role == DbtPathRole.Properties).ToList();
        var interesting = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in changedHead.Concat(changedBase))
        {
            interesting.Add(System.IO.Path.GetFileNameWithoutExtension(path));
        }

        // Exposure depends_on entries are Jinja (ref('x')): rendered with the revision's projects, so vars resolve.
        var headYamlRenderer = new DbtRenderer(headRepository);
        var baseYamlRenderer = new DbtRenderer(baseRepository);
        void ParseProperties(HashSet<string> names) => Parallel.ForEach(propertyPaths, new ParallelOptions { CancellationToken = ct }, path =>
        {
            if (!headProps.ContainsKey(path) && (changedHead.Contains(path) || MayMatter(head[path], names)))
            {
                headProps[path] = DbtYaml.ParseProperties(path, head[path], headYamlRenderer);
            }
        });
        ParseProperties(interesting);

        // The changed properties files at base (sources they move make models render at base too).
        var baseProps = new Dictionary<string, DbtPropertiesFile>(StringComparer.Ordinal);
        foreach (var path in changedBase)
        {
            if (files.Base(path) is { } text && DbtStateBuilder.Classify(path, baseProjects).Role == DbtPathRole.Properties)
            {
                baseProps[path] = DbtYaml.ParseProperties(path, text, baseYamlRenderer);
            }
        }

        // A changed properties file can move a source (schema:, identifier:): models reading such a source render at base too.
        var changedSources = new HashSet<(string, string)>();
        foreach (var path in changedHead.Concat(changedBase))
        {
            foreach (var source in (headProps.GetValueOrDefault(path)?.Sources ?? []).Concat(baseProps.GetValueOrDefault(path)?.Sources ?? []))
            {
                changedSources.Add((source.Source, source.Table));
            }
        }

        var headModels = new ConcurrentDictionary<string, DbtModelFile>(StringComparer.Ordinal);
        bool Reached(DbtModelFile model) =>
            (changedMacros.Count > 0 || changedSources.Count > 0)
            && (model.Macros.Any(changedMacros.Contains) || model.Sources.Any(s => changedSources.Contains((s.Source, s.Table))));
        bool ReachedByChangedMacro(string path) => headModels.TryGetValue(path, out var m) && Reached(m);

        // 5. Render every model and snapshot at head once (the graph needs every ref edge); Python models are read.
        var headRenderer = new DbtRenderer(headRepository, new DbtRenderOptions { SourceRelations = SourceRelations(headProps.Values.SelectMany(p => p.Sources)) });
        var headWork = head.Keys.Where(p => headRoles.TryGetValue(p, out var r) && r.Role is DbtPathRole.Model or DbtPathRole.Snapshot).ToList();
        // Rendered SQL is kept only where a change can reach it (changed files, models a changed macro or source
        // reaches); the graph of every other model needs only its facts, so its SQL is not held in memory.
        Parallel.ForEach(headWork, new ParallelOptions { CancellationToken = ct }, path =>
        {
            var model = Read(headRenderer, path, head[path]);
            headModels[path] = model.Rendered is null || changedHead.Contains(path) || Reached(model) ? model : model with { Rendered = null };
        });

        var refsOfChanged = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in changedHead)
        {
            if (headModels.TryGetValue(path, out var changedModel))
            {
                refsOfChanged.UnionWith(changedModel.Refs.Select(r => r.Name));
            }
        }

        refsOfChanged.ExceptWith(interesting);
        if (refsOfChanged.Count > 0)
        {
            ParseProperties(refsOfChanged);
        }

        // 6. Base: the changed files at base (and, when the render context changed, every model at base).
        DbtPropertiesFile? BaseProps(string path)
        {
            if (baseProps.TryGetValue(path, out var p))
            {
                return p;
            }

            if (changedBase.Contains(path))
            {
                return null;
            }

            if (headProps.TryGetValue(path, out var h))
            {
                return h;
            }

            // Unchanged and skipped at head as irrelevant: skipped at base too, so both sides agree.
            return head.ContainsKey(path) ? null : files.Base(path) is { } text ? baseProps[path] = DbtYaml.ParseProperties(path, text, baseYamlRenderer) : null;
        }

        var baseSources = headProps.Where(kv => !changedHead.Contains(kv.Key) && !changedBase.Contains(kv.Key)).SelectMany(kv => kv.Value.Sources).Concat(baseProps.Values.SelectMany(p => p.Sources));
        var baseRenderer = new DbtRenderer(baseRepository, new DbtRenderOptions { SourceRelations = SourceRelations(baseSources) });
        var baseModels = new ConcurrentDictionary<string, DbtModelFile>(StringComparer.Ordinal);
        var baseWork = baseList.Where(p => (changedBase.Contains(p) || renderContextChanged || !headModels.ContainsKey(p) || ReachedByChangedMacro(p))
            && DbtStateBuilder.Classify(p, baseProjects).Role is DbtPathRole.Model or DbtPathRole.Snapshot).ToList();
        Parallel.ForEach(baseWork, new ParallelOptions { CancellationToken = ct }, path =>
        {
            if (files.Base(path) is { } text)
            {
                baseModels[path] = Read(baseRenderer, path, text);
            }
        });

        DbtModelFile? BaseModel(string path) =>
            baseModels.TryGetValue(path, out var m) ? m : changedBase.Contains(path) ? null : headModels.GetValueOrDefault(path);

        // The two sides are independent (base only reads the head parses), so they are assembled at once.
        var headTask = Task.Run(
            () => headProjects.Count == 0 ? DbtState.Empty : DbtStateBuilder.Build(
                headProjects, headList, p => headModels.TryGetValue(p, out var m) ? m : null, p => headProps.TryGetValue(p, out var x) ? x : null, files.Head),
            ct);
        var baseState = baseProjects.Count == 0 ? DbtState.Empty : DbtStateBuilder.Build(
            baseProjects, baseList, BaseModel, BaseProps, files.Base);
        var headState = await headTask.ConfigureAwait(false);
        var unparsed = headProps.Values.Where(p => p.Error is not null && changedHead.Contains(p.Path)).Select(p => new SkippedFile(p.Path, $"YAML does not parse: {p.Error}"))
            .Concat(headProjects.Where(p => p.Error is not null).Select(p => new SkippedFile(p.File, $"YAML does not parse: {p.Error}")))
            .ToList();
        var renderings = new DbtRenderings(Renders(changedHead, headModels), Renders(changedBase, baseModels));
        var graph = new DbtGraph(baseState, headState, files, unparsed) { Renderings = renderings };

        // 5. SQL and pipeline facts of the changed files, computed now so agents only read them.
        var sql = new SqlFactsIndex(files, renderings);
        var documented = new HashSet<string>(StringComparer.Ordinal);
        foreach (var declaration in envDeclarations)
        {
            if (files.Head(declaration) is { } text)
            {
                documented.UnionWith(Context.Pipeline.EnvDeclarations.Names(declaration, text));
            }
        }

        var pipeline = new PipelineFactsIndex(files) { DocumentedEnvVars = documented, EnvExampleFiles = envExamples };
        var warm = changedHead.Select(p => (Path: p, Head: true)).Concat(changedBase.Select(p => (Path: p, Head: false))).ToList();
        Parallel.ForEach(warm, new ParallelOptions { CancellationToken = ct }, item =>
        {
            if (item.Path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                _ = item.Head ? sql.Head(item.Path) : sql.Base(item.Path);
            }

            if (item.Path.EndsWith(".py", StringComparison.OrdinalIgnoreCase) || item.Path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase)
                || item.Path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || item.Path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
            {
                _ = item.Head ? pipeline.Head(item.Path) : pipeline.Base(item.Path);
            }
        });

        return (graph, sql, pipeline);
    }

    /// <summary>The agents' projects: DbtRepository's own projects (vendored packages and build output excluded), with their folder configs and hooks.</summary>
    private static List<DbtProject> Projects(DbtRepository repository, Func<string, string?> read)
    {
        var projects = new List<DbtProject>();
        foreach (var definition in repository.Projects)
        {
            var file = definition.Root.Length == 0 ? "dbt_project.yml" : definition.Root + "/dbt_project.yml";
            if (DbtPaths.IsProjectFile(file))
            {
                projects.Add(DbtYaml.Project(definition, file, read(file)));
            }
        }

        return projects;
    }

    /// <summary>A model or snapshot file: a SQL file rendered (never read as raw Jinja), a Python model read from its calls.</summary>
    private static DbtModelFile Read(DbtRenderer renderer, string path, string text) =>
        path.EndsWith(".py", StringComparison.OrdinalIgnoreCase) ? PythonModelReader.Read(path, text) : DbtModelFiles.FromRendered(renderer.Render(path, text));

    private static Dictionary<string, RenderedModel> Renders(IEnumerable<string> paths, IReadOnlyDictionary<string, DbtModelFile> models)
    {
        var result = new Dictionary<string, RenderedModel>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            if (models.TryGetValue(path, out var model) && model.Rendered is { } rendered)
            {
                result[path] = rendered;
            }
        }

        return result;
    }

    /// <summary>Where the properties YAML says each source table lives (<c>schema:</c>, <c>identifier:</c>, <c>database:</c>).</summary>
    private static Func<string, string, SourceRelation?> SourceRelations(IEnumerable<DbtSourceTable> sources)
    {
        var declared = new Dictionary<(string, string), SourceRelation>();
        foreach (var source in sources)
        {
            if (source.Schema is not null || source.Database is not null || !string.Equals(source.Identifier, source.Table, StringComparison.Ordinal))
            {
                declared.TryAdd((source.Source, source.Table), new SourceRelation(source.Database, source.Schema, source.Identifier.Length == 0 ? null : source.Identifier));
            }
        }

        return (source, table) => declared.GetValueOrDefault((source, table));
    }

    /// <summary>A cheap line scan of a properties file: does it declare sources/exposures or name an interesting node?</summary>
    private static bool MayMatter(string yaml, HashSet<string> names)
    {
        foreach (var raw in yaml.AsSpan().EnumerateLines())
        {
            if (raw.StartsWith("sources:") || raw.StartsWith("exposures:") || raw.StartsWith("semantic_models:"))
            {
                return true;
            }

            var line = raw.Trim();
            if (line.StartsWith("- name:"))
            {
                line = line[7..];
            }
            else if (line.StartsWith("name:"))
            {
                line = line[5..];
            }
            else
            {
                continue;
            }

            var name = line.Trim().Trim('\'').Trim('"').ToString();
            if (names.Contains(name))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True for migration files by path (<see cref="Governance.Migrations.MigrationScript.IsMigrationPath"/>: one convention for every reader).</summary>
    internal static bool IsMigration(string path) => Governance.Migrations.MigrationScript.IsMigrationPath(path);

    internal static string FileName(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }

    private static bool IsText(string path)
    {
        var name = FileName(path);
        var dot = name.LastIndexOf('.');
        return dot < 0 || !BinaryExtensions.Contains(name[dot..], StringComparer.OrdinalIgnoreCase);
    }
}
