using System.Collections.Concurrent;
using System.Text.Json;
using ReviewBot.Core.Agents;

namespace ReviewBot.Agents.LlmPass;

/// <summary>
/// The prompt files embedded from <c>Prompts/</c>: <c>common.md</c> (how to read the data block, what to
/// answer), one role file per built-in agent, <c>custom.md</c> for agents defined in config, and the findings
/// JSON schema.
/// </summary>
internal static class PromptLibrary
{
    private const string Prefix = "ReviewBot.Agents.Prompts.";
    private static readonly ConcurrentDictionary<string, string> Cache = new(StringComparer.Ordinal);

    public static string Common => Load("common.md");

    /// <summary>The findings JSON schema, minified (the service counts it as prompt tokens).</summary>
    public static string FindingsSchema => Cache.GetOrAdd("findings.schema.min.json", static _ => Minify(Load("findings.schema.json")));

    /// <summary>The role of an agent that cannot be told, or of a custom agent without a prompt.</summary>
    public static string General => Load("general.md");

    /// <summary>The role of a custom agent: the team's prompt follows it.</summary>
    public static string Custom => Load("custom.md");

    /// <summary>True when a role file exists for <paramref name="agent"/> (the five built-ins).</summary>
    public static bool HasRole(AgentName agent) => agent.Value is "governance" or "quality" or "lineage" or "cost" or "docs" && Exists($"{agent.Value}.md");

    /// <summary>The role prompt of a built-in agent (see <see cref="HasRole"/>).</summary>
    public static string Role(AgentName agent) => Load($"{agent.Value}.md");

    private static string Minify(string json)
    {
        using var document = JsonDocument.Parse(json);
        return JsonSerializer.Serialize(document.RootElement);
    }

    private static bool Exists(string name) =>
        typeof(PromptLibrary).Assembly.GetManifestResourceInfo(Prefix + name) is not null;

    private static string Load(string name) => Cache.GetOrAdd(name, static n =>
    {
        using var stream = typeof(PromptLibrary).Assembly.GetManifestResourceStream(Prefix + n)
            ?? throw new InvalidOperationException($"Embedded prompt '{n}' is missing from {typeof(PromptLibrary).Assembly.GetName().Name}.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd().Replace("\r\n", "\n", StringComparison.Ordinal).Trim();
    });
}
