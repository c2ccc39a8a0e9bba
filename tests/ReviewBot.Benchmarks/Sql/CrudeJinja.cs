using System.Text;
using System.Text.RegularExpressions;

namespace ReviewBot.Benchmarks.Sql;

/// <summary>
/// A stand-in for the dbt renderer until it lands: removes Jinja comments and statement tags, keeps the first branch
/// of an if, drops macro/call/set/docs/test bodies, renders ref/source/this to relation names, config() to nothing,
/// and every other {{ ... }} to an opaque placeholder (<c>__rb_opaque_N__</c>), as the renderer's contract says.
/// </summary>
internal static partial class CrudeJinja
{
    public static string Render(string text)
    {
        var output = new StringBuilder(text.Length);
        var frames = new Stack<(string Kind, bool Skips)>();
        var skipping = 0;
        var opaque = 0;
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf('{', i);
            while (open >= 0 && open + 1 < text.Length && text[open + 1] is not ('{' or '%' or '#'))
            {
                open = text.IndexOf('{', open + 1);
            }

            if (open < 0 || open + 1 >= text.Length)
            {
                if (skipping == 0)
                {
                    output.Append(text, i, text.Length - i);
                }

                break;
            }

            if (skipping == 0)
            {
                output.Append(text, i, open - i);
            }

            var kind = text[open + 1];
            var closeToken = kind == '{' ? "}}" : kind + "}";
            var close = kind == '#' ? text.IndexOf(closeToken, open + 2, StringComparison.Ordinal) : FindClose(text, open + 2, closeToken);
            if (close < 0)
            {
                break;
            }

            var inner = text[(open + 2)..close].Trim('-', '+', ' ', '\t', '\r', '\n');
            i = close + 2;
            if (kind == '#')
            {
                continue;
            }

            if (kind == '{')
            {
                if (skipping == 0)
                {
                    var rendered = Expression(inner, ref opaque);
                    var glued = rendered.Length > 0 && !rendered.StartsWith("__rb_opaque_", StringComparison.Ordinal);
                    if (glued && output.Length > 0 && char.IsLetterOrDigit(output[^1]))
                    {
                        output.Append(' ');
                    }

                    output.Append(rendered);
                    if (glued && i < text.Length && char.IsLetterOrDigit(text[i]))
                    {
                        output.Append(' ');
                    }
                }

                continue;
            }

            var word = inner.Split([' ', '\t', '\n', '\r', '('], 2)[0];
            switch (word)
            {
                case "if" when inner.Contains("not loop.last", StringComparison.Ordinal) || inner.Contains("loop.index > 1", StringComparison.Ordinal)
                    || inner.Contains("is_incremental()", StringComparison.Ordinal) && !inner.Contains("not is_incremental()", StringComparison.Ordinal):
                    // Loops render once here, as their last iteration: "if not loop.last" is false; a full-refresh rendering
                    // has is_incremental() false.
                    frames.Push(("if-skip-first", true));
                    skipping++;
                    break;
                case "if":
                case "for":
                case "snapshot":
                case "block":
                case "filter":
                    frames.Push((word, false));
                    break;
                case "elif":
                case "else":
                    if (frames.Count > 0 && frames.Peek().Kind == "if-skip-first")
                    {
                        frames.Pop();
                        frames.Push(("if", false));
                        skipping--;
                    }
                    else if (frames.Count > 0 && !frames.Peek().Skips)
                    {
                        var frame = frames.Pop();
                        frames.Push((frame.Kind, true));
                        skipping++;
                    }

                    break;
                case "macro":
                case "call":
                case "docs":
                case "test":
                case "materialization":
                case "raw":
                    frames.Push((word, true));
                    skipping++;
                    break;
                case "set" when !inner.Contains('=', StringComparison.Ordinal):
                    frames.Push(("set", true));
                    skipping++;
                    break;
                default:
                    if (word.StartsWith("end", StringComparison.Ordinal) && frames.Count > 0)
                    {
                        var frame = frames.Pop();
                        if (frame.Skips)
                        {
                            skipping--;
                        }
                    }

                    break;
            }
        }

        return output.ToString();
    }

    /// <summary>The end of a tag, skipping quoted strings inside it (a post_hook string may hold "}}").</summary>
    private static int FindClose(string text, int from, string close)
    {
        var i = from;
        while (i < text.Length - 1)
        {
            var c = text[i];
            if (c is '\'' or '"')
            {
                var end = text.IndexOf(c, i + 1);
                if (end < 0)
                {
                    return -1;
                }

                i = end + 1;
                continue;
            }

            if (c == close[0] && text[i + 1] == close[1])
            {
                return i;
            }

            i++;
        }

        return -1;
    }

    private static string Expression(string inner, ref int opaque)
    {
        var reference = RefPattern().Match(inner);
        if (reference.Success)
        {
            return reference.Groups["name"].Value;
        }

        var source = SourcePattern().Match(inner);
        if (source.Success)
        {
            return source.Groups["schema"].Value + "." + source.Groups["name"].Value;
        }

        if (inner == "this")
        {
            return "this_relation";
        }

        if (ConfigPattern().IsMatch(inner))
        {
            return string.Empty;
        }

        return $"__rb_opaque_{++opaque}__";
    }

    [GeneratedRegex(@"^ref\(\s*(?:['""][^'""]+['""]\s*,\s*)?['""](?<name>[^'""]+)['""]\s*(?:,\s*v(?:ersion)?\s*=\s*[^)]*)?\)$")]
    private static partial Regex RefPattern();

    [GeneratedRegex(@"^config\s*\(")]
    private static partial Regex ConfigPattern();

    [GeneratedRegex(@"^source\(\s*['""](?<schema>[^'""]+)['""]\s*,\s*['""](?<name>[^'""]+)['""]\s*\)$")]
    private static partial Regex SourcePattern();
}
