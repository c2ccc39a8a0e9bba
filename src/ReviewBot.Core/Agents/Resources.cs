using System.Collections.Concurrent;

namespace ReviewBot.Core.Agents;

/// <summary>Names of the shared resources built once per run, before fan-out.</summary>
public static class Resources
{
    /// <summary>The parsed diff (always present).</summary>
    public const string Diff = "diff";

    /// <summary>The dbt project graph at base and head.</summary>
    public const string DbtGraph = "dbt-graph";

    /// <summary>SQL facts per model and migration.</summary>
    public const string SqlFacts = "sql-facts";

    /// <summary>Schedules and env vars from Python and YAML pipeline code.</summary>
    public const string PipelineFacts = "pipeline-facts";

    /// <summary>The findings of one agent, e.g. <c>findings:governance</c>: every agent writes its own.</summary>
    public static string FindingsOf(AgentName agent) => $"findings:{agent.Value}";
}

/// <summary>A typed key into the <see cref="ResourceStore"/>.</summary>
public sealed record ResourceKey<T>(string Name)
    where T : class;

/// <summary>Thread-safe store of the shared context and of artifacts agents produce for each other.</summary>
public sealed class ResourceStore
{
    private readonly ConcurrentDictionary<string, object> _items = new(StringComparer.Ordinal);

    public IEnumerable<string> Names => _items.Keys;

    public bool Contains(string name) => _items.ContainsKey(name);

    public void Set<T>(ResourceKey<T> key, T value)
        where T : class => _items[key.Name] = value;

    public T? Find<T>(ResourceKey<T> key)
        where T : class => _items.TryGetValue(key.Name, out var value) ? (T)value : null;

    public T Get<T>(ResourceKey<T> key)
        where T : class => Find(key) ?? throw new InvalidOperationException($"Resource '{key.Name}' has not been produced.");
}
