using ReviewBot.Core;
using ReviewBot.Core.Agents;

namespace ReviewBot.Orchestration.Scheduling;

/// <summary>One edge of the graph: <see cref="Reader"/> waits for <see cref="Writer"/>, which writes <see cref="Resource"/>.</summary>
internal readonly record struct Dependency(int Writer, int Reader, string Resource);

/// <summary>
/// The order derived from the agents' declared reads and writes. Every agent implicitly writes its own
/// findings (<c>findings:NAME</c>). A reader waits for every other writer of what it reads; a read that no
/// agent writes must already be in the <see cref="ResourceStore"/>. Rejected before anything starts, with an
/// <see cref="InvalidInputException"/> naming the agents: duplicate names, reads nothing provides, cycles,
/// and two agents that could run at the same time writing the same resource.
/// </summary>
internal sealed class DependencyGraph
{
    private DependencyGraph(IReadOnlyList<IReadOnlyList<Dependency>> waitsFor, IReadOnlyList<IReadOnlyList<Dependency>> unblocks)
    {
        WaitsFor = waitsFor;
        Unblocks = unblocks;
    }

    /// <summary>Per agent, the writers it waits for.</summary>
    public IReadOnlyList<IReadOnlyList<Dependency>> WaitsFor { get; }

    /// <summary>Per agent, the readers waiting for it.</summary>
    public IReadOnlyList<IReadOnlyList<Dependency>> Unblocks { get; }

    public static DependencyGraph Build(IReadOnlyList<AgentDescriptor> agents, ResourceStore resources)
    {
        var count = agents.Count;
        var index = new Dictionary<AgentName, int>(count);
        for (var i = 0; i < count; i++)
        {
            if (!index.TryAdd(agents[i].Name, i))
            {
                throw new InvalidInputException($"Agent '{agents[i].Name}' is declared more than once; agent names must be unique.");
            }
        }

        var writers = new Dictionary<string, List<int>>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            foreach (var resource in WritesOf(agents[i]))
            {
                if (!writers.TryGetValue(resource, out var list))
                {
                    writers[resource] = list = new List<int>(1);
                }

                if (!list.Contains(i))
                {
                    list.Add(i);
                }
            }
        }

        var waitsFor = new List<Dependency>[count];
        var unblocks = new List<Dependency>[count];
        for (var i = 0; i < count; i++)
        {
            waitsFor[i] = [];
            unblocks[i] = [];
        }

        for (var reader = 0; reader < count; reader++)
        {
            foreach (var resource in agents[reader].Reads.Distinct(StringComparer.Ordinal))
            {
                var found = false;
                if (writers.TryGetValue(resource, out var list))
                {
                    foreach (var writer in list)
                    {
                        if (writer == reader)
                        {
                            continue;
                        }

                        found = true;
                        var dependency = new Dependency(writer, reader, resource);
                        if (!waitsFor[reader].Exists(d => d.Writer == writer))
                        {
                            waitsFor[reader].Add(dependency);
                            unblocks[writer].Add(dependency);
                        }
                    }
                }

                if (!found && !resources.Contains(resource))
                {
                    var available = resources.Names.Concat(writers.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                    throw new InvalidInputException(
                        $"Agent '{agents[reader].Name}' reads '{resource}', which no other agent writes and the shared context does not provide "
                        + $"(available: {(available.Count == 0 ? "none" : string.Join(", ", available))}).");
                }
            }
        }

        var order = TopologicalOrder(agents, waitsFor, unblocks);
        RejectConcurrentWriters(agents, writers, waitsFor, order);
        return new DependencyGraph(waitsFor, unblocks);
    }

    /// <summary>Declared writes plus the agent's own findings.</summary>
    public static IEnumerable<string> WritesOf(AgentDescriptor agent) =>
        agent.Writes.Append(Resources.FindingsOf(agent.Name)).Distinct(StringComparer.Ordinal);

    private static int[] TopologicalOrder(IReadOnlyList<AgentDescriptor> agents, List<Dependency>[] waitsFor, List<Dependency>[] unblocks)
    {
        var count = agents.Count;
        var remaining = new int[count];
        var queue = new Queue<int>();
        for (var i = 0; i < count; i++)
        {
            remaining[i] = waitsFor[i].Count;
            if (remaining[i] == 0)
            {
                queue.Enqueue(i);
            }
        }

        var order = new List<int>(count);
        while (queue.TryDequeue(out var next))
        {
            order.Add(next);
            foreach (var edge in unblocks[next])
            {
                if (--remaining[edge.Reader] == 0)
                {
                    queue.Enqueue(edge.Reader);
                }
            }
        }

        if (order.Count == count)
        {
            return [.. order];
        }

        // Walk back along unsatisfied edges from any stuck agent until an agent repeats: that is a cycle.
        var start = Enumerable.Range(0, count).First(i => remaining[i] > 0);
        var path = new List<Dependency>();
        var seenAt = new Dictionary<int, int>();
        var current = start;
        while (!seenAt.ContainsKey(current))
        {
            seenAt[current] = path.Count;
            var edge = waitsFor[current].First(d => remaining[d.Writer] > 0);
            path.Add(edge);
            current = edge.Writer;
        }

        var cycle = path.Skip(seenAt[current]).Reverse().ToList();
        var names = string.Join(" -> ", cycle.Select(d => agents[d.Writer].Name.Value).Append(agents[cycle[0].Writer].Name.Value));
        var details = string.Join("; ", cycle.Select(d => $"'{agents[d.Reader].Name}' reads '{d.Resource}' written by '{agents[d.Writer].Name}'"));
        throw new InvalidInputException($"Agents depend on each other in a cycle ({names}): {details}.");
    }

    private static void RejectConcurrentWriters(IReadOnlyList<AgentDescriptor> agents, Dictionary<string, List<int>> writers, List<Dependency>[] waitsFor, int[] order)
    {
        HashSet<int>[]? ancestors = null;
        foreach (var (resource, list) in writers)
        {
            if (list.Count < 2)
            {
                continue;
            }

            ancestors ??= Ancestors(agents.Count, waitsFor, order);
            for (var a = 0; a < list.Count; a++)
            {
                for (var b = a + 1; b < list.Count; b++)
                {
                    var first = list[a];
                    var second = list[b];
                    if (!ancestors[first].Contains(second) && !ancestors[second].Contains(first))
                    {
                        throw new InvalidInputException(
                            $"Agents '{agents[first].Name}' and '{agents[second].Name}' both write '{resource}' and could run at the same time; "
                            + "make one read what the other writes, or have them write different resources.");
                    }
                }
            }
        }
    }

    private static HashSet<int>[] Ancestors(int count, List<Dependency>[] waitsFor, int[] order)
    {
        var ancestors = new HashSet<int>[count];
        foreach (var agent in order)
        {
            var set = new HashSet<int>();
            foreach (var dependency in waitsFor[agent])
            {
                set.Add(dependency.Writer);
                set.UnionWith(ancestors[dependency.Writer]);
            }

            ancestors[agent] = set;
        }

        return ancestors;
    }
}
