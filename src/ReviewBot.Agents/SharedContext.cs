using System.Collections.Concurrent;
using ReviewBot.Agents.Context;
using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Agents.Context.Pipeline;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;

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

        // 1. Projects at head (and base, where dbt_project.yml changed).
        var headProjectPaths = headList.Where(DbtStateBuilder.IsProjectFile).ToList();
        var baseProjectPaths = baseSet.Where(DbtStateBuilder.IsProjectFile).ToList();
        var headProjectTexts = await change.Head.ReadFilesAsync(headProjectPaths, ct).ConfigureAwait(false);
        var headProjects = headProjectPaths.Where(headProjectTexts.ContainsKey).Select(p => DbtYaml.ParseProject(p, headProjectTexts[p])).ToList();

        // 2. Everything else the agents need at head, in one read.
        var wantHead = new HashSet<string>(changedHead, StringComparer.Ordinal);
        var envExamples = headList.Where(Context.Pipeline.EnvDeclarations.IsExample).ToList();
        var envDeclarations = headList.Where(Context.Pipeline.EnvDeclarations.IsDeclaration).ToList();
        wantHead.UnionWith(envDeclarations);
        foreach (var path in headList)
        {
            var (role, _) = DbtStateBuilder.Classify(path, headProjects);
            if (role is DbtFileRole.Model or DbtFileRole.Snapshot or DbtFileRole.Properties or DbtFileRole.Manifest
                || (role == DbtFileRole.None && IsMigration(path)))
            {
                wantHead.Add(path);
            }
        }

        wantHead.ExceptWith(headProjectTexts.Keys);
        var headRead = await change.Head.ReadFilesAsync(wantHead, ct).ConfigureAwait(false);
        var head = new Dictionary<string, string>(headRead, StringComparer.Ordinal);
        foreach (var (path, text) in headProjectTexts)
        {
            head[path] = text;
        }

        // 3. Base: only the changed paths and the project files (unchanged files equal head).
        var wantBase = new HashSet<string>(changedBase, StringComparer.Ordinal);
        wantBase.UnionWith(baseProjectPaths.Where(p => changedBase.Contains(p) || !headSet.Contains(p)));
        var baseRead = wantBase.Count == 0 ? new Dictionary<string, string>() : await change.Base.ReadFilesAsync(wantBase, ct).ConfigureAwait(false);
        var files = new SourceFiles(change, headSet, baseSet, head, baseRead);
        var baseProjects = baseProjectPaths.Select(p => files.Base(p) is { } t ? DbtYaml.ParseProject(p, t) : null).OfType<DbtProject>().ToList();

        // 4. Parse dbt files once per distinct text, in parallel.
        var headModels = new ConcurrentDictionary<string, DbtModelFile>(StringComparer.Ordinal);
        var headProps = new ConcurrentDictionary<string, DbtPropertiesFile>(StringComparer.Ordinal);
        var headWork = head.Keys.Select(p => (Path: p, Role: DbtStateBuilder.Classify(p, headProjects).Role)).Where(x => x.Role is DbtFileRole.Model or DbtFileRole.Snapshot or DbtFileRole.Macro or DbtFileRole.Properties).ToList();
        Parallel.ForEach(headWork.Where(w => w.Role != DbtFileRole.Properties), new ParallelOptions { CancellationToken = ct }, item =>
            headModels[item.Path] = DbtFileScanner.Scan(item.Path, head[item.Path]));

        // Properties YAML is the costly part to parse. Parse what a rule can need: changed files, files that
        // declare sources or exposures (the graph needs them all), and files that document a changed model
        // or a model the change refs. An unparsed file is unchanged, so it is equally absent at base and head.
        var interesting = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var path in changedHead.Concat(changedBase))
        {
            interesting.Add(System.IO.Path.GetFileNameWithoutExtension(path));
            if (headModels.TryGetValue(path, out var changedModel))
            {
                interesting.UnionWith(changedModel.Refs.Select(r => r.Name));
            }
        }

        Parallel.ForEach(headWork.Where(w => w.Role == DbtFileRole.Properties), new ParallelOptions { CancellationToken = ct }, item =>
        {
            var text = head[item.Path];
            if (changedHead.Contains(item.Path) || MayMatter(text, interesting))
            {
                headProps[item.Path] = DbtYaml.ParseProperties(item.Path, text);
            }
        });

        var baseModels = new Dictionary<string, DbtModelFile>(StringComparer.Ordinal);
        var baseProps = new Dictionary<string, DbtPropertiesFile>(StringComparer.Ordinal);
        foreach (var path in changedBase)
        {
            if (files.Base(path) is not { } text)
            {
                continue;
            }

            var role = DbtStateBuilder.Classify(path, baseProjects).Role;
            if (role == DbtFileRole.Properties)
            {
                baseProps[path] = DbtYaml.ParseProperties(path, text);
            }
            else if (role is DbtFileRole.Model or DbtFileRole.Snapshot or DbtFileRole.Macro)
            {
                baseModels[path] = DbtFileScanner.Scan(path, text);
            }
        }

        DbtModelFile? BaseModel(string path)
        {
            if (baseModels.TryGetValue(path, out var m))
            {
                return m;
            }

            if (changedBase.Contains(path))
            {
                return null;
            }

            if (headModels.TryGetValue(path, out var h))
            {
                return h;
            }

            // Unchanged at head but classified differently (a project's paths changed): parse it now.
            return files.Base(path) is { } text ? baseModels[path] = DbtFileScanner.Scan(path, text) : null;
        }

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
            return head.ContainsKey(path) ? null : files.Base(path) is { } text ? baseProps[path] = DbtYaml.ParseProperties(path, text) : null;
        }

        // The two sides are independent (base only reads the head parses), so they are assembled at once.
        var headTask = Task.Run(
            () => headProjects.Count == 0 ? DbtState.Empty : DbtStateBuilder.Build(
                headProjects, headList, p => headModels.TryGetValue(p, out var m) ? m : null, p => headProps.TryGetValue(p, out var x) ? x : null, files.Head),
            ct);
        var baseState = baseProjects.Count == 0 ? DbtState.Empty : DbtStateBuilder.Build(
            baseProjects, baseSet.Order(StringComparer.Ordinal), BaseModel, BaseProps, files.Base);
        var headState = await headTask.ConfigureAwait(false);
        var unparsed = headProps.Values.Where(p => p.Error is not null && changedHead.Contains(p.Path)).Select(p => new SkippedFile(p.Path, $"YAML does not parse: {p.Error}"))
            .Concat(headProjects.Where(p => p.Error is not null).Select(p => new SkippedFile(p.File, $"YAML does not parse: {p.Error}")))
            .ToList();
        var renderings = headProjects.Count == 0 && baseProjects.Count == 0
            ? DbtRenderings.Empty
            : await DbtRenderings.BuildAsync(change, headList, baseSet, files, changedHead.Where(p => IsRenderable(p, headProjects)), changedBase.Where(p => IsRenderable(p, baseProjects)), ct).ConfigureAwait(false);
        var graph = new DbtGraph(baseState, headState, files, unparsed) { Renderings = renderings };

        // 5. SQL and pipeline facts of the changed files, computed now so agents only read them.
        var sql = new SqlFactsIndex(files);
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

    private static bool IsRenderable(string path, IReadOnlyList<DbtProject> projects) =>
        path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) && DbtStateBuilder.Classify(path, projects).Role is DbtFileRole.Model or DbtFileRole.Snapshot;

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
