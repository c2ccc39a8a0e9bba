using System.Collections.Concurrent;
using ReviewBot.Dbt.Jinja;

namespace ReviewBot.Dbt.Projects;

/// <summary>What a renderable file is, by the project folder it sits in.</summary>
public enum DbtFileKind
{
    Model,
    Snapshot,
    Analysis,
    Test,
}

/// <summary>A file the renderer can render, with the project it belongs to.</summary>
public sealed record DbtFile(string Path, DbtProject Project, DbtFileKind Kind);

/// <summary>
/// The dbt projects of one repository snapshot: every <c>dbt_project.yml</c> (several per repository), the packages
/// vendored under <c>dbt_packages/</c> or declared as <c>local:</c>, and each project's macros, parsed once and shared
/// by every render. Thread-safe after construction.
/// </summary>
public sealed class DbtRepository
{
    /// <summary>A macro file larger than this is not loaded (as a model over the engine's 4 MB source limit is not rendered).</summary>
    internal const int MaxMacroFileChars = 4 * 1024 * 1024;

    private readonly List<DbtProject> _all;
    private readonly ConcurrentDictionary<string, Lazy<MacroCatalog>> _catalogs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (TemplateAst? Ast, string? Error)> _macroFiles = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _adapters = new(StringComparer.Ordinal);
    private readonly string? _adapterOverride;

    private DbtRepository(IRepositoryFiles files, List<DbtProject> all, string? adapterOverride)
    {
        Files = files;
        _all = all;
        _adapterOverride = adapterOverride;
        Projects = all.Where(p => !p.IsVendoredPackage).OrderByDescending(p => p.Root.Length).ToList();
    }

    public IRepositoryFiles Files { get; }

    /// <summary>The repository's own projects (vendored packages excluded), deepest folder first.</summary>
    public IReadOnlyList<DbtProject> Projects { get; }

    /// <summary>Reads every project of <paramref name="files"/>. Never throws: a broken project file is kept with defaults and its error.</summary>
    public static DbtRepository Load(IRepositoryFiles files, string? adapterOverride = null)
    {
        var projectFiles = files.Paths.Where(p => p == "dbt_project.yml" || p.EndsWith("/dbt_project.yml", StringComparison.Ordinal)).ToList();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var raw = new List<(string Root, Dictionary<string, object?>? Yaml, string? Error)>();
        foreach (var path in projectFiles)
        {
            var root = path.Length == "dbt_project.yml".Length ? string.Empty : path[..^"/dbt_project.yml".Length];
            var text = files.Read(path);
            var yaml = text is null ? null : YamlValues.Parse(text, out var error) as Dictionary<string, object?>;
            error = text is null ? "unreadable" : yaml is null ? "not a YAML mapping" : null;
            raw.Add((root, yaml, error));
            if (yaml?.GetValueOrDefault("name") is string n)
            {
                names.Add(n);
            }
        }

        var projects = new List<DbtProject>();
        foreach (var (root, yaml, error) in raw)
        {
            projects.Add(ReadProject(files, root, yaml ?? [], error, names));
        }

        return new DbtRepository(files, projects, adapterOverride);
    }

    private static DbtProject ReadProject(IRepositoryFiles files, string root, Dictionary<string, object?> yaml, string? error, HashSet<string> projectNames)
    {
        IReadOnlyList<string> Paths(string key, params string[] defaults)
        {
            var value = yaml.GetValueOrDefault(key);
            var list = value switch
            {
                List<object?> l => l.OfType<string>().ToList(),
                string s => [s],
                _ => defaults.ToList(),
            };
            return list.Select(p => DbtProject.Combine(root, p)).ToList();
        }

        var declared = new List<string>();
        var locals = new List<string>();
        foreach (var file in new[] { "packages.yml", "dependencies.yml" })
        {
            var text = files.Read(DbtProject.Combine(root, file));
            if (text is null || YamlValues.Parse(text, out _) is not Dictionary<string, object?> doc || doc.GetValueOrDefault("packages") is not List<object?> packages)
            {
                continue;
            }

            foreach (var entry in packages.OfType<Dictionary<string, object?>>())
            {
                if (entry.GetValueOrDefault("package") is string package)
                {
                    declared.Add(package[(package.LastIndexOf('/') + 1)..]);
                }
                else if (entry.GetValueOrDefault("git") is string git)
                {
                    var repo = git.TrimEnd('/');
                    repo = repo[(repo.LastIndexOf('/') + 1)..];
                    declared.Add(repo.EndsWith(".git", StringComparison.Ordinal) ? repo[..^4] : repo);
                }
                else if (entry.GetValueOrDefault("local") is string local)
                {
                    locals.Add(DbtProject.Combine(root, local));
                }
            }
        }

        var name = yaml.GetValueOrDefault("name") as string ?? (root.Length == 0 ? "project" : root[(root.LastIndexOf('/') + 1)..]);
        var vars = new Dictionary<string, object?>(StringComparer.Ordinal);
        var scoped = new Dictionary<string, IReadOnlyDictionary<string, object?>>(StringComparer.Ordinal);
        if (yaml.GetValueOrDefault("vars") is Dictionary<string, object?> allVars)
        {
            foreach (var (key, value) in allVars)
            {
                if (value is Dictionary<string, object?> inner && (key == name || projectNames.Contains(key) || declared.Contains(key)))
                {
                    scoped[key] = inner;
                }
                else
                {
                    vars[key] = value;
                }
            }
        }

        var dispatch = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (yaml.GetValueOrDefault("dispatch") is List<object?> dispatchEntries)
        {
            foreach (var entry in dispatchEntries.OfType<Dictionary<string, object?>>())
            {
                if (entry.GetValueOrDefault("macro_namespace") is string ns && entry.GetValueOrDefault("search_order") is List<object?> order)
                {
                    dispatch[ns] = order.OfType<string>().ToList();
                }
            }
        }

        return new DbtProject
        {
            Name = name,
            Root = root,
            ModelPaths = Paths(yaml.ContainsKey("model-paths") ? "model-paths" : "source-paths", "models"),
            MacroPaths = Paths("macro-paths", "macros"),
            SnapshotPaths = Paths("snapshot-paths", "snapshots"),
            AnalysisPaths = Paths("analysis-paths", "analyses", "analysis"),
            TestPaths = Paths("test-paths", "tests"),
            SeedPaths = Paths(yaml.ContainsKey("seed-paths") ? "seed-paths" : "data-paths", "seeds"),
            DispatchOrder = dispatch,
            Profile = yaml.GetValueOrDefault("profile") as string,
            IsVendoredPackage = root.Contains("dbt_packages/", StringComparison.Ordinal) || root.Contains("dbt_modules/", StringComparison.Ordinal),
            Vars = vars,
            ScopedVars = scoped,
            DeclaredPackages = declared,
            LocalPackageRoots = locals,
            Error = error,
        };
    }

    /// <summary>
    /// True for the files <see cref="Load"/> and the adapter inference read besides macros: <c>dbt_project.yml</c>
    /// (own and vendored), <c>packages.yml</c>, <c>dependencies.yml</c>, <c>profiles.yml</c> and Python dependency files.
    /// A caller that fetches files in bulk reads these first, then <see cref="IsMacroFile"/> ones.
    /// </summary>
    public static bool IsSupportFile(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return name is "dbt_project.yml" or "packages.yml" or "dependencies.yml" || name.EndsWith("profiles.yml", StringComparison.Ordinal)
            || AdapterInference.IsDependencyFile(path);
    }

    /// <summary>True for a SQL file a render may load macros from: under a macro folder of a project or of a vendored or local package.</summary>
    public bool IsMacroFile(string path)
    {
        if (!path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var vendored = path.Contains("dbt_packages/", StringComparison.Ordinal) || path.Contains("dbt_modules/", StringComparison.Ordinal);
        foreach (var project in _all)
        {
            if (project.InAny(project.MacroPaths, path) && (project.IsVendoredPackage || !vendored))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Names of the macros a macro file defines (parsed once and shared with the renders); empty when it does not parse or exist.</summary>
    public IReadOnlyList<string> MacrosDefinedIn(string path)
    {
        var (ast, _) = _macroFiles.GetOrAdd(path, p => ParseMacroFile(p));
        return ast is null ? [] : ast.Macros.Select(m => m.Name).ToList();
    }

    /// <summary>The role of a path in the repository's projects; see <see cref="DbtPaths.Classify"/>.</summary>
    public DbtPathInfo Classify(string path) => DbtPaths.Classify(path, Projects);

    /// <summary>The project a file belongs to (deepest project whose model, snapshot, analysis, test or macro folders hold it).</summary>
    public DbtProject? ProjectFor(string path) =>
        Projects.FirstOrDefault(p => KindOf(p, path) is not null)
        ?? Projects.FirstOrDefault(p => DbtProject.IsUnder(path, p.Root));

    /// <summary>The kind of a file within a project, or null when none of its renderable folders hold it.</summary>
    public static DbtFileKind? KindOf(DbtProject project, string path)
    {
        if (!path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (project.InAny(project.SnapshotPaths, path))
        {
            return DbtFileKind.Snapshot;
        }

        if (project.InAny(project.ModelPaths, path))
        {
            return DbtFileKind.Model;
        }

        if (project.InAny(project.AnalysisPaths, path))
        {
            return DbtFileKind.Analysis;
        }

        if (project.InAny(project.TestPaths, path))
        {
            return DbtFileKind.Test;
        }

        return null;
    }

    /// <summary>Every renderable file (models, snapshots, analyses, singular tests) of every project, each once.</summary>
    public IReadOnlyList<DbtFile> RenderableFiles()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<DbtFile>();
        foreach (var path in Files.Paths)
        {
            if (!path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) || path.Contains("dbt_packages/", StringComparison.Ordinal) || path.Contains("dbt_modules/", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var project in Projects)
            {
                if (KindOf(project, path) is { } kind && seen.Add(path))
                {
                    result.Add(new DbtFile(path, project, kind));
                    break;
                }
            }
        }

        return result;
    }

    /// <summary>The adapter type (<c>target.type</c>) of a project; see <see cref="AdapterInference"/>.</summary>
    public string AdapterFor(DbtProject project) => _adapters.GetOrAdd(project.Root, _ => AdapterInference.Infer(Files, project, _adapterOverride));

    internal MacroCatalog MacrosFor(DbtProject project) => _catalogs.GetOrAdd(project.Root, _ => new Lazy<MacroCatalog>(() => BuildCatalog(project))).Value;

    private MacroCatalog BuildCatalog(DbtProject project)
    {
        var catalog = new MacroCatalog(project.Name);
        LoadMacros(project, catalog.Root, catalog.Errors);
        var packages = _all.Where(p => p != project && (
            (p.IsVendoredPackage && (DbtProject.IsUnder(p.Root, DbtProject.Combine(project.Root, "dbt_packages")) || DbtProject.IsUnder(p.Root, DbtProject.Combine(project.Root, "dbt_modules"))))
            || project.LocalPackageRoots.Contains(p.Root, StringComparer.Ordinal)));
        foreach (var package in packages)
        {
            if (!catalog.Packages.TryGetValue(package.Name, out var macros))
            {
                catalog.Packages[package.Name] = macros = new Dictionary<string, MacroValue>(StringComparer.Ordinal);
                catalog.PackageProjects[package.Name] = package;
                LoadMacros(package, macros, catalog.Errors);
            }
        }

        return catalog;
    }

    private void LoadMacros(DbtProject project, Dictionary<string, MacroValue> into, List<string> errors)
    {
        foreach (var path in Files.Paths)
        {
            if (!path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) || !project.InAny(project.MacroPaths, path))
            {
                continue;
            }

            if (!project.IsVendoredPackage && (path.Contains("dbt_packages/", StringComparison.Ordinal) || path.Contains("dbt_modules/", StringComparison.Ordinal)))
            {
                continue;
            }

            var (ast, error) = _macroFiles.GetOrAdd(path, p => ParseMacroFile(p));
            if (error is not null)
            {
                errors.Add($"{path}: {error}");
            }

            if (ast is null)
            {
                continue;
            }

            foreach (var macro in ast.Macros)
            {
                into[macro.Name] = new MacroValue(macro, project.Name, null);
            }
        }
    }

    private (TemplateAst?, string?) ParseMacroFile(string path)
    {
        var text = Files.Read(path);
        if (text is null)
        {
            return (null, "unreadable");
        }

        if (text.Length > MaxMacroFileChars)
        {
            return (null, $"larger than {MaxMacroFileChars / (1024 * 1024)} MB");
        }

        try
        {
            return (Parser.Parse(text), null);
        }
        catch (TemplateException e)
        {
            // dbt reads a macro file as its top-level blocks and parses each on its own, so text between blocks
            // (even invalid Jinja) does not hide the macros around it.
            var blocks = MacroBlocks.Split(text);
            var macros = new List<MacroNode>();
            var padding = 0L;
            foreach (var (block, startLine) in blocks)
            {
                try
                {
                    // Padded so its lines are the file's lines; past a budget (thousands of blocks in a broken file)
                    // lines are the block's own, so the padding cannot grow with blocks × lines.
                    padding += startLine - 1;
                    var source = padding <= MaxMacroFileChars ? new string('\n', startLine - 1) + block : block;
                    macros.AddRange(Parser.Parse(source).Macros);
                }
                catch (TemplateException)
                {
                    // That block alone is broken; its macros stay unresolved where they are called.
                }
            }

            return macros.Count == 0 ? (null, $"line {e.Line}: {e.Message}") : (new TemplateAst([], macros), $"line {e.Line}: {e.Message} (other blocks kept)");
        }
    }
}

/// <summary>The macros a project's renders can call: its own, and each package's under the package name.</summary>
internal sealed class MacroCatalog(string rootName)
{
    public string RootName { get; } = rootName;

    public Dictionary<string, MacroValue> Root { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, Dictionary<string, MacroValue>> Packages { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, DbtProject> PackageProjects { get; } = new(StringComparer.Ordinal);

    public List<string> Errors { get; } = [];

    /// <summary>An unqualified macro name: the calling package's own macros first, then the root project's, then any package's.</summary>
    public MacroValue? Find(string? currentPackage, string name)
    {
        if (currentPackage is not null && currentPackage != RootName && Packages.TryGetValue(currentPackage, out var own) && own.TryGetValue(name, out var m))
        {
            return m;
        }

        if (Root.TryGetValue(name, out m))
        {
            return m;
        }

        return null;
    }

    public MacroValue? FindInAnyPackage(string name)
    {
        foreach (var macros in Packages.Values)
        {
            if (macros.TryGetValue(name, out var m))
            {
                return m;
            }
        }

        return null;
    }
}
