using System.Globalization;
using ReviewBot.Agents.Context.Pipeline;

namespace ReviewBot.Agents.Context.Dbt;

/// <summary>
/// Reads a dbt Python model as dbt does (from the code's calls, not by running it): <c>dbt.ref(...)</c>,
/// <c>dbt.source(...)</c>, <c>dbt.config(...)</c> with literal arguments, and the <c>if dbt.is_incremental:</c>
/// blocks. A small Python tokenizer (strings, comments, brackets) keeps calls in comments or strings out; linear
/// in the text, no recursion.
/// </summary>
internal static class PythonModelReader
{
    public static DbtModelFile Read(string path, string text)
    {
        var tokens = Tokenize(text);
        var refs = new List<DbtRef>();
        var dynamic = new List<int>();
        var sources = new List<DbtSourceRef>();
        var config = new Dictionary<string, ConfigValue>(StringComparer.OrdinalIgnoreCase);
        var blocks = new List<IncrementalBlock>();
        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i + 3 < tokens.Count; i++)
        {
            if (tokens[i] is not { Kind: Kind.Name, Text: "dbt" } || !tokens[i + 1].Is(".") || tokens[i + 2].Kind != Kind.Name)
            {
                continue;
            }

            var member = tokens[i + 2].Text;
            if (member == "is_incremental" && i > 0 && tokens[i - 1] is { Kind: Kind.Name, Text: "if" })
            {
                blocks.Add(Block(lines, tokens[i - 1].Line));
                continue;
            }

            if (member is not ("ref" or "source" or "config") || !tokens[i + 3].Is("("))
            {
                continue;
            }

            var (positional, named, end) = Arguments(tokens, i + 3);
            var line = tokens[i].Line;
            switch (member)
            {
                case "ref" when positional.Count is 1 or 2 && positional.All(p => p.Literal is not null):
                    var version = named.FirstOrDefault(n => n.Key is "v" or "version").Value?.Text;
                    refs.Add(positional.Count == 1
                        ? new DbtRef(positional[0].Literal!, null, version, line)
                        : new DbtRef(positional[1].Literal!, positional[0].Literal, version, line));
                    break;
                case "ref":
                    dynamic.Add(line);
                    break;
                case "source" when positional.Count == 2 && positional.All(p => p.Literal is not null):
                    sources.Add(new DbtSourceRef(positional[0].Literal!, positional[1].Literal!, line));
                    break;
                case "config":
                    foreach (var (key, value) in named)
                    {
                        config[key] = value;
                    }

                    break;
            }

            i = Math.Max(i, end - 1);
        }

        return new DbtModelFile
        {
            Path = path, Language = "python", Refs = refs, Sources = sources, DynamicRefLines = dynamic, Config = config, IncrementalBlocks = blocks,
            CallsIsIncremental = blocks.Count > 0,
        };
    }

    private static IncrementalBlock Block(string[] lines, int ifLine)
    {
        var header = lines[ifLine - 1];
        var indent = header.Length - header.TrimStart().Length;
        var end = ifLine;
        while (end < lines.Length && (lines[end].Trim().Length == 0 || lines[end].Length - lines[end].TrimStart().Length > indent))
        {
            end++;
        }

        var body = string.Join('\n', lines[ifLine..end]);
        var bodyTokens = Tokenize(body);
        return new IncrementalBlock(ifLine, Math.Max(ifLine, end), body)
        {
            LookbackHours = TimedeltaHours(bodyTokens),
            Filters = bodyTokens.Any(t => (t.Kind == Kind.Name && t.Text is "filter" or "where") || t.Is(">") || t.Is(">=")),
        };
    }

    /// <summary>The widest <c>timedelta(days=3)</c> / <c>relativedelta(hours=6)</c> in the tokens, in hours.</summary>
    private static double? TimedeltaHours(List<Token> tokens)
    {
        double? widest = null;
        for (var i = 0; i + 4 < tokens.Count; i++)
        {
            if (tokens[i] is { Kind: Kind.Name, Text: "timedelta" or "relativedelta" } && tokens[i + 1].Is("("))
            {
                for (var j = i + 2; j + 2 < tokens.Count && !tokens[j].Is(")"); j++)
                {
                    if (tokens[j].Kind == Kind.Name && tokens[j + 1].Is("=") && tokens[j + 2].Kind == Kind.Number
                        && IncrementalWindow.Hours(tokens[j].Text) is { } perUnit
                        && double.TryParse(tokens[j + 2].Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var amount))
                    {
                        var hours = amount * perUnit;
                        widest = widest is null ? hours : Math.Max(widest.Value, hours);
                    }
                }
            }
        }

        return widest;
    }

    /// <summary>The arguments of the call whose <c>(</c> is at <paramref name="open"/>: literal positionals and keyword values.</summary>
    private static (List<(string? Literal, int Line)> Positional, List<KeyValuePair<string, ConfigValue>> Named, int End) Arguments(List<Token> tokens, int open)
    {
        var positional = new List<(string?, int)>();
        var named = new List<KeyValuePair<string, ConfigValue>>();
        var depth = 0;
        var start = open + 1;
        for (var i = open; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Is("(") || t.Is("[") || t.Is("{"))
            {
                depth++;
                continue;
            }

            var closes = t.Is(")") || t.Is("]") || t.Is("}");
            if (closes)
            {
                depth--;
            }

            if ((depth == 1 && t.Is(",")) || (depth == 0 && closes))
            {
                if (i > start)
                {
                    var part = tokens.GetRange(start, i - start);
                    if (part.Count >= 2 && part[0].Kind == Kind.Name && part[1].Is("="))
                    {
                        var value = part.GetRange(2, part.Count - 2);
                        var raw = string.Concat(value.Select(v => v.Text));
                        named.Add(KeyValuePair.Create(part[0].Text, new ConfigValue(raw, value.Count > 0 ? value[0].Line : part[0].Line) { Text = value.Count == 1 ? Literal(value[0]) : null }));
                    }
                    else
                    {
                        positional.Add((part.Count == 1 && part[0].Kind == Kind.String ? Literal(part[0]) : null, part[0].Line));
                    }
                }

                start = i + 1;
                if (depth == 0)
                {
                    return (positional, named, i + 1);
                }
            }
        }

        return (positional, named, tokens.Count);
    }

    private static string? Literal(Token token) => token.Kind switch
    {
        Kind.String => token.Text.TrimStart('r', 'b', 'u', 'R', 'B', 'U').Trim('"', '\''),
        Kind.Number => token.Text,
        Kind.Name when token.Text is "True" or "False" => token.Text.ToLowerInvariant(),
        _ => null,
    };

    private enum Kind
    {
        Name,
        String,
        Number,
        Op,
    }

    private readonly record struct Token(Kind Kind, string Text, int Line)
    {
        public bool Is(string op) => Kind == Kind.Op && Text == op;
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var line = 1;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                i++;
            }
            else if (char.IsWhiteSpace(c) || c == '\\')
            {
                i++;
            }
            else if (c == '#')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }
            }
            else if (c is '\'' or '"' || (c is 'r' or 'b' or 'u' or 'f' or 'R' or 'B' or 'U' or 'F' && i + 1 < text.Length && text[i + 1] is '\'' or '"'))
            {
                var q = c is '\'' or '"' ? i : i + 1;
                var quote = text[q];
                var triple = q + 2 < text.Length && text[q + 1] == quote && text[q + 2] == quote;
                var end = PythonLiterals.End(text, q, quote, triple);
                var literal = text[i..end];
                tokens.Add(new Token(Kind.String, triple ? literal.Replace(new string(quote, 3), quote.ToString(), StringComparison.Ordinal) : literal, line));
                line += literal.Count(ch => ch == '\n');
                i = end;
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(Kind.Name, text[start..i], line));
            }
            else if (char.IsDigit(c))
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '.' or '_'))
                {
                    i++;
                }

                tokens.Add(new Token(Kind.Number, text[start..i], line));
            }
            else
            {
                var two = i + 1 < text.Length ? text.Substring(i, 2) : string.Empty;
                var op = two is ">=" or "<=" or "==" or "!=" or "**" or "->" ? two : c.ToString();
                tokens.Add(new Token(Kind.Op, op, line));
                i += op.Length;
            }
        }

        return tokens;
    }
}
