namespace ReviewBot.Agents.Context.Sql;

/// <summary>
/// Which Jinja branches enclose a line of a model file as written. The rules read rendered SQL; this only answers
/// "was this rendered text inside a branch on the target" (a dev-only <c>limit</c>), which the rendering for one
/// target cannot tell. One forward pass over the tags, an explicit stack, bounded by the text.
/// </summary>
internal static class JinjaBlocks
{
    private const int MaxOpen = 10_000;

    /// <summary>True when <paramref name="line"/> lies in an <c>if</c>/<c>elif</c>/<c>else</c> branch whose condition reads <c>target</c>.</summary>
    public static bool InTargetBranch(string? text, int line)
    {
        if (text is null || !text.Contains("{%", StringComparison.Ordinal))
        {
            return false;
        }

        var open = new Stack<bool>();
        var current = 1;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                current++;
                if (current > line)
                {
                    break;
                }

                continue;
            }

            if (text[i] != '{' || i + 1 >= text.Length || (text[i + 1] != '%' && text[i + 1] != '#'))
            {
                continue;
            }

            var close = text.IndexOf(text[i + 1] == '%' ? "%}" : "#}", i + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                break;
            }

            var tag = text[(i + 2)..close].Trim('-', '+', ' ', '\t', '\r', '\n');
            current += text.AsSpan(i, close - i).Count('\n');
            i = close + 1;
            if (text[i - 1] == '#' || current > line)
            {
                continue;
            }

            var word = tag.Split((char[])[' ', '\t', '\r', '\n', '('], 2)[0];
            var onTarget = tag.Contains("target", StringComparison.Ordinal);
            switch (word)
            {
                case "if" when open.Count < MaxOpen:
                    open.Push(onTarget);
                    break;
                case "elif" or "else" when open.Count > 0:
                    var wasOnTarget = open.Pop();
                    open.Push(wasOnTarget || onTarget);
                    break;
                case "endif" when open.Count > 0:
                    open.Pop();
                    break;
            }
        }

        return open.Contains(true);
    }
}
