using System.Text.Json.Nodes;

namespace ReviewBot.App.Tests;

/// <summary>The recorded GitHub webhook payloads in <c>shared/fixtures/github-webhooks</c>, found by walking up from the test binaries.</summary>
internal static class Fixtures
{
    private static readonly Lazy<string> Root = new(() =>
    {
        // ../shared beside the checkout that holds ReviewBot.sln (CI and /work/main), or any ancestor's shared/ (worktrees).
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "fixtures", "github-webhooks");
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new DirectoryNotFoundException($"shared/fixtures/github-webhooks not found above {AppContext.BaseDirectory}");
    });

    public static byte[] Bytes(string relativePath) => File.ReadAllBytes(Path.Combine(Root.Value, relativePath));

    public static JsonNode Load(string relativePath) => JsonNode.Parse(Bytes(relativePath))!;

    /// <summary>The recorded <c>pull_request</c> payload for <paramref name="action"/>, optionally moved to another PR or head.</summary>
    public static JsonNode PullRequest(string action, int? number = null, string? headSha = null)
    {
        var payload = Load($"pull_request/{action}.payload.json");
        if (number is { } n)
        {
            payload["number"] = n;
            payload["pull_request"]!["number"] = n;
        }

        if (headSha is not null)
        {
            payload["pull_request"]!["head"]!["sha"] = headSha;
        }

        return payload;
    }

    /// <summary>A 40-hex-digit commit id made from <paramref name="i"/>.</summary>
    public static string Sha(int i) => i.ToString("x8", System.Globalization.CultureInfo.InvariantCulture).PadLeft(40, 'c');
}
