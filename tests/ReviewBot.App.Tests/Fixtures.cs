using System.Text.Json.Nodes;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.App.Tests;

/// <summary>The recorded GitHub webhook payloads (<see cref="WebhookFixtures"/>), as bytes to sign or as JSON to edit.</summary>
internal static class Fixtures
{
    public static byte[] Bytes(string relativePath) => File.ReadAllBytes(WebhookFixtures.PathOf(relativePath));

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
