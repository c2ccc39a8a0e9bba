using System.Text.Json.Nodes;

namespace ReviewBot.TestUtils.GitHub;

/// <summary>
/// The recorded webhook payloads in <c>../shared/fixtures/github-webhooks/</c> (relative to the folder that
/// holds ReviewBot.sln; worktrees look further up for a <c>shared/fixtures</c> folder).
/// </summary>
public static class WebhookFixtures
{
    private static readonly Lazy<string> RootPath = new(Locate);

    public static string Root => RootPath.Value;

    public static string RepositoryRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "ReviewBot.sln")))
                {
                    return dir.FullName;
                }
            }

            throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds ReviewBot.sln.");
        }
    }

    /// <summary>The path of a payload, e.g. <c>pull_request/opened.payload.json</c>.</summary>
    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>A fresh, editable copy of a payload.</summary>
    public static JsonObject Load(string relative) =>
        JsonNode.Parse(File.ReadAllText(PathOf(relative)))!.AsObject();

    private static string Locate()
    {
        var repo = RepositoryRoot;
        var preferred = Path.GetFullPath(Path.Combine(repo, "..", "shared", "fixtures", "github-webhooks"));
        if (Directory.Exists(preferred))
        {
            return preferred;
        }

        for (var dir = new DirectoryInfo(repo).Parent; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures", "github-webhooks");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"No shared/fixtures/github-webhooks folder next to or above {repo}.");
    }
}
