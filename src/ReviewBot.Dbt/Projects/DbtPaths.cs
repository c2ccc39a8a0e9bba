namespace ReviewBot.Dbt.Projects;

/// <summary>What a repository file is to dbt.</summary>
public enum DbtPathRole
{
    /// <summary>Not a dbt file (outside every project, in an ignored folder, or of a kind dbt does not read).</summary>
    None,

    /// <summary>A SQL or Python model under a <c>model-paths</c> folder.</summary>
    Model,

    /// <summary>A SQL file under a <c>snapshot-paths</c> folder.</summary>
    Snapshot,

    /// <summary>A CSV under a <c>seed-paths</c> folder.</summary>
    Seed,

    /// <summary>A SQL file under a <c>macro-paths</c> folder.</summary>
    Macro,

    /// <summary>A SQL file under an <c>analysis-paths</c> folder.</summary>
    Analysis,

    /// <summary>A singular test under a <c>test-paths</c> folder.</summary>
    Test,

    /// <summary>A properties YAML file (models, sources, exposures...) in a folder dbt reads properties from.</summary>
    Properties,

    /// <summary><c>packages.yml</c> or <c>dependencies.yml</c> at a project root.</summary>
    Packages,

    /// <summary><c>target/manifest.json</c> of a project.</summary>
    Manifest,
}

/// <summary>The role of a path and the project that owns it (null for <see cref="DbtPathRole.None"/> outside every project).</summary>
public sealed record DbtPathInfo(DbtPathRole Role, DbtProject? Project);

/// <summary>The one classifier of repository paths into dbt roles, by the folders each project's <c>dbt_project.yml</c> names.</summary>
public static class DbtPaths
{
    private static readonly string[] Ignored = ["dbt_packages/", "dbt_modules/", "target/", "node_modules/", ".venv/", "venv/", "logs/"];

    /// <summary>True for <c>dbt_project.yml</c> files of the repository's own projects (not vendored packages, not build output).</summary>
    public static bool IsProjectFile(string path) =>
        (path == "dbt_project.yml" || path.EndsWith("/dbt_project.yml", StringComparison.Ordinal)) && !IsIgnored(path);

    /// <summary>True for paths in folders dbt never reads as the project's own (installed packages, build output, virtualenvs).</summary>
    public static bool IsIgnored(string path)
    {
        foreach (var folder in Ignored)
        {
            if (path.StartsWith(folder, StringComparison.Ordinal) || path.Contains("/" + folder, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The role of <paramref name="path"/> among <paramref name="projects"/>: the project whose folders hold it (deepest
    /// root first), else the deepest project whose root holds it. Snapshot
    /// folders are checked before model folders, as <see cref="DbtRepository.KindOf"/> does.
    /// </summary>
    public static DbtPathInfo Classify(string path, IReadOnlyList<DbtProject> projects)
    {
        if (path == "target/manifest.json" || path.EndsWith("/target/manifest.json", StringComparison.Ordinal))
        {
            var root = path.Length == "target/manifest.json".Length ? string.Empty : path[..^"/target/manifest.json".Length];
            var project = projects.FirstOrDefault(p => p.Root == root && !p.IsVendoredPackage);
            return project is null ? new(DbtPathRole.None, null) : new(DbtPathRole.Manifest, project);
        }

        if (IsIgnored(path))
        {
            return new(DbtPathRole.None, null);
        }

        // A project owns the files of its folders, wherever they are (model-paths: ['../../sources'] is a real shape),
        // else the files under its root; the deepest project first in both cases.
        DbtProject? owner = null;
        foreach (var project in projects)
        {
            if (!project.IsVendoredPackage && (owner is null || project.Root.Length > owner.Root.Length)
                && (project.InAny(project.ModelPaths, path) || project.InAny(project.SnapshotPaths, path) || project.InAny(project.SeedPaths, path)
                    || project.InAny(project.MacroPaths, path) || project.InAny(project.AnalysisPaths, path) || project.InAny(project.TestPaths, path)))
            {
                owner = project;
            }
        }

        if (owner is null)
        {
            foreach (var project in projects)
            {
                if (!project.IsVendoredPackage && DbtProject.IsUnder(path, project.Root) && (owner is null || project.Root.Length > owner.Root.Length))
                {
                    owner = project;
                }
            }
        }

        if (owner is null)
        {
            return new(DbtPathRole.None, null);
        }

        var dot = path.LastIndexOf('.');
        var ext = dot < 0 || dot < path.LastIndexOf('/') ? string.Empty : path[dot..].ToLowerInvariant();
        var sql = ext == ".sql";
        var yaml = ext is ".yml" or ".yaml";
        var role = DbtPathRole.None;
        if (owner.InAny(owner.SnapshotPaths, path))
        {
            role = sql ? DbtPathRole.Snapshot : yaml ? DbtPathRole.Properties : DbtPathRole.None;
        }
        else if (owner.InAny(owner.ModelPaths, path))
        {
            role = sql || ext == ".py" ? DbtPathRole.Model : yaml ? DbtPathRole.Properties : DbtPathRole.None;
        }
        else if (owner.InAny(owner.SeedPaths, path))
        {
            role = ext == ".csv" ? DbtPathRole.Seed : yaml ? DbtPathRole.Properties : DbtPathRole.None;
        }
        else if (owner.InAny(owner.MacroPaths, path))
        {
            role = sql ? DbtPathRole.Macro : yaml ? DbtPathRole.Properties : DbtPathRole.None;
        }
        else if (owner.InAny(owner.AnalysisPaths, path))
        {
            role = sql ? DbtPathRole.Analysis : yaml ? DbtPathRole.Properties : DbtPathRole.None;
        }
        else if (owner.InAny(owner.TestPaths, path))
        {
            role = sql ? DbtPathRole.Test : DbtPathRole.None;
        }
        else
        {
            var relative = owner.Root.Length == 0 ? path : path[(owner.Root.Length + 1)..];
            role = relative is "packages.yml" or "dependencies.yml" ? DbtPathRole.Packages : DbtPathRole.None;
        }

        return new(role, owner);
    }
}
