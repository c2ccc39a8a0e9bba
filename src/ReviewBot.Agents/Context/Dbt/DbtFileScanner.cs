using System.Globalization;
using System.Text.RegularExpressions;

namespace ReviewBot.Agents.Context.Dbt;

/// <summary>
/// Reads a model (SQL or Python), snapshot or macro file the way dbt's parser would, without running
/// Jinja: <c>ref()</c> and <c>source()</c> anywhere in the file (comments such as <c>-- depends_on:</c>
/// included), <c>config(...)</c> keyword arguments, <c>is_incremental()</c> blocks and snapshot blocks.
/// </summary>
public static partial class DbtFileScanner
{
    [GeneratedRegex("""\bref\s*\(\s*(?:'([^'\n]*)'|"([^"\n]*)")\s*(?:,\s*(?:'([^'\n]*)'|"([^"\n]*)"))?\s*(?:,\s*(?:v|version)\s*=\s*(?:'([^'\n]*)'|"([^"\n]*)"|(\d+)))?\s*\)""", RegexOptions.CultureInvariant)]
    private static partial Regex RefRegex();

    [GeneratedRegex("""\bref\s*\(\s*(?!['"\s)])""", RegexOptions.CultureInvariant)]
    private static partial Regex DynamicRefRegex();

    [GeneratedRegex("""\bsource\s*\(\s*(?:'([^'\n]*)'|"([^"\n]*)")\s*,\s*(?:'([^'\n]*)'|"([^"\n]*)")\s*\)""", RegexOptions.CultureInvariant)]
    private static partial Regex SourceRegex();

    [GeneratedRegex("""(?<![\w.])(?:dbt\.)?config\s*\(""", RegexOptions.CultureInvariant)]
    private static partial Regex ConfigRegex();

    [GeneratedRegex("""\{%-?\s*(if|elif|else|endif|for|endfor|snapshot|endsnapshot)\b([^%]*)%\}""", RegexOptions.CultureInvariant)]
    private static partial Regex JinjaTagRegex();

    [GeneratedRegex("""interval\s*'?\s*(\d+(?:\.\d+)?)\s*'?\s*(minute|hour|day|week|month)s?""", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex IntervalRegex();

    [GeneratedRegex("""(?:date_?add|timestamp_?add|datetime_?add|date_?sub|timestampadd)\s*\(\s*'?(minute|hour|day|week|month)s?'?\s*,\s*-?\s*(\d+(?:\.\d+)?)""", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex DateAddRegex();

    [GeneratedRegex("""(?:timedelta|relativedelta)\s*\(\s*(days|hours|minutes|weeks)\s*=\s*(\d+(?:\.\d+)?)""", RegexOptions.CultureInvariant)]
    private static partial Regex TimedeltaRegex();

    [GeneratedRegex("""\b(where|and|filter)\b""", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex FilterRegex();

    public static DbtModelFile Scan(string path, string text)
    {
        var lines = new LineIndex(text);
        var language = path.EndsWith(".py", StringComparison.OrdinalIgnoreCase) ? "python" : "sql";
        var refs = new List<DbtRef>();
        foreach (Match m in RefRegex().Matches(text))
        {
            var first = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value;
            var second = m.Groups[3].Success ? m.Groups[3].Value : m.Groups[4].Success ? m.Groups[4].Value : null;
            var version = m.Groups[5].Success ? m.Groups[5].Value : m.Groups[6].Success ? m.Groups[6].Value : m.Groups[7].Success ? m.Groups[7].Value : null;
            refs.Add(second is null
                ? new DbtRef(first, null, version, lines.LineOf(m.Index))
                : new DbtRef(second, first, version, lines.LineOf(m.Index)));
        }

        var dynamic = new List<int>();
        foreach (Match m in DynamicRefRegex().Matches(text))
        {
            dynamic.Add(lines.LineOf(m.Index));
        }

        var sources = new List<DbtSourceRef>();
        foreach (Match m in SourceRegex().Matches(text))
        {
            sources.Add(new DbtSourceRef(
                m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value,
                m.Groups[3].Success ? m.Groups[3].Value : m.Groups[4].Value,
                lines.LineOf(m.Index)));
        }

        var config = new Dictionary<string, ConfigValue>(StringComparer.OrdinalIgnoreCase);
        foreach (Match m in ConfigRegex().Matches(text))
        {
            var open = m.Index + m.Length - 1;
            var close = MatchingParen(text, open);
            if (close < 0)
            {
                continue;
            }

            foreach (var (key, value, offset) in KeywordArguments(text, open + 1, close))
            {
                config[key] = new ConfigValue(value, lines.LineOf(offset));
            }
        }

        var blocks = language == "python" ? PythonIncrementalBlocks(text, lines) : IncrementalBlocks(text, lines);
        var snapshots = new List<(string, int)>();
        foreach (Match m in JinjaTagRegex().Matches(text))
        {
            if (m.Groups[1].Value == "snapshot")
            {
                var name = m.Groups[2].Value.Trim().TrimEnd('-').Trim();
                if (name.Length > 0)
                {
                    snapshots.Add((name, lines.LineOf(m.Index)));
                }
            }
        }

        return new DbtModelFile
        {
            Path = path, Language = language, Refs = refs, Sources = sources, DynamicRefLines = dynamic, Config = config, IncrementalBlocks = blocks,
            SnapshotBlocks = snapshots,
        };
    }

    /// <summary>The widest lookback window in a piece of SQL or Python, in hours; null when none.</summary>
    public static double? LookbackHours(string text)
    {
        double? widest = null;
        void Take(string amount, string unit)
        {
            var hours = double.Parse(amount, CultureInfo.InvariantCulture) * unit.ToLowerInvariant().TrimEnd('s') switch
            {
                "minute" => 1.0 / 60,
                "hour" => 1,
                "day" => 24,
                "week" => 168,
                "month" => 730,
                _ => 0,
            };
            widest = widest is null ? hours : Math.Max(widest.Value, hours);
        }

        foreach (Match m in IntervalRegex().Matches(text))
        {
            Take(m.Groups[1].Value, m.Groups[2].Value);
        }

        foreach (Match m in DateAddRegex().Matches(text))
        {
            Take(m.Groups[2].Value, m.Groups[1].Value);
        }

        foreach (Match m in TimedeltaRegex().Matches(text))
        {
            Take(m.Groups[2].Value, m.Groups[1].Value);
        }

        return widest;
    }

    private static List<IncrementalBlock> IncrementalBlocks(string text, LineIndex lines)
    {
        var blocks = new List<IncrementalBlock>();
        var stack = new Stack<(int Start, bool Incremental)>();
        foreach (Match m in JinjaTagRegex().Matches(text))
        {
            var tag = m.Groups[1].Value;
            if (tag == "if")
            {
                var incremental = m.Groups[2].Value.Contains("is_incremental", StringComparison.Ordinal)
                    && !m.Groups[2].Value.TrimStart().StartsWith("not ", StringComparison.Ordinal);
                stack.Push((m.Index + m.Length, incremental));
            }
            else if (tag is "else" or "elif" && stack.Count > 0 && stack.Peek().Incremental)
            {
                var (start, _) = stack.Pop();
                blocks.Add(Block(text, lines, start, m.Index));
                stack.Push((m.Index + m.Length, false));
            }
            else if (tag == "endif" && stack.Count > 0)
            {
                var (start, incremental) = stack.Pop();
                if (incremental)
                {
                    blocks.Add(Block(text, lines, start, m.Index));
                }
            }
        }

        foreach (var (start, incremental) in stack)
        {
            if (incremental)
            {
                blocks.Add(Block(text, lines, start, text.Length));
            }
        }

        return blocks;
    }

    private static IncrementalBlock Block(string text, LineIndex lines, int start, int end)
    {
        var body = text[start..end];
        return new IncrementalBlock(lines.LineOf(start), lines.LineOf(Math.Max(start, end - 1)), body)
        {
            LookbackHours = LookbackHours(body),
            Filters = FilterRegex().IsMatch(body),
        };
    }

    private static List<IncrementalBlock> PythonIncrementalBlocks(string text, LineIndex lines)
    {
        var blocks = new List<IncrementalBlock>();
        var all = text.Split('\n');
        for (var i = 0; i < all.Length; i++)
        {
            var trimmed = all[i].TrimStart();
            if (!trimmed.StartsWith("if ", StringComparison.Ordinal) || !trimmed.Contains("is_incremental", StringComparison.Ordinal))
            {
                continue;
            }

            var indent = all[i].Length - trimmed.Length;
            var j = i + 1;
            while (j < all.Length && (all[j].Trim().Length == 0 || all[j].Length - all[j].TrimStart().Length > indent))
            {
                j++;
            }

            var body = string.Join('\n', all[(i + 1)..j]);
            blocks.Add(new IncrementalBlock(i + 1, j, body)
            {
                LookbackHours = LookbackHours(body),
                Filters = body.Contains("filter", StringComparison.Ordinal) || body.Contains("where", StringComparison.Ordinal) || body.Contains('>', StringComparison.Ordinal),
            });
        }

        _ = lines;
        return blocks;
    }

    /// <summary>The index of the parenthesis closing the one at <paramref name="open"/>, skipping strings; -1 when none.</summary>
    public static int MatchingParen(string text, int open)
    {
        var depth = 0;
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\'' or '"')
            {
                var end = text.IndexOf(c, i + 1);
                if (end < 0)
                {
                    return -1;
                }

                i = end;
                continue;
            }

            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                depth--;
                if (depth == 0)
                {
                    return i;
                }
            }
        }

        return -1;
    }

    /// <summary>Top-level <c>key=value</c> pairs between two offsets (Python/Jinja call syntax).</summary>
    public static IEnumerable<(string Key, string Value, int Offset)> KeywordArguments(string text, int start, int end)
    {
        var depth = 0;
        var partStart = start;
        for (var i = start; i <= end; i++)
        {
            var c = i < end ? text[i] : ',';
            if (c is '\'' or '"' && i < end)
            {
                var close = text.IndexOf(c, i + 1);
                i = close < 0 || close > end ? end - 1 : close;
                continue;
            }

            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                var part = text.AsSpan(partStart, i - partStart);
                var eq = part.IndexOf('=');
                if (eq > 0 && (eq + 1 >= part.Length || part[eq + 1] != '='))
                {
                    var key = part[..eq].Trim().ToString();
                    if (key.Length > 0 && key.All(ch => char.IsLetterOrDigit(ch) || ch == '_'))
                    {
                        var leading = partStart + (part.Length - part.TrimStart().Length);
                        yield return (key, part[(eq + 1)..].Trim().ToString(), leading);
                    }
                }

                partStart = i + 1;
            }
        }
    }
}

/// <summary>Maps character offsets to 1-based line numbers.</summary>
public sealed class LineIndex
{
    private readonly List<int> _starts = [0];

    public LineIndex(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                _starts.Add(i + 1);
            }
        }
    }

    public int LineOf(int offset)
    {
        var index = _starts.BinarySearch(offset);
        return index >= 0 ? index + 1 : ~index;
    }
}
