using System.Text;

namespace ReviewBot.Dbt.Jinja;

/// <summary>
/// Splits a template into text and tag tokens the way Jinja does with dbt's settings: no trim_blocks or
/// lstrip_blocks, one trailing newline dropped, <c>\r\n</c> read as <c>\n</c>, <c>{%- -%}</c>/<c>{{- -}}</c>/<c>{#- -#}</c>
/// strip whitespace (newlines included) on that side, <c>{% raw %}</c> kept verbatim. Iterative: no recursion.
/// </summary>
internal static class Lexer
{
    private static readonly string[] TwoCharOps = ["**", "//", "==", "!=", "<=", ">="];

    public static List<Token> Tokenize(string source)
    {
        if (source.Contains('\r', StringComparison.Ordinal))
        {
            source = source.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        }

        if (source.EndsWith('\n'))
        {
            source = source[..^1];
        }

        var tokens = new List<Token>(Math.Max(16, source.Length / 16));
        var pos = 0;
        var line = 1;
        var stripNextLeading = false;
        var n = source.Length;
        while (pos < n)
        {
            var open = FindOpen(source, pos);
            var textEnd = open < 0 ? n : open;
            var stripTrailing = open >= 0 && open + 2 < n && source[open + 2] == '-';
            EmitText(tokens, source, pos, textEnd, line, stripNextLeading, stripTrailing);
            line += CountNewlines(source, pos, textEnd);
            stripNextLeading = false;
            if (open < 0)
            {
                break;
            }

            var kind = source[open + 1];
            var startLine = line;
            var inner = open + 2;
            if (inner < n && (source[inner] == '-' || source[inner] == '+'))
            {
                inner++;
            }

            if (kind == '#')
            {
                var close = source.IndexOf("#}", inner, StringComparison.Ordinal);
                if (close < 0)
                {
                    throw TemplateException.Syntax("unclosed comment", startLine);
                }

                stripNextLeading = close > inner && source[close - 1] == '-';
                line += CountNewlines(source, open, close + 2);
                pos = close + 2;
                continue;
            }

            if (kind == '%' && TryRaw(source, inner, out var rawBodyStart))
            {
                var (endOpen, endClose, stripBefore, stripAfter) = FindEndRaw(source, rawBodyStart, startLine);
                line += CountNewlines(source, open, rawBodyStart);
                EmitText(tokens, source, rawBodyStart, endOpen, line, source[rawBodyStart - 3] == '-', stripBefore);
                line += CountNewlines(source, rawBodyStart, endClose);
                stripNextLeading = stripAfter;
                pos = endClose;
                continue;
            }

            tokens.Add(new Token(kind == '{' ? TokenKind.VarBegin : TokenKind.BlockBegin, kind == '{' ? "{{" : "{%", startLine));
            pos = LexTag(source, inner, ref line, kind == '{' ? '}' : '%', tokens, startLine, out stripNextLeading);
        }

        tokens.Add(new Token(TokenKind.Eof, string.Empty, line));
        return tokens;
    }

    private static int FindOpen(string s, int from)
    {
        var i = from;
        while (true)
        {
            i = s.IndexOf('{', i);
            if (i < 0 || i + 1 >= s.Length)
            {
                return -1;
            }

            var c = s[i + 1];
            if (c is '{' or '%' or '#')
            {
                return i;
            }

            i++;
        }
    }

    private static int CountNewlines(string s, int from, int to)
    {
        var count = 0;
        var span = s.AsSpan(from, to - from);
        var idx = span.IndexOf('\n');
        while (idx >= 0)
        {
            count++;
            span = span[(idx + 1)..];
            idx = span.IndexOf('\n');
        }

        return count;
    }

    private static void EmitText(List<Token> tokens, string s, int from, int to, int line, bool stripLeading, bool stripTrailing)
    {
        if (stripLeading)
        {
            while (from < to && char.IsWhiteSpace(s[from]))
            {
                if (s[from] == '\n')
                {
                    line++;
                }

                from++;
            }
        }

        if (stripTrailing)
        {
            while (to > from && char.IsWhiteSpace(s[to - 1]))
            {
                to--;
            }
        }

        if (to > from)
        {
            tokens.Add(new Token(TokenKind.Text, s[from..to], line));
        }
    }

    private static bool TryRaw(string s, int i, out int bodyStart)
    {
        bodyStart = 0;
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }

        if (string.CompareOrdinal(s, i, "raw", 0, 3) != 0)
        {
            return false;
        }

        i += 3;
        while (i < s.Length && char.IsWhiteSpace(s[i]))
        {
            i++;
        }

        if (i < s.Length && s[i] == '-')
        {
            i++;
        }

        if (string.CompareOrdinal(s, i, "%}", 0, 2) != 0)
        {
            return false;
        }

        bodyStart = i + 2;
        return true;
    }

    private static (int Open, int Close, bool StripBefore, bool StripAfter) FindEndRaw(string s, int from, int line)
    {
        var i = from;
        while (true)
        {
            i = s.IndexOf("{%", i, StringComparison.Ordinal);
            if (i < 0)
            {
                throw TemplateException.Syntax("missing endraw", line);
            }

            var j = i + 2;
            var stripBefore = j < s.Length && s[j] == '-';
            if (stripBefore)
            {
                j++;
            }

            while (j < s.Length && char.IsWhiteSpace(s[j]))
            {
                j++;
            }

            if (string.CompareOrdinal(s, j, "endraw", 0, 6) == 0)
            {
                j += 6;
                while (j < s.Length && char.IsWhiteSpace(s[j]))
                {
                    j++;
                }

                var stripAfter = j < s.Length && s[j] == '-';
                if (stripAfter)
                {
                    j++;
                }

                if (string.CompareOrdinal(s, j, "%}", 0, 2) == 0)
                {
                    return (i, j + 2, stripBefore, stripAfter);
                }
            }

            i += 2;
        }
    }

    private static int LexTag(string s, int i, ref int line, char closer, List<Token> tokens, int startLine, out bool stripAfter)
    {
        var depth = 0;
        var n = s.Length;
        while (true)
        {
            while (i < n && char.IsWhiteSpace(s[i]))
            {
                if (s[i] == '\n')
                {
                    line++;
                }

                i++;
            }

            if (i >= n)
            {
                throw TemplateException.Syntax(closer == '}' ? "unclosed '{{'" : "unclosed '{%'", startLine);
            }

            var c = s[i];
            if (depth == 0)
            {
                if (c == '-' && i + 2 < n && s[i + 1] == closer && s[i + 2] == '}')
                {
                    tokens.Add(new Token(closer == '}' ? TokenKind.VarEnd : TokenKind.BlockEnd, "end", line));
                    stripAfter = true;
                    return i + 3;
                }

                if (c == closer && i + 1 < n && s[i + 1] == '}')
                {
                    tokens.Add(new Token(closer == '}' ? TokenKind.VarEnd : TokenKind.BlockEnd, "end", line));
                    stripAfter = false;
                    return i + 2;
                }
            }

            if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < n && (char.IsLetterOrDigit(s[i]) || s[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Name, s[start..i], line));
                continue;
            }

            if (char.IsAsciiDigit(c))
            {
                i = LexNumber(s, i, line, tokens);
                continue;
            }

            if (c is '\'' or '"')
            {
                i = LexString(s, i, ref line, tokens);
                continue;
            }

            var op = i + 1 < n ? Array.Find(TwoCharOps, o => o[0] == c && o[1] == s[i + 1]) : null;
            if (op is not null)
            {
                tokens.Add(new Token(TokenKind.Operator, op, line));
                i += 2;
                continue;
            }

            switch (c)
            {
                case '(' or '[' or '{':
                    depth++;
                    break;
                case ')' or ']' or '}':
                    depth = Math.Max(0, depth - 1);
                    break;
                case '+' or '-' or '*' or '/' or '%' or '~' or '<' or '>' or '=' or ',' or '.' or ':' or '|':
                    break;
                default:
                    throw TemplateException.Syntax($"unexpected character '{c}'", line);
            }

            tokens.Add(new Token(TokenKind.Operator, c.ToString(), line));
            i++;
        }
    }

    private static int LexNumber(string s, int i, int line, List<Token> tokens)
    {
        var start = i;
        var n = s.Length;
        if (s[i] == '0' && i + 2 < n && s[i + 1] is 'x' or 'X' or 'o' or 'O' or 'b' or 'B')
        {
            var radix = s[i + 1] is 'x' or 'X' ? 16 : s[i + 1] is 'o' or 'O' ? 8 : 2;
            var j = i + 2;
            while (j < n && (Uri.IsHexDigit(s[j]) || s[j] == '_'))
            {
                j++;
            }

            var digits = s[(i + 2)..j].Replace("_", string.Empty, StringComparison.Ordinal);
            try
            {
                var value = digits.Aggregate(System.Numerics.BigInteger.Zero, (acc, c) =>
                {
                    var d = Convert.ToInt32(c.ToString(), 16);
                    return d < radix ? (acc * radix) + d : throw new FormatException();
                });
                tokens.Add(new Token(value <= long.MaxValue ? TokenKind.Integer : TokenKind.Float, value.ToString(System.Globalization.CultureInfo.InvariantCulture), line));
                return j;
            }
            catch (FormatException)
            {
                throw TemplateException.Syntax($"invalid number literal '{s[i..j]}'", line);
            }
        }

        while (i < n && (char.IsAsciiDigit(s[i]) || s[i] == '_'))
        {
            i++;
        }

        var isFloat = false;
        if (i + 1 < n && s[i] == '.' && char.IsAsciiDigit(s[i + 1]) && (start == 0 || s[start - 1] != '.'))
        {
            isFloat = true;
            i++;
            while (i < n && (char.IsAsciiDigit(s[i]) || s[i] == '_'))
            {
                i++;
            }
        }

        if (i < n && (s[i] == 'e' || s[i] == 'E') && i + 1 < n && (char.IsAsciiDigit(s[i + 1]) || ((s[i + 1] == '-' || s[i + 1] == '+') && i + 2 < n && char.IsAsciiDigit(s[i + 2]))))
        {
            isFloat = true;
            i += 2;
            while (i < n && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
        }

        tokens.Add(new Token(isFloat ? TokenKind.Float : TokenKind.Integer, s[start..i].Replace("_", string.Empty, StringComparison.Ordinal), line));
        return i;
    }

    private static int LexString(string s, int i, ref int line, List<Token> tokens)
    {
        var quote = s[i];
        var startLine = line;
        var sb = new StringBuilder();
        i++;
        while (true)
        {
            if (i >= s.Length)
            {
                throw TemplateException.Syntax("unterminated string", startLine);
            }

            var c = s[i];
            if (c == quote)
            {
                tokens.Add(new Token(TokenKind.String, sb.ToString(), startLine));
                return i + 1;
            }

            if (c == '\n')
            {
                line++;
            }

            if (c == '\\' && i + 1 < s.Length)
            {
                var e = s[i + 1];
                switch (e)
                {
                    case 'n': sb.Append('\n'); break;
                    case 't': sb.Append('\t'); break;
                    case 'r': sb.Append('\r'); break;
                    case '\\': sb.Append('\\'); break;
                    case '\'': sb.Append('\''); break;
                    case '"': sb.Append('"'); break;
                    case '\n': line++; break;
                    default: sb.Append('\\').Append(e); break;
                }

                i += 2;
                continue;
            }

            sb.Append(c);
            i++;
        }
    }
}
