using System.Text.RegularExpressions;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;

namespace ReviewBot.Agents.LlmPass;

/// <summary>
/// Which files of an agent's slice its LLM role is shown. The agents' rules look at broad slices; the model is
/// shown only the files its role can judge, so five roles do not each pay for the whole diff. Custom agents and
/// agents that cannot be told see their whole slice (their config's <c>paths</c> already narrows it).
/// </summary>
public static partial class LlmFocus
{
    /// <summary>True when the LLM role of <paramref name="agent"/> should see <paramref name="file"/>.</summary>
    public static bool Includes(AgentName? agent, FileChange file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return agent?.Value switch
        {
            // Secrets, PII and grants can hide in any code or config file; prose is the docs role's.
            "governance" => !IsProse(file.Path),
            "quality" => IsSql(file.Path) || IsPython(file.Path),
            // Models and their properties YAML: a migration's drops and grants are governance's.
            "lineage" => ((IsSql(file.Path) && !IsMigration(file.Path)) || IsYaml(file.Path)) && !IsToolConfig(file.Path),
            // A migration runs once; its risk is governance's, not a recurring cost. Of code, only hunks that touch
            // what drives spend (joins, materialisation, partitions, schedules, scans) are worth the cost role's tokens.
            "cost" => IsName(file.Path, "dbt_project.yml")
                || (((IsSql(file.Path) && !IsMigration(file.Path)) || IsPython(file.Path)) && TouchesCost(file)),
            "docs" => IsProse(file.Path) || (IsYaml(file.Path) && !IsToolConfig(file.Path)) || IsEnvFile(file.Path),
            _ => true,
        };
    }

    /// <summary>
    /// True when a hunk of <paramref name="file"/> shows a construct that drives spend (anywhere in the hunk, as
    /// the model would see it), or a changed line alters a filter, source or limit. A change that only adds,
    /// renames or removes columns of a plain select does not.
    /// </summary>
    private static bool TouchesCost(FileChange file) =>
        file.Hunks.SelectMany(h => h.Lines).Any(l =>
            CostConstruct().IsMatch(l.Text) || (l.Kind != DiffLineKind.Context && ChangedScan().IsMatch(l.Text)));

    [GeneratedRegex(@"\b(join|materiali[sz]ed|partition(_by|ed)?|cluster(_by|ed)?|incremental|distinct|over\s*\(|group\s+by|union|cron|schedule\w*|select\s+\*|read_sql|to_sql|execute|full_refresh)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CostConstruct();

    [GeneratedRegex(@"\b(where|from|limit|qualify|having)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ChangedScan();

    private static bool IsEnvFile(string path)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        return name.StartsWith(".env", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsMigration(string path) => SharedContext.IsMigration(path);

    private static bool IsSql(string path) => path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase);

    private static bool IsPython(string path) => path.EndsWith(".py", StringComparison.OrdinalIgnoreCase);

    private static bool IsYaml(string path) =>
        path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase);

    private static bool IsProse(string path) =>
        path.EndsWith(".md", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".rst", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".txt", StringComparison.OrdinalIgnoreCase) || path.StartsWith("docs/", StringComparison.OrdinalIgnoreCase);

    /// <summary>Connection profiles, package lists and CI workflows: YAML that holds no model, column or lineage.</summary>
    private static bool IsToolConfig(string path) =>
        IsName(path, "profiles.yml") || IsName(path, "packages.yml") || IsName(path, "dependencies.yml")
        || path.StartsWith(".github/", StringComparison.OrdinalIgnoreCase);

    private static bool IsName(string path, string name) =>
        path.Equals(name, StringComparison.OrdinalIgnoreCase) || path.EndsWith("/" + name, StringComparison.OrdinalIgnoreCase);
}
