using System.Reflection;
using System.Text;
using ReviewBot.Core.Changes;

namespace ReviewBot.Cli.Review;

/// <summary>
/// The sample shipped inside the executable (samples/jaffle_pipeline): a dbt + Dagster + Airflow project
/// at base and at head, and the git diff between them, with real problems for every agent.
/// </summary>
internal static class EmbeddedSample
{
    private const string Prefix = "sample/";

    public static ChangeSet Load()
    {
        var assembly = typeof(EmbeddedSample).Assembly;
        var files = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal)
        {
            ["base"] = new(StringComparer.Ordinal),
            ["head"] = new(StringComparer.Ordinal),
        };
        byte[]? diff = null;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var relative = name[Prefix.Length..].Replace('\\', '/');
            var bytes = Read(assembly, name);
            if (relative == "change.diff")
            {
                diff = bytes;
                continue;
            }

            var slash = relative.IndexOf('/', StringComparison.Ordinal);
            if (slash > 0 && files.TryGetValue(relative[..slash], out var side))
            {
                side[relative[(slash + 1)..]] = Encoding.UTF8.GetString(bytes);
            }
        }

        if (diff is null)
        {
            throw new InvalidOperationException("The embedded sample is missing from this build (sample/change.diff).");
        }

        return new ChangeSet(UnifiedDiffParser.Parse(diff), new MemorySnapshot("sample-base", files["base"]), new MemorySnapshot("sample-head", files["head"]))
        {
            PullRequest = new PullRequestInfo(0, "Add customer contact fields, LTV model and hourly refresh", "sample-author", "sample-head", "sample-base"),
        };
    }

    private static byte[] Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
