using System.Collections.Concurrent;
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

    public static string FindingsSchema => Load("findings.schema.json");

    /// <summary>True when a role file exists for <paramref name="agent"/> (the five built-ins).</summary>
    public static bool HasRole(AgentName agent) => Exists($"{agent.Value}.md");

    /// <summary>The role prompt of <paramref name="agent"/>; the generic custom-agent role for others.</summary>
    public static string Role(AgentName agent) => HasRole(agent) ? Load($"{agent.Value}.md") : Load("custom.md");

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
