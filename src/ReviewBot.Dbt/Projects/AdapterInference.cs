using System.Text.RegularExpressions;
using ReviewBot.Sql;

namespace ReviewBot.Dbt.Projects;

/// <summary>
/// Which warehouse a project targets, without a connection: a configured override, else the <c>type</c> of the
/// project's profile in a profiles.yml committed to the repository, else a <c>dbt-&lt;adapter&gt;</c> package in
/// requirements/pyproject files, else <see cref="Neutral"/>.
/// </summary>
public static partial class AdapterInference
{
    /// <summary>The adapter name used when nothing says which warehouse it is. Dispatch then uses <c>default__</c> macros.</summary>
    public const string Neutral = "neutral";

    private static readonly string[] Known = ["snowflake", "bigquery", "postgres", "redshift", "databricks", "spark", "trino", "duckdb", "athena", "fabric", "sqlserver", "synapse", "clickhouse", "materialize", "starburst"];

    [GeneratedRegex(@"\bdbt-(snowflake|bigquery|postgres|redshift|databricks|spark|trino|duckdb|athena|fabric|sqlserver|synapse|clickhouse|materialize)\b", RegexOptions.IgnoreCase)]
    private static partial Regex AdapterPackage();

    public static string Infer(IRepositoryFiles files, DbtProject project, string? overrideType)
    {
        if (!string.IsNullOrWhiteSpace(overrideType))
        {
            return overrideType.Trim().ToLowerInvariant();
        }

        var (named, any) = FromProfiles(files, project);
        if (named is not null)
        {
            return named;
        }

        var ownDependencies = FromDependencies(files, p => DbtProject.IsUnder(p, project.Root));
        if (ownDependencies is not null)
        {
            return ownDependencies;
        }

        if (any is not null)
        {
            return any;
        }

        var anyDependencies = FromDependencies(files, _ => true);
        if (anyDependencies is not null)
        {
            return anyDependencies;
        }

        return Neutral;
    }

    /// <summary>The SQL dialect an adapter speaks.</summary>
    public static SqlDialect Dialect(string adapter) => adapter switch
    {
        "snowflake" => SqlDialect.Snowflake,
        "bigquery" => SqlDialect.BigQuery,
        "postgres" or "materialize" => SqlDialect.Postgres,
        "redshift" => SqlDialect.Redshift,
        "trino" or "starburst" or "athena" => SqlDialect.Trino,
        "databricks" or "spark" => SqlDialect.Databricks,
        "duckdb" => SqlDialect.DuckDB,
        _ => SqlDialect.Neutral,
    };

    internal static bool IsDependencyFile(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return (name.StartsWith("requirements", StringComparison.OrdinalIgnoreCase) && (name.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".in", StringComparison.OrdinalIgnoreCase)))
            || name is "pyproject.toml" or "Pipfile" or "setup.py" or "environment.yml";
    }

    private static string? FromDependencies(IRepositoryFiles files, Func<string, bool> where)
    {
        foreach (var path in files.Paths.Where(p => IsDependencyFile(p) && where(p)))
        {
            var text = files.Read(path);
            var match = text is null ? Match.Empty : AdapterPackage().Match(text);
            if (match.Success)
            {
                return match.Groups[1].Value.ToLowerInvariant();
            }
        }

        return null;
    }

    private static (string? Named, string? Any) FromProfiles(IRepositoryFiles files, DbtProject project)
    {
        string? anyType = null;
        foreach (var path in files.Paths.Where(p => p.EndsWith("profiles.yml", StringComparison.Ordinal)).OrderBy(p => DbtProject.IsUnder(p, project.Root) ? 0 : 1))
        {
            var text = files.Read(path);
            if (text is null || YamlValues.Parse(text, out _) is not Dictionary<string, object?> profiles)
            {
                continue;
            }

            foreach (var (name, body) in profiles)
            {
                if (body is not Dictionary<string, object?> profile || profile.GetValueOrDefault("outputs") is not Dictionary<string, object?> outputs)
                {
                    continue;
                }

                var target = profile.GetValueOrDefault("target") as string;
                var output = (target is not null ? outputs.GetValueOrDefault(target) : null) ?? outputs.Values.FirstOrDefault();
                if (output is Dictionary<string, object?> o && o.GetValueOrDefault("type") is string type && Known.Contains(type.ToLowerInvariant()))
                {
                    if (string.Equals(name, project.Profile, StringComparison.Ordinal))
                    {
                        return (type.ToLowerInvariant(), anyType);
                    }

                    anyType ??= type.ToLowerInvariant();
                }
            }
        }

        return (null, anyType);
    }
}
