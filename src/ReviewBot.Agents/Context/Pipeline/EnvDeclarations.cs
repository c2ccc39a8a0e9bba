using System.Text.RegularExpressions;

namespace ReviewBot.Agents.Context.Pipeline;

/// <summary>
/// Where a project declares its environment variables: example env files (<c>.env.example</c>, <c>.env.sample</c>,
/// <c>.env.template</c>, <c>env.example</c>, <c>.dbt.env.example</c>, <c>*.env.example</c>...), test env files
/// (<c>.test.env</c>), docker-compose <c>environment:</c>, CI workflow <c>env:</c> and Terraform. A variable declared
/// in any of them is provided somewhere; the example file nearest up the tree is where a new one belongs.
/// </summary>
internal static partial class EnvDeclarations
{
    private static readonly string[] ExampleNames =
        [".env.example", ".env.sample", ".env.template", ".env.dist", "example.env", "sample.env", "env.example", "env.sample", "env.template", ".env.defaults", ".env.local.example"];

    private static readonly string[] ExampleSuffixes = [".env.example", ".env.sample", ".env.template"];

    [GeneratedRegex(@"^\s*(?:-\s*)?(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*[:=]")]
    private static partial Regex KeyLine();

    [GeneratedRegex(@"^\s*-\s*([A-Za-z_][A-Za-z0-9_]*)\s*$")]
    private static partial Regex BareListItem();

    [GeneratedRegex("""(?:\bname\s*=\s*"([A-Z_][A-Z0-9_]*)")|(?:^\s*"?([A-Z_][A-Z0-9_]*)"?\s*=)""", RegexOptions.Multiline)]
    private static partial Regex TerraformName();

    /// <summary>An example env file by name.</summary>
    public static bool IsExample(string path)
    {
        var name = SharedContext.FileName(path);
        return ExampleNames.Contains(name, StringComparer.OrdinalIgnoreCase) || ExampleSuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Any file that declares env vars: examples, test env files, compose files, CI workflows, Terraform.</summary>
    public static bool IsDeclaration(string path)
    {
        var name = SharedContext.FileName(path).ToLowerInvariant();
        return IsExample(path) || name is ".test.env" or "test.env" or ".env.test" or ".env.ci"
            || (name.StartsWith("docker-compose", StringComparison.Ordinal) || name.StartsWith("compose.", StringComparison.Ordinal)) && name.EndsWith(".yml", StringComparison.Ordinal) || name.EndsWith(".yaml", StringComparison.Ordinal) && name.StartsWith("docker-compose", StringComparison.Ordinal)
            || path.StartsWith(".github/workflows/", StringComparison.Ordinal) && (name.EndsWith(".yml", StringComparison.Ordinal) || name.EndsWith(".yaml", StringComparison.Ordinal))
            || name.EndsWith(".tf", StringComparison.Ordinal) || name.EndsWith(".tfvars", StringComparison.Ordinal);
    }

    /// <summary>The variable names a declaration file declares.</summary>
    public static IEnumerable<string> Names(string path, string text)
    {
        if (path.EndsWith(".tf", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".tfvars", StringComparison.OrdinalIgnoreCase))
        {
            foreach (Match m in TerraformName().Matches(text))
            {
                yield return m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
            }

            yield break;
        }

        var yaml = path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase);
        var inEnv = false;
        var envIndent = -1;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (!yaml)
            {
                var trimmed = line.Trim().TrimStart('#').Trim();
                if (KeyLine().Match(trimmed) is { Success: true } m)
                {
                    yield return m.Groups[1].Value;
                }
                else if (trimmed.Length > 0 && trimmed.All(c => char.IsLetterOrDigit(c) || c == '_'))
                {
                    yield return trimmed;
                }

                continue;
            }

            // YAML: the keys (or KEY=value list items) under an `environment:` or `env:` block.
            var indent = line.Length - line.TrimStart().Length;
            var content = line.Trim();
            if (content.Length == 0 || content.StartsWith('#'))
            {
                continue;
            }

            if (inEnv && indent <= envIndent)
            {
                inEnv = false;
            }

            if (!inEnv && (content == "environment:" || content == "env:"))
            {
                inEnv = true;
                envIndent = indent;
                continue;
            }

            if (inEnv)
            {
                var item = content.StartsWith("- ", StringComparison.Ordinal) ? content[2..].Trim().Trim('"', '\'') : content;
                if (KeyLine().Match(item) is { Success: true } m)
                {
                    yield return m.Groups[1].Value;
                }
                else if (BareListItem().Match(content) is { Success: true } bare)
                {
                    yield return bare.Groups[1].Value;
                }
            }
        }
    }

    /// <summary>The example env file nearest up the folder tree from <paramref name="file"/>, or null when none is an ancestor.</summary>
    public static string? NearestExample(string file, IEnumerable<string> examples)
    {
        string? best = null;
        var bestDepth = -1;
        foreach (var example in examples)
        {
            var folder = example.Contains('/', StringComparison.Ordinal) ? example[..(example.LastIndexOf('/') + 1)] : "";
            if (file.StartsWith(folder, StringComparison.Ordinal) && folder.Length > bestDepth)
            {
                best = example;
                bestDepth = folder.Length;
            }
        }

        return best;
    }
}
