using System.Text.RegularExpressions;

namespace ReviewBot.Dbt.Projects;

/// <summary>Splits a macro file into its top-level <c>{% macro %}</c>/<c>{% test %}</c> blocks, as dbt's block extractor does.</summary>
internal static partial class MacroBlocks
{
    [GeneratedRegex(@"\{%-?\s*(macro|test|endmacro|endtest)\b[^%]*-?%\}", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex BlockTag();

    public static List<(string Block, int StartLine)> Split(string text)
    {
        var blocks = new List<(string, int)>();
        int? start = null;
        try
        {
            foreach (Match m in BlockTag().Matches(text))
            {
                var opening = m.Groups[1].Value is "macro" or "test";
                if (opening)
                {
                    start = m.Index;
                }
                else if (start is { } s)
                {
                    var end = m.Index + m.Length;
                    blocks.Add((text[s..end], 1 + text.AsSpan(0, s).Count('\n')));
                    start = null;
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            // A pathological file: keep what was found.
        }

        return blocks;
    }
}
