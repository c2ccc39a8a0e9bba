using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace ReviewBot.Agents.Context.Dbt;

/// <summary>
/// Reads YAML the way dbt (PyYAML) does where YamlDotNet's representation model is stricter: merge keys
/// (<c>&lt;&lt;: *anchor</c>) are expanded, and a key repeated in one mapping is accepted with the last value
/// winning instead of failing the whole file (which would hide every real change in it).
/// </summary>
internal sealed class TolerantYamlParser : IParser
{
    /// <summary>Marks the renamed repeats of a key until <see cref="ResolveDuplicates"/> folds them back (last wins).</summary>
    private const string RepeatMarker = "\u0000rb-repeat-";

    private readonly IParser _inner;
    private readonly Stack<Frame> _frames = new();

    private TolerantYamlParser(IParser inner) => _inner = inner;

    public ParsingEvent? Current { get; private set; }

    /// <summary>Loads <paramref name="text"/> with merge keys expanded and repeated keys resolved (last wins).</summary>
    public static YamlStream Load(string text)
    {
        var stream = new YamlStream();
        stream.Load(new TolerantYamlParser(new MergingParser(new Parser(new StringReader(text)))));
        foreach (var document in stream.Documents)
        {
            ResolveDuplicates(document.RootNode);
        }

        return stream;
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

    /// <summary>Folds renamed repeats back into their key, the last one winning; iterative, so depth cannot overflow.</summary>
    private static void ResolveDuplicates(YamlNode root)
    {
        var pending = new Stack<YamlNode>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            switch (pending.Pop())
            {
                case YamlMappingNode mapping:
                    var repeats = mapping.Children.Where(kv => kv.Key is YamlScalarNode { Value: { } v } && v.Contains(RepeatMarker, StringComparison.Ordinal)).ToList();
                    foreach (var (key, value) in repeats)
                    {
                        var original = ((YamlScalarNode)key).Value!;
                        mapping.Children.Remove(key);
                        mapping.Children[new YamlScalarNode(original[..original.IndexOf(RepeatMarker, StringComparison.Ordinal)])] = value;
                    }

                    foreach (var child in mapping.Children.Values)
                    {
                        pending.Push(child);
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
    }

    private sealed class Frame(HashSet<string>? keys)
    {
        public HashSet<string>? Keys { get; } = keys;

        public bool ExpectKey { get; set; } = true;
    }
}
