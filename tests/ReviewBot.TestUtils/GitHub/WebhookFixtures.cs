using System.Text.Json.Nodes;

namespace ReviewBot.TestUtils.GitHub;

/// <summary>
/// The recorded webhook payloads in <c>tests/fixtures/github-webhooks/</c> (real payloads from octokit/webhooks).
/// </summary>
public static class WebhookFixtures
{
    public static string Root { get; } = ReviewBot.TestUtils.RepositoryRoot.Combine("tests/fixtures/github-webhooks");

    /// <summary>The checkout under test (the folder that holds ReviewBot.sln).</summary>
    public static string RepositoryRoot => ReviewBot.TestUtils.RepositoryRoot.Path;

    /// <summary>The path of a payload, e.g. <c>pull_request/opened.payload.json</c>.</summary>
    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    /// <summary>A fresh, editable copy of a payload.</summary>
    public static JsonObject Load(string relative) =>
        JsonNode.Parse(File.ReadAllText(PathOf(relative)))!.AsObject();
}
