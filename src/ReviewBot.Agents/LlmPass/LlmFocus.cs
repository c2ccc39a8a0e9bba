using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;

namespace ReviewBot.Agents.LlmPass;

/// <summary>
/// Which files of an agent's slice its LLM role is shown. The agents' rules look at broad slices; the model is
/// shown only the files its role can judge, so five roles do not each pay for the whole diff. Custom agents and
/// agents that cannot be told see their whole slice (their config's <c>paths</c> already narrows it).
/// </summary>
public static class LlmFocus
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
            "lineage" => (IsSql(file.Path) || IsYaml(file.Path)) && !IsToolConfig(file.Path),
            // A migration runs once; its risk is governance's and lineage's, not a recurring cost.
            "cost" => ((IsSql(file.Path) && !IsMigration(file.Path)) || IsPython(file.Path) || IsName(file.Path, "dbt_project.yml")),
            "docs" => IsProse(file.Path) || (IsYaml(file.Path) && !IsToolConfig(file.Path)) || file.Path.EndsWith(".env.example", StringComparison.OrdinalIgnoreCase),
            _ => true,
        };
    }

    private static bool IsMigration(string path) =>
        path.StartsWith("migrations/", StringComparison.OrdinalIgnoreCase) || path.Contains("/migrations/", StringComparison.OrdinalIgnoreCase);

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
