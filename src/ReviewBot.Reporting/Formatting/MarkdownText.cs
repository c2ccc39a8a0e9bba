using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace ReviewBot.Reporting.Formatting;

/// <summary>
/// Turns untrusted text (finding titles and messages, file paths, reasons, model output) into GitHub
/// Markdown that renders as that text and nothing else: no HTML, no images or links, no @mentions that
/// ping, no broken tables. Balanced backtick spans stay code spans, since rule messages use them for
/// identifiers, and URLs become code spans so that nobody is sent anywhere by a finding.
/// </summary>
internal static partial class MarkdownText
{
    /// <summary>Put between <c>@</c> and a name so GitHub shows the mention but does not notify (as Dependabot does).</summary>
    internal const string MentionBreak = "&#8203;";

    /// <summary>Plain untrusted text on one line. <paramref name="lineStart"/>: the text begins a Markdown line or list item.</summary>
    public static string Text(string? value, bool inTable = false, bool lineStart = false)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var text = Normalize(value);
        var result = new StringBuilder(text.Length + 16);
        var position = 0;
        foreach (Match match in CodeOrUrl().Matches(text))
        {
            EscapePlain(result, text.AsSpan(position, match.Index - position), lineStart && position == 0, atEndNameFollows: false);
            result.Append(match.Groups["body"].Success ? Code(match.Groups["body"].Value, inTable) : Code(match.Value, inTable));
            position = match.Index + match.Length;
        }

        EscapePlain(result, text.AsSpan(position), lineStart && position == 0, atEndNameFollows: false);
        return result.ToString();
    }

    /// <summary>
    /// A run of untrusted text inside Markdown we are building (the sanitizer's literals): like
    /// <see cref="Text(string?, bool, bool)"/> but spaces are kept as they are, since the run may sit between
    /// other inlines, and a trailing <c>@</c> is neutralised because the next run may begin a name.
    /// </summary>
    public static string Inline(string value, bool inTable, bool lineStart)
    {
        var text = new StringBuilder(value.Length);
        foreach (var c in value)
        {
            if (c is '\r' or '\n')
            {
                text.Append(' ');
            }
            else if (c == '\t' || !(char.IsControl(c) || IsBidiControl(c)))
            {
                text.Append(c);
            }
        }

        var plain = text.ToString();
        var result = new StringBuilder(plain.Length + 16);
        var position = 0;
        foreach (Match match in CodeOrUrl().Matches(plain))
        {
            EscapePlain(result, plain.AsSpan(position, match.Index - position), lineStart && position == 0, atEndNameFollows: false);
            result.Append(match.Groups["body"].Success ? Code(match.Groups["body"].Value, inTable) : Code(match.Value, inTable));
            position = match.Index + match.Length;
        }

        EscapePlain(result, plain.AsSpan(position), lineStart && position == 0, atEndNameFollows: true);
        return result.ToString();
    }

    /// <summary>Like <see cref="Text(string?, bool, bool)"/>, clipped first to <paramref name="maxChars"/> characters of source text at a word boundary.</summary>
    public static string Text(string? value, int maxChars, bool inTable = false, bool lineStart = false) =>
        Text(Clip(value, maxChars), inTable, lineStart);

    /// <summary>A code span holding <paramref name="content"/> literally (newlines become spaces).</summary>
    public static string Code(string content, bool inTable = false)
    {
        var text = Normalize(content);
        if (text.Trim().Length == 0)
        {
            return "` `";
        }

        var longestRun = 0;
        var run = 0;
        foreach (var c in text)
        {
            run = c == '`' ? run + 1 : 0;
            longestRun = Math.Max(longestRun, run);
        }

        var fence = new string('`', longestRun + 1);
        var pad = text[0] == '`' || text[^1] == '`' || (text[0] == ' ' && text[^1] == ' ') ? " " : "";
        if (inTable)
        {
            text = text.Replace("|", "\\|", StringComparison.Ordinal);
        }

        return fence + pad + text + pad + fence;
    }

    /// <summary>A link to a file line on GitHub: <c>{prefix}{path}#L{line}</c>, or plain <c>path:line</c> in code when there is no prefix.</summary>
    public static string Location(string path, int? line, int? endLine, string? blobUrlPrefix, bool inTable = false)
    {
        var label = line is { } start ? $"{path}:{start.ToString(CultureInfo.InvariantCulture)}" : path;
        if (endLine is { } end && line is { } first && end > first)
        {
            label += $"-{end.ToString(CultureInfo.InvariantCulture)}";
        }

        var code = Code(label, inTable);
        if (string.IsNullOrEmpty(blobUrlPrefix) || !IsSafeLinkPrefix(blobUrlPrefix))
        {
            return code;
        }

        var url = blobUrlPrefix + EscapePath(path);
        if (line is { } l && l > 0)
        {
            url += "#L" + l.ToString(CultureInfo.InvariantCulture);
            if (endLine is { } e && e > l)
            {
                url += "-L" + e.ToString(CultureInfo.InvariantCulture);
            }
        }

        return $"[{code}]({url})";
    }

    /// <summary>A repository path as a relative URI: each segment percent-encoded, slashes kept.</summary>
    public static string EscapePath(string path) =>
        string.Join('/', path.Replace('\\', '/').Split('/').Select(Uri.EscapeDataString));

    /// <summary>Clips <paramref name="value"/> to at most <paramref name="maxChars"/> characters, at a word boundary when one is near, ending with an ellipsis.</summary>
    public static string Clip(string? value, int maxChars)
    {
        if (string.IsNullOrEmpty(value) || value.Length <= maxChars)
        {
            return value ?? "";
        }

        if (maxChars <= 1)
        {
            return "…";
        }

        var cut = maxChars - 1;
        if (char.IsLowSurrogate(value[cut]))
        {
            cut--;
        }

        var space = value.LastIndexOf(' ', cut - 1, Math.Min(cut, 40));
        if (space > 0)
        {
            cut = space;
        }

        return value[..cut].TrimEnd() + "…";
    }

    /// <summary>Counts with the noun in the right number: "1 finding", "3 findings", "1,204 findings".</summary>
    public static string Count(int n, string noun, string? plural = null) =>
        n == 1 ? $"1 {noun}" : $"{n.ToString("N0", CultureInfo.InvariantCulture)} {plural ?? noun + "s"}";

    public static string Number(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A duration the way a person reads it: 840 ms, 4.2 s, 2 min 5 s.</summary>
    public static string Duration(long milliseconds)
    {
        if (milliseconds < 1000)
        {
            return $"{milliseconds.ToString(CultureInfo.InvariantCulture)} ms";
        }

        if (milliseconds < 60_000)
        {
            return $"{(milliseconds / 1000.0).ToString("0.0", CultureInfo.InvariantCulture)} s";
        }

        var seconds = milliseconds / 1000;
        return $"{(seconds / 60).ToString(CultureInfo.InvariantCulture)} min {(seconds % 60).ToString(CultureInfo.InvariantCulture)} s";
    }

    /// <summary>
    /// One line of text: newlines and tabs become spaces, runs of spaces collapse, and control and
    /// bidirectional-override characters (which can disguise what a line says) are removed.
    /// </summary>
    internal static string Normalize(string value)
    {
        var result = new StringBuilder(value.Length);
        var lastWasSpace = false;
        foreach (var c in value)
        {
            if (c is '\r' or '\n' or '\t' or ' ' or '\u00A0' or '\u2028' or '\u2029')
            {
                if (!lastWasSpace && result.Length > 0)
                {
                    result.Append(' ');
                }

                lastWasSpace = true;
                continue;
            }

            if (char.IsControl(c) || IsBidiControl(c))
            {
                continue;
            }

            result.Append(c);
            lastWasSpace = false;
        }

        return result.ToString().TrimEnd();
    }

    internal static bool IsBidiControl(char c) =>
        c is '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u061C';

    private static bool IsSafeLinkPrefix(string prefix) =>
        Uri.TryCreate(prefix, UriKind.Absolute, out var uri)
        && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
        && !prefix.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or '<' or '>' or '"' or '`');

    private static void EscapePlain(StringBuilder result, ReadOnlySpan<char> text, bool lineStart, bool atEndNameFollows)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var previous = i > 0 ? text[i - 1] : (result.Length > 0 ? result[^1] : ' ');
            var next = i + 1 < text.Length ? text[i + 1] : (atEndNameFollows ? 'a' : ' ');
            switch (c)
            {
                case '\\' or '`' or '*' or '[' or ']' or '~' or '$':
                    result.Append('\\').Append(c);
                    break;
                case '|':
                    result.Append("\\|");
                    break;
                case '_':
                    // Inside a word (stg_customers) an underscore is never emphasis; escape it only at a word edge.
                    result.Append(char.IsLetterOrDigit(previous) && char.IsLetterOrDigit(next) ? "_" : "\\_");
                    break;
                case '<':
                    result.Append("&lt;");
                    break;
                case '>':
                    result.Append("&gt;");
                    break;
                case '&':
                    result.Append("&amp;");
                    break;
                case '@' when !char.IsLetterOrDigit(previous) && (char.IsLetterOrDigit(next) || next is '-' or '_'):
                    result.Append('@').Append(MentionBreak);
                    break;
                case '#' or '-' or '+' or '=' when lineStart && i == 0:
                    result.Append('\\').Append(c);
                    break;
                case '.' or ')' when lineStart && IsOrderedMarker(text[..i]):
                    result.Append('\\').Append(c);
                    break;
                default:
                    result.Append(c);
                    break;
            }
        }
    }

    private static bool IsOrderedMarker(ReadOnlySpan<char> before)
    {
        if (before.Length is 0 or > 9)
        {
            return false;
        }

        foreach (var c in before)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex(@"(?<!`)(?<ticks>`+)(?!`)(?<body>[^`].*?|.*?[^`])(?<!`)\k<ticks>(?!`)|(?:\b[A-Za-z][A-Za-z0-9+.\-]{1,15}://|\bwww\.)[^\s<>`]*[^\s<>`.,;:!?'"")\]]", RegexOptions.CultureInvariant)]
    private static partial Regex CodeOrUrl();
}
