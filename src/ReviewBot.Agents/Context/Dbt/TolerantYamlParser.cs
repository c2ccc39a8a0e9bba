using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace ReviewBot.Agents.Context.Dbt;

/// <summary>
/// Reads YAML the way dbt (PyYAML) does where YamlDotNet's representation model is stricter: merge keys
/// (<c>&lt;&lt;: *anchor</c>, of a mapping or of a list of mappings) are expanded, and a key repeated in one mapping
/// is accepted with the last value winning instead of failing the whole file (which would hide every real change in it).
/// </summary>
internal sealed class TolerantYamlParser : IParser
{
    /// <summary>Marks the renamed repeats of a key until <see cref="FoldRepeats"/> folds them back (last wins).</summary>
    private const string RepeatMarker = "\u0000rb-repeat-";

    private readonly IParser _inner;
    private readonly Stack<Frame> _frames = new();

    private TolerantYamlParser(IParser inner) => _inner = inner;

    public ParsingEvent? Current { get; private set; }

    /// <summary>Loads <paramref name="text"/> with merge keys expanded and repeated keys resolved (last wins).</summary>
    public static YamlStream Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new TolerantYamlParser(new Parser(new StringReader(text))));
        foreach (var document in stream.Documents)
        {
            var mappings = Mappings(document.RootNode);
            foreach (var mapping in mappings)
            {
                FoldRepeats(mapping);
            }

            ExpandMerges(mappings);
        }

        return stream;
    }

    /// <summary>
    /// Expands every plain <c>&lt;&lt;</c> key as PyYAML does: its value is a mapping, or a list of mappings (spellbook
    /// merges a list of column entries this way), whose entries the mapping gets unless it has them itself; of several
    /// merged mappings the earlier wins. A merged mapping is expanded before it is merged. Iterative, so a long chain of
    /// merges cannot overflow the stack; a cycle of merges is left as it stands.
    /// </summary>
    /// <exception cref="YamlException">A merge key whose value is not a mapping or a list of mappings (dbt refuses it too).</exception>
    private static void ExpandMerges(List<YamlMappingNode> mappings)
    {
        var expanded = new HashSet<YamlMappingNode>(ReferenceEqualityComparer.Instance);
        var inProgress = new HashSet<YamlMappingNode>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<(YamlMappingNode Node, List<YamlMappingNode>? Sources)>();
        foreach (var mapping in mappings)
        {
            pending.Push((mapping, null));
            while (pending.Count > 0)
            {
                var (node, sources) = pending.Pop();
                if (expanded.Contains(node))
                {
                    continue;
                }

                if (sources is not null)
                {
                    // Its sources are expanded: merge them in.
                    if (MergeKey(node) is { } key)
                    {
                        node.Children.Remove(key);
                    }

                    foreach (var (name, value) in sources.SelectMany(source => source.Children))
                    {
                        node.Children.TryAdd(name, value);
                    }

                    expanded.Add(node);
                    inProgress.Remove(node);
                    continue;
                }

                if (!inProgress.Add(node))
                {
                    continue;
                }

                sources = MergeSources(node);
                pending.Push((node, sources));
                foreach (var source in sources.Where(s => !expanded.Contains(s)))
                {
                    pending.Push((source, null));
                }
            }
        }
    }

    private static List<YamlMappingNode> MergeSources(YamlMappingNode node) =>
        MergeKey(node) is not { } key ? []
        : node.Children[key] switch
        {
            YamlMappingNode mapping => [mapping],
            YamlSequenceNode list when list.Children.All(c => c is YamlMappingNode) => list.Children.Cast<YamlMappingNode>().ToList(),
            var other => throw new YamlException(other.Start, other.End, "a merge key (<<) takes a mapping or a list of mappings"),
        };

    private static YamlScalarNode? MergeKey(YamlMappingNode node) =>
        node.Children.Keys.OfType<YamlScalarNode>().FirstOrDefault(k => k is { Value: "<<", Style: ScalarStyle.Plain });

    /// <summary>Every mapping of the document once (aliases share nodes), iteratively.</summary>
    private static List<YamlMappingNode> Mappings(YamlNode root)
    {
        var found = new List<YamlMappingNode>();
        var seen = new HashSet<YamlNode>(ReferenceEqualityComparer.Instance);
        var pending = new Stack<YamlNode>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            var node = pending.Pop();
            if (!seen.Add(node))
            {
                continue;
            }

            switch (node)
            {
                case YamlMappingNode mapping:
                    found.Add(mapping);
                    foreach (var (key, value) in mapping.Children)
                    {
                        pending.Push(key);
                        pending.Push(value);
                    }

                    break;
                case YamlSequenceNode sequence:
                    foreach (var child in sequence.Children)
                    {
                        pending.Push(child);
                    }

                    break;
            }
        }

        return found;
    }

    public bool MoveNext()
    {
        if (!_inner.MoveNext())
        {
            Current = null;
            return false;
        }

        var current = _inner.Current!;
        var top = _frames.Count > 0 ? _frames.Peek() : null;
        if (top is { Keys: { } keys, ExpectKey: true } && current is Scalar key)
        {
            var name = key.Value;
            for (var n = 1; !keys.Add(name); n++)
            {
                name = key.Value + RepeatMarker + n.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (!ReferenceEquals(name, key.Value))
            {
                current = new Scalar(key.Anchor, key.Tag, name, key.Style, key.IsPlainImplicit, key.IsQuotedImplicit, key.Start, key.End);
            }
        }

        switch (current)
        {
            case MappingStart:
                _frames.Push(new Frame(new HashSet<string>(StringComparer.Ordinal)));
                break;
            case SequenceStart:
                _frames.Push(new Frame(null));
                break;
            case MappingEnd or SequenceEnd:
                _frames.Pop();
                Toggle();
                break;
            case Scalar or AnchorAlias:
                Toggle();
                break;
        }

        Current = current;
        return true;
    }

    public void Consume() => MoveNext();

    public bool Accept<T>(out T @event)
        where T : ParsingEvent
    {
        if (Current is T match)
        {
            @event = match;
            return true;
        }

        @event = default!;
        return false;
    }

    // A node of a mapping finished: a key is followed by its value, a value by the next key.
    private void Toggle()
    {
        if (_frames.Count > 0 && _frames.Peek() is { Keys: not null } mapping)
        {
            mapping.ExpectKey = !mapping.ExpectKey;
        }
    }

    /// <summary>Folds the renamed repeats of a key in <paramref name="mapping"/> back into their key, the last one winning.</summary>
    private static void FoldRepeats(YamlMappingNode mapping)
    {
        var repeats = mapping.Children.Where(kv => kv.Key is YamlScalarNode { Value: { } v } && v.Contains(RepeatMarker, StringComparison.Ordinal)).ToList();
        foreach (var (key, value) in repeats)
        {
            var original = ((YamlScalarNode)key).Value!;
            mapping.Children.Remove(key);
            mapping.Children[new YamlScalarNode(original[..original.IndexOf(RepeatMarker, StringComparison.Ordinal)])] = value;
        }
    }

    private sealed class Frame(HashSet<string>? keys)
    {
        public HashSet<string>? Keys { get; } = keys;

        public bool ExpectKey { get; set; } = true;
    }
}
