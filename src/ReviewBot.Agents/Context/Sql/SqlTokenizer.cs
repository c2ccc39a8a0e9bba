namespace ReviewBot.Agents.Context.Sql;

/// <summary>The kind of a <see cref="SqlToken"/>.</summary>
public enum SqlTokenKind
{
    /// <summary>A bare word: keyword or identifier.</summary>
    Word,

    /// <summary>A quoted identifier: <c>"x"</c>, <c>`x`</c> or <c>[x]</c>.</summary>
    QuotedIdentifier,

    String,
    Number,

    /// <summary>Punctuation or an operator (<c>(</c>, <c>,</c>, <c>=</c>, <c>&lt;&gt;</c>, <c>::</c>...).</summary>
    Symbol,

    /// <summary><c>{{ ... }}</c>: behaves like a relation or an expression.</summary>
    JinjaExpression,

    /// <summary><c>{% ... %}</c>: control flow, invisible to the SQL structure.</summary>
    JinjaStatement,
    JinjaComment,
    Comment,
}

/// <summary>One token; <see cref="Line"/> is 1-based.</summary>
public readonly record struct SqlToken(SqlTokenKind Kind, string Text, int Line)
{
    public bool IsWord(string word) => Kind == SqlTokenKind.Word && Text.Equals(word, StringComparison.OrdinalIgnoreCase);

    public bool IsSymbol(string symbol) => Kind == SqlTokenKind.Symbol && Text == symbol;

    /// <summary>The identifier this token names (unquoted), or null when it is not an identifier.</summary>
    public string? Identifier => Kind switch
    {
        SqlTokenKind.Word => Text,
        SqlTokenKind.QuotedIdentifier => Text.Length >= 2 ? Text[1..^1] : Text,
        _ => null,
    };

    /// <summary>For a Jinja statement, the tag name (<c>if</c>, <c>endfor</c>...); otherwise empty.</summary>
    public string JinjaTag
    {
        get
        {
            if (Kind != SqlTokenKind.JinjaStatement)
            {
                return "";
            }

            var inner = Text.AsSpan(2, Math.Max(0, Text.Length - 4)).Trim().TrimStart('-').TrimStart('+').TrimEnd('-').TrimEnd('+').Trim();
            var end = 0;
            while (end < inner.Length && (char.IsLetterOrDigit(inner[end]) || inner[end] == '_'))
            {
                end++;
            }

            return inner[..end].ToString().ToLowerInvariant();
        }
    }
}

/// <summary>A problem the tokenizer found (unterminated string, unbalanced parentheses or Jinja blocks).</summary>
public sealed record SqlSyntaxIssue(int Line, string Message);

/// <summary>The tokens of one file and what could not be closed.</summary>
public sealed record SqlTokens(IReadOnlyList<SqlToken> All, IReadOnlyList<SqlSyntaxIssue> Issues)
{
    /// <summary>Tokens that carry SQL structure: no comments, no Jinja statements or comments.</summary>
    public IReadOnlyList<SqlToken> Code { get; init; } = [];
}

/// <summary>
/// A tolerant tokenizer for SQL with Jinja: comments, strings, quoted identifiers, dollar quotes and
/// Jinja blocks are understood; nothing throws. What cannot be closed is reported as an issue.
/// </summary>
public static class SqlTokenizer
{
    private static readonly System.Buffers.SearchValues<char> TagChars = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789");
    private static readonly System.Buffers.SearchValues<char> BracketBreakers = System.Buffers.SearchValues.Create("(),'\"");

    private static readonly Dictionary<string, string> BlockTags = new(StringComparer.Ordinal)
    {
        ["if"] = "endif", ["for"] = "endfor", ["macro"] = "endmacro", ["call"] = "endcall", ["filter"] = "endfilter",
        ["snapshot"] = "endsnapshot", ["materialization"] = "endmaterialization", ["test"] = "endtest",
        ["docs"] = "enddocs", ["block"] = "endblock", ["with"] = "endwith", ["data_test"] = "enddata_test", ["set"] = "endset",
    };

    public static SqlTokens Tokenize(string text)
    {
        var tokens = new List<SqlToken>(text.Length / 4);
        var issues = new List<SqlSyntaxIssue>();
        var line = 1;
        var i = 0;
        var n = text.Length;
        while (i < n)
        {
            var c = text[i];
            if (c == '\n')
            {
                line++;
                i++;
                continue;
            }

            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            var start = i;
            var startLine = line;
            if (c == '{' && i + 1 < n && (text[i + 1] == '{' || text[i + 1] == '%' || text[i + 1] == '#'))
            {
                var close = text[i + 1] switch { '{' => "}}", '%' => "%}", _ => "#}" };
                var kind = text[i + 1] switch { '{' => SqlTokenKind.JinjaExpression, '%' => SqlTokenKind.JinjaStatement, _ => SqlTokenKind.JinjaComment };
                var end = FindJinjaEnd(text, i + 2, close);
                if (end < 0)
                {
                    issues.Add(new SqlSyntaxIssue(startLine, $"unterminated Jinja '{text.Substring(i, 2)}' (no closing '{close}')"));
                    end = n;
                }
                else
                {
                    end += 2;
                }

                line += Count(text, start, end, '\n');
                tokens.Add(new SqlToken(kind, text[start..end], startLine));
                if (kind == SqlTokenKind.JinjaStatement && tokens[^1].JinjaTag == "raw")
                {
                    var endRaw = text.IndexOf("endraw", end, StringComparison.Ordinal);
                    var resume = endRaw < 0 ? n : text.IndexOf("%}", endRaw, StringComparison.Ordinal);
                    resume = resume < 0 ? n : resume + 2;
                    line += Count(text, end, resume, '\n');
                    i = resume;
                    continue;
                }

                i = end;
                continue;
            }

            if (c == '-' && i + 1 < n && text[i + 1] == '-' || c == '#' && !(i + 1 < n && text[i + 1] == '}'))
            {
                var end = text.IndexOf('\n', i);
                end = end < 0 ? n : end;
                tokens.Add(new SqlToken(SqlTokenKind.Comment, text[start..end], startLine));
                i = end;
                continue;
            }

            if (c == '/' && i + 1 < n && text[i + 1] == '*')
            {
                var end = text.IndexOf("*/", i + 2, StringComparison.Ordinal);
                if (end < 0)
                {
                    issues.Add(new SqlSyntaxIssue(startLine, "unterminated block comment"));
                    end = n;
                }
                else
                {
                    end += 2;
                }

                line += Count(text, start, end, '\n');
                tokens.Add(new SqlToken(SqlTokenKind.Comment, text[start..end], startLine));
                i = end;
                continue;
            }

            if (c is '\'' or '"' or '`')
            {
                var end = FindQuoteEnd(text, i + 1, c);
                if (end < 0)
                {
                    issues.Add(new SqlSyntaxIssue(startLine, c == '\'' ? "unterminated string literal" : "unterminated quoted identifier"));
                    end = n;
                }
                else
                {
                    end++;
                }

                line += Count(text, start, end, '\n');
                tokens.Add(new SqlToken(c == '\'' ? SqlTokenKind.String : SqlTokenKind.QuotedIdentifier, text[start..end], startLine));
                i = end;
                continue;
            }

            if (c == '$' && i + 1 < n && (text[i + 1] == '$' || char.IsLetter(text[i + 1])))
            {
                var tagEnd = text.IndexOf('$', i + 1);
                if (tagEnd > 0 && text.AsSpan(i + 1, tagEnd - i - 1).IndexOfAnyExcept(TagChars) < 0)
                {
                    var tag = text[i..(tagEnd + 1)];
                    var close = text.IndexOf(tag, tagEnd + 1, StringComparison.Ordinal);
                    var end = close < 0 ? n : close + tag.Length;
                    if (close < 0)
                    {
                        issues.Add(new SqlSyntaxIssue(startLine, "unterminated dollar-quoted string"));
                    }

                    line += Count(text, start, end, '\n');
                    tokens.Add(new SqlToken(SqlTokenKind.String, text[start..end], startLine));
                    i = end;
                    continue;
                }
            }

            if (char.IsLetter(c) || c == '_' || c == '@' && i + 1 < n && char.IsLetter(text[i + 1]))
            {
                var end = i + 1;
                while (end < n && (char.IsLetterOrDigit(text[end]) || text[end] == '_' || text[end] == '$'))
                {
                    end++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Word, text[start..end], startLine));
                i = end;
                continue;
            }

            if (char.IsDigit(c) || c == '.' && i + 1 < n && char.IsDigit(text[i + 1]))
            {
                var end = i + 1;
                while (end < n && (char.IsLetterOrDigit(text[end]) || text[end] == '.' || text[end] == '_'))
                {
                    end++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Number, text[start..end], startLine));
                i = end;
                continue;
            }

            if (c == '[' && i + 1 < n && (char.IsLetter(text[i + 1]) || text[i + 1] == '_'))
            {
                var end = text.IndexOf(']', i);
                var nl = text.IndexOf('\n', i);
                if (end > 0 && (nl < 0 || end < nl) && text.AsSpan(i + 1, end - i - 1).IndexOfAny(BracketBreakers) < 0)
                {
                    tokens.Add(new SqlToken(SqlTokenKind.QuotedIdentifier, text[start..(end + 1)], startLine));
                    i = end + 1;
                    continue;
                }
            }

            var next = i + 1 < n ? text[i + 1] : '\0';
            if ((c, next) is ('<', '>') or ('!', '=') or ('<', '=') or ('>', '=') or (':', ':') or ('|', '|') or ('=', '>') or ('-', '>'))
            {
                tokens.Add(new SqlToken(SqlTokenKind.Symbol, text.Substring(i, 2), startLine));
                i += 2;
                continue;
            }

            tokens.Add(new SqlToken(SqlTokenKind.Symbol, Symbol(c), startLine));
            i++;
        }

        var code = new List<SqlToken>(tokens.Count);
        foreach (var t in tokens)
        {
            if (t.Kind is not (SqlTokenKind.Comment or SqlTokenKind.JinjaComment or SqlTokenKind.JinjaStatement))
            {
                code.Add(t);
            }
        }

        CheckBalance(tokens, code, issues);
        return new SqlTokens(tokens, issues) { Code = code };
    }

    private static void CheckBalance(List<SqlToken> tokens, List<SqlToken> code, List<SqlSyntaxIssue> issues)
    {
        var stack = new Stack<(string Tag, int Line)>();
        foreach (var t in tokens)
        {
            if (t.Kind != SqlTokenKind.JinjaStatement)
            {
                continue;
            }

            var tag = t.JinjaTag;
            if (tag == "set" && t.Text.Contains('=', StringComparison.Ordinal))
            {
                continue;
            }

            if (BlockTags.ContainsKey(tag))
            {
                stack.Push((tag, t.Line));
            }
            else if (tag.StartsWith("end", StringComparison.Ordinal) && BlockTags.ContainsValue(tag))
            {
                if (stack.Count > 0 && BlockTags[stack.Peek().Tag] == tag)
                {
                    stack.Pop();
                }
                else
                {
                    issues.Add(new SqlSyntaxIssue(t.Line, stack.Count == 0
                        ? $"'{{% {tag} %}}' closes a block that was never opened"
                        : $"'{{% {tag} %}}' does not match the open '{{% {stack.Peek().Tag} %}}' from line {stack.Peek().Line}"));
                    if (stack.Count > 0 && stack.Any(s => BlockTags[s.Tag] == tag))
                    {
                        while (stack.Count > 0 && BlockTags[stack.Pop().Tag] != tag)
                        {
                        }
                    }
                }
            }
        }

        foreach (var (tag, line) in stack)
        {
            issues.Add(new SqlSyntaxIssue(line, $"'{{% {tag} %}}' is never closed with '{{% {BlockTags[tag]} %}}'"));
        }

        var parens = new Stack<int>();
        foreach (var t in code)
        {
            if (t.IsSymbol("("))
            {
                parens.Push(t.Line);
            }
            else if (t.IsSymbol(")"))
            {
                if (parens.Count == 0)
                {
                    issues.Add(new SqlSyntaxIssue(t.Line, "')' without a matching '('"));
                }
                else
                {
                    parens.Pop();
                }
            }
        }

        if (parens.Count > 0)
        {
            issues.Add(new SqlSyntaxIssue(parens.Last(), $"{parens.Count} '(' never closed"));
        }
    }

    private static readonly string[] AsciiSymbols = Enumerable.Range(0, 128).Select(i => ((char)i).ToString()).ToArray();

    private static string Symbol(char c) => c < 128 ? AsciiSymbols[c] : c.ToString();

    private static int FindJinjaEnd(string text, int from, string close)
    {
        // Strings inside Jinja may contain the closing delimiter; skip them.
        var i = from;
        while (i < text.Length - 1)
        {
            var c = text[i];
            if (c is '\'' or '"')
            {
                var end = text.IndexOf(c, i + 1);
                var nl = text.IndexOf('\n', i + 1);
                if (end > 0 && (nl < 0 || end < nl))
                {
                    i = end + 1;
                    continue;
                }
            }

            if (c == close[0] && text[i + 1] == close[1])
            {
                return i;
            }

            i++;
        }

        return -1;
    }

    private static int FindQuoteEnd(string text, int from, char quote)
    {
        var i = from;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && quote == '\'' && i + 1 < text.Length)
            {
                i += 2;
                continue;
            }

            if (c == quote)
            {
                if (i + 1 < text.Length && text[i + 1] == quote)
                {
                    i += 2;
                    continue;
                }

                return i;
            }

            i++;
        }

        return -1;
    }

    private static int Count(string text, int from, int to, char c)
    {
        var count = 0;
        var span = text.AsSpan(from, Math.Min(to, text.Length) - from);
        foreach (var ch in span)
        {
            if (ch == c)
            {
                count++;
            }
        }

        return count;
    }
}
