using System.Text;

namespace ReviewBot.Cli.Action;

/// <summary>
/// GitHub Actions workflow commands (<c>::warning file=...::message</c>, <c>::add-mask::</c>) and the
/// environment files (<c>GITHUB_OUTPUT</c>, <c>GITHUB_STEP_SUMMARY</c>), escaped as the runner expects.
/// Annotation text comes from the pull request (file names, messages quoting its lines): terminal escapes
/// and bidirectional-override characters are removed from it, as the comment renderer removes them, so a
/// file name cannot recolour, rewrite or visually reorder the log.
/// </summary>
internal sealed class WorkflowCommands(TextWriter stdout)
{
    public void Mask(string secret)
    {
        if (!string.IsNullOrEmpty(secret))
        {
            stdout.WriteLine($"::add-mask::{EscapeData(secret)}");
        }
    }

    public void Annotation(string level, string message, string? file = null, int? line = null, int? endLine = null, string? title = null)
    {
        var properties = new List<string>();
        if (file is not null)
        {
            properties.Add($"file={EscapeProperty(Clean(file))}");
        }

        if (line is { } l)
        {
            properties.Add($"line={l}");
        }

        if (endLine is { } e)
        {
            properties.Add($"endLine={e}");
        }

        if (title is not null)
        {
            properties.Add($"title={EscapeProperty(Clean(title))}");
        }

        var props = properties.Count == 0 ? "" : " " + string.Join(',', properties);
        stdout.WriteLine($"::{level}{props}::{EscapeData(Clean(message))}");
    }

    public static void AppendOutput(string? path, string name, string value)
    {
        if (string.IsNullOrEmpty(path))
        {
            return;
        }

        // The heredoc form is safe for any value; the delimiter cannot occur in it.
        var delimiter = "reviewbot_" + Guid.NewGuid().ToString("N");
        File.AppendAllText(path, $"{name}<<{delimiter}\n{value}\n{delimiter}\n", new UTF8Encoding(false));
    }

    public static void AppendSummary(string? path, string markdown)
    {
        if (!string.IsNullOrEmpty(path))
        {
            File.AppendAllText(path, markdown.EndsWith('\n') ? markdown : markdown + "\n", new UTF8Encoding(false));
        }
    }

    /// <summary>
    /// Removes ANSI/VT escape sequences (CSI <c>ESC [ ... final</c>, OSC <c>ESC ] ... BEL|ST</c>, two-byte
    /// escapes, and their 8-bit C1 forms), every other control character except line breaks and tabs, and the
    /// Unicode bidirectional controls.
    /// </summary>
    internal static string Clean(string value)
    {
        var sb = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is '\u001B' or '\u009B' or '\u009D' or '\u0090' or '\u009F' or '\u009E' or '\u0098')
            {
                i = SkipEscape(value, i) - 1;
                continue;
            }

            if (c is '\n' or '\r' or '\t' || !(char.IsControl(c) || IsBidiControl(c)))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>The index just after the escape sequence that starts at <paramref name="start"/>.</summary>
    private static int SkipEscape(string value, int start)
    {
        var c = value[start];
        var i = start + 1;
        char kind;
        if (c == '\u001B')
        {
            if (i >= value.Length)
            {
                return i;
            }

            if (value[i] < ' ')
            {
                return i;
            }

            kind = value[i] switch
            {
                '[' => 'C',
                ']' or 'P' or '_' or '^' or 'X' => 'S',
                _ => 'E',
            };
            if (kind == 'E')
            {
                // ESC followed by intermediates (0x20-0x2F) and one final byte.
                while (i < value.Length && value[i] is >= ' ' and <= '/')
                {
                    i++;
                }

                return Math.Min(value.Length, i + 1);
            }

            i++;
        }
        else
        {
            kind = c == '\u009B' ? 'C' : 'S';
        }

        if (kind == 'C')
        {
            // Parameters and intermediates (0x20-0x3F), then one final byte (0x40-0x7E).
            while (i < value.Length && value[i] is >= ' ' and <= '?')
            {
                i++;
            }

            return i < value.Length && value[i] is >= '@' and <= '~' ? i + 1 : i;
        }

        // A string (OSC, DCS, APC, PM, SOS) runs to BEL or ST (ESC \ or 0x9C); bounded by the text's end.
        while (i < value.Length)
        {
            if (value[i] is '\u0007' or '\u009C')
            {
                return i + 1;
            }

            if (value[i] == '\u001B' && i + 1 < value.Length && value[i + 1] == '\\')
            {
                return i + 2;
            }

            if (value[i] is '\n')
            {
                return i;
            }

            i++;
        }

        return i;
    }

    private static bool IsBidiControl(char c) =>
        c is '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069') or '\u061C';

    internal static string EscapeData(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal).Replace("\r", "%0D", StringComparison.Ordinal).Replace("\n", "%0A", StringComparison.Ordinal);

    internal static string EscapeProperty(string value) =>
        EscapeData(value).Replace(":", "%3A", StringComparison.Ordinal).Replace(",", "%2C", StringComparison.Ordinal);
}
