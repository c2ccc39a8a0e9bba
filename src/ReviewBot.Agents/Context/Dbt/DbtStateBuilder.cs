using System.Text.Json;
using ReviewBot.Dbt.Projects;

namespace ReviewBot.Agents.Context.Dbt;

/// <summary>
/// Assembles a <see cref="DbtState"/> from parsed files: assigns files to projects (the deepest
/// <c>dbt_project.yml</c> above them), attaches properties, and resolves the effective materialization
/// with dbt's precedence (SQL config, then properties YAML, then the most specific project folder, then
/// the default: <c>view</c> for SQL, <c>table</c> for Python).
/// </summary>
internal static class DbtStateBuilder
{
    /// <summary>The role a path plays in one of the projects (the classifier of <see cref="DbtPaths"/>), with the agents' project.</summary>
    public static (DbtPathRole Role, DbtProject? Project) Classify(string path, IReadOnlyList<DbtProject> projects)
    {
        var definitions = new List<ReviewBot.Dbt.Projects.DbtProject>(projects.Count);
        foreach (var project in projects)
        {
            definitions.Add(project.Definition);
        }

        var info = DbtPaths.Classify(path, definitions);
        if (info.Project is null)
        {
            return (info.Role, null);
        }

        foreach (var project in projects)
        {
            if (ReferenceEquals(project.Definition, info.Project))
            {
                return (info.Role, project);
            }
        }

        return (DbtPathRole.None, null);
    }

    public static DbtState Build(
        IReadOnlyList<DbtProject> projects,
        IEnumerable<string> paths,
        Func<string, DbtModelFile?> modelFile,
        Func<string, DbtPropertiesFile?> propertiesFile,
        Func<string, string?> text)
    {
        var nodes = new Dictionary<string, DbtNode>(StringComparer.OrdinalIgnoreCase);
        var properties = new List<DbtProperties>();
        var sources = new Dictionary<string, DbtSourceTable>(StringComparer.OrdinalIgnoreCase);
        var exposures = new List<DbtExposure>();
        var manifest = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var hasPackages = false;
        foreach (var path in paths)
        {
            var (role, project) = Classify(path, projects);
            switch (role)
            {
                case DbtPathRole.Model when modelFile(path) is { } file:
                    var name = System.IO.Path.GetFileNameWithoutExtension(path);
                    nodes.TryAdd(name, new DbtNode(name, DbtNodeKind.Model, path, project!) { File = file });
                    break;
                case DbtPathRole.Snapshot when modelFile(path) is { } snap:
                    foreach (var (snapshotName, _) in snap.SnapshotBlocks)
                    {
                        nodes.TryAdd(snapshotName, new DbtNode(snapshotName, DbtNodeKind.Snapshot, path, project!) { File = snap, Materialization = "snapshot", MaterializationOrigin = "snapshot" });
                    }

                    break;
                case DbtPathRole.Seed:
                    var seed = System.IO.Path.GetFileNameWithoutExtension(path);
                    nodes.TryAdd(seed, new DbtNode(seed, DbtNodeKind.Seed, path, project!) { Materialization = "seed", MaterializationOrigin = "seed" });
                    break;
                case DbtPathRole.Properties when propertiesFile(path) is { } props:
                    properties.AddRange(props.Nodes);
                    foreach (var source in props.Sources)
                    {
                        sources.TryAdd(source.Key, source);
                    }

                    exposures.AddRange(props.Exposures);
                    break;
                case DbtPathRole.Packages:
                    hasPackages = true;
                    break;
                case DbtPathRole.Manifest when text(path) is { } json:
                    ReadManifest(json, manifest);
                    break;
            }
        }

        foreach (var entry in properties)
        {
            if (nodes.TryGetValue(entry.Name, out var node) && node.Properties is null)
            {
                nodes[entry.Name] = node with { Properties = entry };
            }
            else if (entry.Versions.Count > 0 && node is null)
            {
                // A versioned model lives in NAME_vN.sql files; ref('NAME') resolves to the latest.
                var latest = entry.LatestVersion ?? entry.Versions[^1].Version;
                var file = nodes.Values.FirstOrDefault(n => n.Name.Equals($"{entry.Name}_v{latest}", StringComparison.OrdinalIgnoreCase))
                    ?? nodes.Values.FirstOrDefault(n => n.Name.StartsWith(entry.Name + "_v", StringComparison.OrdinalIgnoreCase));
                if (file is not null)
                {
                    nodes[entry.Name] = file with { Name = entry.Name, Properties = entry };
                }
            }
        }

        foreach (var key in nodes.Keys.ToList())
        {
            var node = nodes[key];
            if (node.Kind != DbtNodeKind.Model)
            {
                continue;
            }

            var folder = FolderConfig(node);
            string materialization;
            string origin;
            if (node.File?.Config.TryGetValue("materialized", out var sql) == true && sql.Text is { } fromSql)
            {
                (materialization, origin) = (fromSql, "sql");
            }
            else if (node.Properties?.Config.TryGetValue("materialized", out var fromYaml) == true)
            {
                (materialization, origin) = (fromYaml, "properties");
            }
            else if (folder.TryGetValue("materialized", out var fromProject))
            {
                (materialization, origin) = (fromProject.Value, "dbt_project.yml");
            }
            else
            {
                (materialization, origin) = (node.Language == "python" ? "table" : "view", "default");
            }

            nodes[key] = node with
            {
                Materialization = materialization.ToLowerInvariant(), MaterializationOrigin = origin, FolderConfig = folder, Tags = Tags(node), Meta = Meta(node, folder),
            };
        }

        return new DbtState(projects, nodes, sources, exposures, manifest, hasPackages);
    }

    /// <summary>dbt adds tags up the hierarchy: every matching folder level, the properties entry and the SQL config.</summary>
    private static List<string> Tags(DbtNode node)
    {
        var tags = new List<string>();
        foreach (var config in MatchingFolderConfigs(node).Where(c => c.Key.Equals("tags", StringComparison.OrdinalIgnoreCase)))
        {
            tags.AddRange(config.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        tags.AddRange(node.Properties?.Tags ?? []);
        if (node.File?.Config.TryGetValue("tags", out var sql) == true)
        {
            tags.AddRange(sql.Flat.Values.SelectMany(v => v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)));
        }

        return tags.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>meta merged key by key: the project folders (most specific last), then properties, then the SQL config.</summary>
    private static Dictionary<string, string> Meta(DbtNode node, Dictionary<string, DbtFolderConfig> folder)
    {
        var meta = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, config) in folder)
        {
            if (key.StartsWith("meta.", StringComparison.OrdinalIgnoreCase))
            {
                meta[key[5..]] = config.Value;
            }
        }

        foreach (var (key, value) in node.Properties?.Meta ?? new Dictionary<string, string>())
        {
            meta[key] = value;
        }

        if (node.File?.Config.TryGetValue("meta", out var sql) == true)
        {
            foreach (var (key, value) in sql.Flat)
            {
                meta[key] = value;
            }
        }

        return meta;
    }

    private static IEnumerable<DbtFolderConfig> MatchingFolderConfigs(DbtNode node)
    {
        var segments = FolderSegments(node);
        if (segments is null)
        {
            yield break;
        }

        foreach (var config in node.Project.FolderConfigs)
        {
            if (config.Segments.Count <= segments.Length && config.Segments.Select((s, i) => s.Equals(segments[i], StringComparison.OrdinalIgnoreCase)).All(m => m))
            {
                yield return config;
            }
        }
    }

    /// <summary>The node's path below its model folder, file name without extension last (<c>marts</c>, <c>finance</c>, <c>fct</c>).</summary>
    private static string[]? FolderSegments(DbtNode node)
    {
        var modelPath = node.Project.Definition.ModelPaths
            .Where(p => p.Length == 0 || node.Path.StartsWith(p + "/", StringComparison.Ordinal))
            .OrderByDescending(p => p.Length)
            .FirstOrDefault();
        if (modelPath is null)
        {
            return null;
        }

        var segments = node.Path[(modelPath.Length == 0 ? 0 : modelPath.Length + 1)..].Split('/');
        segments[^1] = System.IO.Path.GetFileNameWithoutExtension(segments[^1]);
        return segments;
    }

    private static Dictionary<string, DbtFolderConfig> FolderConfig(DbtNode node)
    {
        var result = new Dictionary<string, DbtFolderConfig>(StringComparer.OrdinalIgnoreCase);
        var project = node.Project;
        if (project.FolderConfigs.Count == 0)
        {
            return result;
        }

        if (FolderSegments(node) is not { } segments)
        {
            return result;
        }

        var depth = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var config in project.FolderConfigs)
        {
            if (config.Segments.Count > segments.Length)
            {
                continue;
            }

            var matches = true;
            for (var i = 0; i < config.Segments.Count && matches; i++)
            {
                matches = config.Segments[i].Equals(segments[i], StringComparison.OrdinalIgnoreCase);
            }

            if (matches && (!depth.TryGetValue(config.Key, out var d) || config.Segments.Count >= d))
            {
                depth[config.Key] = config.Segments.Count;
                result[config.Key] = config;
            }
        }

        return result;
    }

    private static void ReadManifest(string json, HashSet<string> names)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.TryGetProperty("nodes", out var nodes) && nodes.ValueKind == JsonValueKind.Object)
            {
                foreach (var node in nodes.EnumerateObject())
                {
                    if (node.Value.TryGetProperty("resource_type", out var type) && type.GetString() is "model" or "seed" or "snapshot"
                        && node.Value.TryGetProperty("name", out var name) && name.GetString() is { } n)
                    {
                        names.Add(n);
                    }
                }
            }
        }
        catch (JsonException)
        {
            // A stale or partial manifest is only a hint; the parsed project is the truth.
        }
    }
}
