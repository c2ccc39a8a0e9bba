namespace ReviewBot.Dbt.Projects;

/// <summary>
/// One <c>dbt_project.yml</c>: where its files are and the vars it declares. Paths are repository-relative folders
/// with forward slashes ("" is the repository root); <c>../</c> in the project file is resolved.
/// </summary>
public sealed record DbtProject
{
    public required string Name { get; init; }

    /// <summary>Folder of the <c>dbt_project.yml</c> ("" at the repository root).</summary>
    public required string Root { get; init; }

    public required IReadOnlyList<string> ModelPaths { get; init; }

    public required IReadOnlyList<string> MacroPaths { get; init; }

    public required IReadOnlyList<string> SnapshotPaths { get; init; }

    public required IReadOnlyList<string> AnalysisPaths { get; init; }

    public required IReadOnlyList<string> TestPaths { get; init; }

    /// <summary>Seed folders (<c>seed-paths</c>, formerly <c>data-paths</c>). Default <c>seeds</c>.</summary>
    public IReadOnlyList<string> SeedPaths { get; init; } = [];

    /// <summary>
    /// <c>dispatch:</c> of <c>dbt_project.yml</c>: per macro namespace, the packages searched in order
    /// (<c>{macro_namespace: dbt_utils, search_order: [my_project, dbt_utils]}</c>). Default none.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DispatchOrder { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public string? Profile { get; init; }

    /// <summary>True for a package vendored under another project's <c>dbt_packages/</c>.</summary>
    public bool IsVendoredPackage { get; init; }

    /// <summary>Global vars (values of the template engine: strings, numbers, lists, dictionaries).</summary>
    public IReadOnlyDictionary<string, object?> Vars { get; init; } = new Dictionary<string, object?>();

    /// <summary>Vars scoped to a project or package: <c>vars: {my_package: {key: value}}</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> ScopedVars { get; init; } = new Dictionary<string, IReadOnlyDictionary<string, object?>>();

    /// <summary>Names of packages declared in packages.yml / dependencies.yml (present in the repository or not).</summary>
    public IReadOnlyList<string> DeclaredPackages { get; init; } = [];

    /// <summary>Roots of <c>local:</c> packages declared in packages.yml, resolved to repository folders.</summary>
    public IReadOnlyList<string> LocalPackageRoots { get; init; } = [];

    /// <summary>The error reading the project file, if any (the project is still usable with defaults).</summary>
    public string? Error { get; init; }

    internal static string Combine(string root, string relative)
    {
        var parts = new List<string>();
        foreach (var part in (root.Length == 0 ? relative : root + "/" + relative).Replace('\\', '/').Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }

    internal static bool IsUnder(string path, string folder) => folder.Length == 0 || (path.Length > folder.Length && path[folder.Length] == '/' && path.StartsWith(folder, StringComparison.Ordinal));

    internal bool InAny(IReadOnlyList<string> folders, string path) => folders.Any(f => IsUnder(path, f));
}
