namespace ReviewBot.Sql.Lexing;

/// <summary>
/// Splits SQL text into tokens for one dialect. Comments and leftover Jinja statements/comments ({% %}, {# #}) are
/// trivia; a leftover {{ expression }} becomes one <see cref="SqlTokenKind.Template"/> token. Iterative, one pass,
/// never throws: unreadable text becomes an <see cref="SqlTokenKind.Error"/> token with a message.
/// </summary>
public static class SqlLexer
{
    // Longest first, so that "->>" wins over "->" and "::" over ":".
    private static readonly string[] Symbols =
    [
        "->>", "#>>", "<=>", "!~*",
        "::", ":=", "=>", "->", "#>", "<=", ">=", "<>", "!=", "==", "||", "<<", ">>", "@>", "<@", "!~", "~*", "&&", "**",
        "(", ")", "[", "]", "{", "}", ",", ";", ".", "+", "-", "*", "/", "%", "=", "<", ">", "!", "~", "^", "&", "|", "?", ":", "@", "#",
    ];

    /// <summary>Tokens of <paramref name="text"/> read as <paramref name="dialect"/>, ending with one <see cref="SqlTokenKind.End"/>.</summary>
    public static IReadOnlyList<SqlToken> Tokenize(string text, SqlDialect dialect = SqlDialect.Neutral) => TokenizeToArray(text, dialect);

    internal static SqlToken[] TokenizeToArray(string text, SqlDialect dialect)
    {
        var features = SqlDialectFeatures.For(dialect);
        var tokens = new List<SqlToken>(Math.Max(16, text.Length / 5));
        var i = 0;
        var n = text.Length;
        while (i < n)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            if (c == '-' && At(text, i + 1, '-') || c == '#' && features.HashComments && !At(text, i + 1, '>') && !At(text, i + 1, '#'))
            {
                while (i < n && text[i] != '\n')
                {
                    i++;
                }

                continue;
            }

            if (c == '/' && At(text, i + 1, '*'))
            {
                var depth = 1;
                i += 2;
                while (i < n && depth > 0)
                {
                    if (text[i] == '*' && At(text, i + 1, '/'))
                    {
                        depth--;
                        i += 2;
                    }
                    else if (features.NestedBlockComments && text[i] == '/' && At(text, i + 1, '*'))
                    {
                        depth++;
                        i += 2;
                    }
                    else
                    {
                        i++;
                    }
                }

                if (depth > 0)
                {
                    tokens.Add(new SqlToken(SqlTokenKind.Error, start, n - start, "unterminated /* comment"));
                }

                continue;
            }

            if (c == '{' && (At(text, i + 1, '%') || At(text, i + 1, '#') || At(text, i + 1, '{')))
            {
                var close = text[i + 1] == '{' ? "}}" : text[i + 1] + "}";
                var end = text.IndexOf(close, i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    tokens.Add(new SqlToken(SqlTokenKind.Error, start, n - start, string.Concat("unterminated template tag ", text.AsSpan(i, 2))));
                    i = n;
                    continue;
                }

                i = end + 2;
                if (text[start + 1] == '{')
                {
                    tokens.Add(new SqlToken(SqlTokenKind.Template, start, i - start, text[start..i]));
                }

                continue;
            }

            if (IsIdentStart(c))
            {
                // String prefixes: E'..' (Postgres), r'..' b'..' rb'..' (BigQuery), N'..', X'..'.
                var word = i;
                while (i < n && IsIdentPart(text[i]))
                {
                    i++;
                }

                if (i < n && (text[i] == '\'' || text[i] == '"' && features.DoubleQuotedStrings) && i - word <= 2 && IsStringPrefix(text.AsSpan(word, i - word)))
                {
                    i = ReadString(text, i, features, tokens, start, raw: text.AsSpan(word, i - word).Contains('r') || text.AsSpan(word, i - word).Contains('R'));
                    continue;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Word, start, i - start, text[start..i]));
                continue;
            }

            if (char.IsAsciiDigit(c) || c == '.' && i + 1 < n && char.IsAsciiDigit(text[i + 1]))
            {
                i = ReadNumber(text, i);
                if (i < n && IsIdentStart(text[i]))
                {
                    // 1st_column, 30d: a word that starts with digits (Hive, BigQuery and Databricks accept them).
                    while (i < n && IsIdentPart(text[i]))
                    {
                        i++;
                    }

                    tokens.Add(new SqlToken(SqlTokenKind.Word, start, i - start, text[start..i]));
                    continue;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Number, start, i - start, text[start..i]));
                continue;
            }

            if (c == '\'' || c == '"' && features.DoubleQuotedStrings)
            {
                i = ReadString(text, i, features, tokens, start, raw: false);
                continue;
            }

            if (c == '"' || c == '`')
            {
                i = ReadQuotedIdentifier(text, i, c, tokens);
                continue;
            }

            if (c == '$')
            {
                if (features.DollarQuotedStrings && TryReadDollarString(text, i, tokens, out var next))
                {
                    i = next;
                    continue;
                }

                i++;
                while (i < n && (char.IsAsciiLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new SqlToken(i - start > 1 ? SqlTokenKind.Parameter : SqlTokenKind.Symbol, start, i - start, text[start..i]));
                continue;
            }

            if (c == '@' && i + 1 < n && (IsIdentStart(text[i + 1]) || text[i + 1] == '@'))
            {
                i++;
                while (i < n && (IsIdentPart(text[i]) || text[i] == '@'))
                {
                    i++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Parameter, start, i - start, text[start..i]));
                continue;
            }

            var symbol = MatchSymbol(text, i);
            if (symbol is null)
            {
                tokens.Add(new SqlToken(SqlTokenKind.Error, start, 1, $"unexpected character '{c}'"));
                i++;
                continue;
            }

            tokens.Add(new SqlToken(SqlTokenKind.Symbol, start, symbol.Length, symbol));
            i += symbol.Length;
        }

        tokens.Add(new SqlToken(SqlTokenKind.End, n, 0, string.Empty));
        return [.. tokens];
    }

    internal static bool IsIdentStart(char c) => char.IsLetter(c) || c == '_';

    internal static bool IsIdentPart(char c) => char.IsLetterOrDigit(c) || c == '_' || c == '$';

    private static bool At(string text, int index, char c) => index < text.Length && text[index] == c;

    private static bool IsStringPrefix(ReadOnlySpan<char> prefix)
    {
        foreach (var ch in prefix)
        {
            if ("eEnNrRbBxXuU".IndexOf(ch) < 0)
            {
                return false;
            }
        }

        return true;
    }

    private static string? MatchSymbol(string text, int i)
    {
        // Only the symbols that start with this character are tried (longest first).
        var candidates = SymbolsByFirstChar(text[i]);
        foreach (var symbol in candidates)
        {
            if (symbol.Length == 1 || string.CompareOrdinal(text, i, symbol, 0, symbol.Length) == 0)
            {
                return symbol;
            }
        }

        return null;
    }

    private static readonly Dictionary<char, string[]> SymbolIndex = Symbols.GroupBy(s => s[0]).ToDictionary(g => g.Key, g => g.ToArray());

    private static string[] SymbolsByFirstChar(char c) => SymbolIndex.TryGetValue(c, out var list) ? list : [];

    private static int ReadNumber(string text, int i)
    {
        var n = text.Length;
        if (text[i] == '0' && i + 1 < n && (text[i + 1] == 'x' || text[i + 1] == 'X') && i + 2 < n && char.IsAsciiHexDigit(text[i + 2]))
        {
            i += 2;
            while (i < n && char.IsAsciiHexDigit(text[i]))
            {
                i++;
            }

            return i;
        }

        while (i < n && (char.IsAsciiDigit(text[i]) || text[i] == '_' && i + 1 < n && char.IsAsciiDigit(text[i + 1])))
        {
            i++;
        }

        // "1." is a number but "t1.col" never reaches here; "1..2" (ranges) keeps the second dot.
        if (i < n && text[i] == '.' && !(i + 1 < n && text[i + 1] == '.'))
        {
            i++;
            while (i < n && char.IsAsciiDigit(text[i]))
            {
                i++;
            }
        }

        if (i < n && (text[i] == 'e' || text[i] == 'E'))
        {
            var j = i + 1;
            if (j < n && (text[j] == '+' || text[j] == '-'))
            {
                j++;
            }

            if (j < n && char.IsAsciiDigit(text[j]))
            {
                i = j;
                while (i < n && char.IsAsciiDigit(text[i]))
                {
                    i++;
                }
            }
        }

        return i;
    }

    private static int ReadString(string text, int i, SqlDialectFeatures features, List<SqlToken> tokens, int start, bool raw)
    {
        var n = text.Length;
        var quote = text[i];
        if (features.TripleQuotedStrings && i + 2 < n && text[i + 1] == quote && text[i + 2] == quote)
        {
            var close = new string(quote, 3);
            var end = text.IndexOf(close, i + 3, StringComparison.Ordinal);
            if (end < 0)
            {
                tokens.Add(new SqlToken(SqlTokenKind.Error, start, n - start, "unterminated triple-quoted string"));
                return n;
            }

            tokens.Add(new SqlToken(SqlTokenKind.String, start, end + 3 - start, text[start..(end + 3)]));
            return end + 3;
        }

        var escapes = features.BackslashEscapes && !raw || (start < i && (text[start] == 'e' || text[start] == 'E'));
        i++;
        while (i < n)
        {
            var ch = text[i];
            if (ch == '\\' && escapes)
            {
                i += 2;
                continue;
            }

            if (ch == quote)
            {
                if (i + 1 < n && text[i + 1] == quote)
                {
                    i += 2;
                    continue;
                }

                i++;
                tokens.Add(new SqlToken(SqlTokenKind.String, start, i - start, text[start..i]));
                return i;
            }

            i++;
        }

        tokens.Add(new SqlToken(SqlTokenKind.Error, start, n - start, "unterminated string literal"));
        return n;
    }

    private static int ReadQuotedIdentifier(string text, int i, char quote, List<SqlToken> tokens)
    {
        var start = i;
        var n = text.Length;
        var sb = new System.Text.StringBuilder();
        i++;
        while (i < n)
        {
            if (text[i] == quote)
            {
                if (i + 1 < n && text[i + 1] == quote)
                {
                    sb.Append(quote);
                    i += 2;
                    continue;
                }

                i++;
                tokens.Add(new SqlToken(SqlTokenKind.QuotedIdentifier, start, i - start, sb.ToString()));
                return i;
            }

            sb.Append(text[i]);
            i++;
        }

        tokens.Add(new SqlToken(SqlTokenKind.Error, start, n - start, "unterminated quoted identifier"));
        return n;
    }

    private static bool TryReadDollarString(string text, int i, List<SqlToken> tokens, out int next)
    {
        // $$ body $$ or $tag$ body $tag$ (Postgres, Snowflake, DuckDB); "$1" and "$name" are parameters instead.
        var n = text.Length;
        var j = i + 1;
        while (j < n && (char.IsAsciiLetter(text[j]) || text[j] == '_' || j > i + 1 && char.IsAsciiDigit(text[j])))
        {
            j++;
        }

        if (j >= n || text[j] != '$')
        {
            next = i;
            return false;
        }

        var tag = text[i..(j + 1)];
        var end = text.IndexOf(tag, j + 1, StringComparison.Ordinal);
        if (end < 0)
        {
            tokens.Add(new SqlToken(SqlTokenKind.Error, i, n - i, "unterminated dollar-quoted string"));
            next = n;
            return true;
        }

        next = end + tag.Length;
        tokens.Add(new SqlToken(SqlTokenKind.String, i, next - i, text[i..next]));
        return true;
    }
}
