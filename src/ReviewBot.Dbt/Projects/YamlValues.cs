using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ReviewBot.Dbt.Projects;

/// <summary>
/// Reads YAML into the template engine's values (dictionaries, lists, strings, numbers, booleans, null) from the
/// parser's event stream with an explicit stack: no recursion, nesting and size bounded.
/// </summary>
internal static class YamlValues
{
    public const int MaxDepth = 256;
    public const int MaxChars = 4 * 1024 * 1024;

    /// <summary>The first document of <paramref name="text"/>, or null with <paramref name="error"/> set.</summary>
    public static object? Parse(string text, out string? error)
    {
        error = null;
        if (text.Length > MaxChars)
        {
            error = "YAML file larger than 4 MB";
            return null;
        }

        try
        {
            return ParseCore(text);
        }
        catch (YamlException e)
        {
            error = $"invalid YAML at line {e.Start.Line}: {e.Message}";
            return null;
        }
        catch (InvalidOperationException e)
        {
            error = "invalid YAML: " + e.Message;
            return null;
        }
    }

    private static object? ParseCore(string text)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, object?>(StringComparer.Ordinal);
        var stack = new Stack<Frame>();
        object? root = null;
        var done = false;
        while (!done && parser.MoveNext())
        {
            var ev = parser.Current;
            switch (ev)
            {
                case MappingStart ms:
                    if (stack.Count >= MaxDepth)
                    {
                        throw new InvalidOperationException($"nesting deeper than {MaxDepth}");
                    }

                    stack.Push(new Frame(new Dictionary<string, object?>(StringComparer.Ordinal), ms.Anchor.IsEmpty ? null : ms.Anchor.Value));
                    break;
                case SequenceStart ss:
                    if (stack.Count >= MaxDepth)
                    {
                        throw new InvalidOperationException($"nesting deeper than {MaxDepth}");
                    }

                    stack.Push(new Frame(new List<object?>(), ss.Anchor.IsEmpty ? null : ss.Anchor.Value));
                    break;
                case MappingEnd or SequenceEnd:
                {
                    var frame = stack.Pop();
                    if (frame.Anchor is not null)
                    {
                        anchors[frame.Anchor] = frame.Container;
                    }

                    done = Add(stack, frame.Container, ref root);
                    break;
                }

                case Scalar s:
                {
                    var value = Convert(s);
                    if (!s.Anchor.IsEmpty)
                    {
                        anchors[s.Anchor.Value] = value;
                    }

                    done = Add(stack, value, ref root);
                    break;
                }

                case AnchorAlias alias:
                    done = Add(stack, anchors.TryGetValue(alias.Value.Value, out var aliased) ? aliased : null, ref root);
                    break;
                case DocumentEnd when stack.Count == 0 && root is not null:
                    done = true;
                    break;
            }
        }

        return root;
    }

    private static bool Add(Stack<Frame> stack, object? value, ref object? root)
    {
        if (stack.Count == 0)
        {
            root = value;
            return true;
        }

        var parent = stack.Peek();
        if (parent.Container is List<object?> list)
        {
            list.Add(value);
            return false;
        }

        var dict = (Dictionary<string, object?>)parent.Container;
        if (!parent.HasKey)
        {
            parent.Key = value is null ? "null" : Jinja.PyOps.ToStr(value);
            parent.HasKey = true;
            return false;
        }

        if (parent.Key == "<<" && value is Dictionary<string, object?> merged)
        {
            foreach (var (k, v) in merged)
            {
                dict.TryAdd(k, v);
            }
        }
        else
        {
            dict[parent.Key!] = value;
        }

        parent.HasKey = false;
        return false;
    }

    private static object? Convert(Scalar s)
    {
        var v = s.Value;
        if (s.Style != ScalarStyle.Plain)
        {
            return v;
        }

        switch (v)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return true;
            case "false" or "False" or "FALSE": return false;
        }

        if (long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
        {
            return l;
        }

        if (v.Length > 0 && (char.IsDigit(v[0]) || v[0] is '-' or '+' or '.') && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }

        return v;
    }

    private sealed class Frame(object container, string? anchor)
    {
        public object Container { get; } = container;

        public string? Anchor { get; } = anchor;

        public string? Key { get; set; }

        public bool HasKey { get; set; }
    }
}
