using System.Text;
using System.Text.RegularExpressions;
using ReviewBot.Agents.Context.Pipeline;

namespace ReviewBot.Agents.Quality;

/// <summary>A query built from strings that reaches the database: where it runs, where it was built, and how.</summary>
internal sealed record PythonSqlSink(int Line, int? BuiltLine, string Sink, string How);

/// <summary>
/// Follows SQL text built from strings in Python to the calls that run it, within one function: f-strings,
/// <c>%</c> formatting, <c>.format()</c> (and <c>'{}'</c> placeholders filled by it) and <c>+</c>/<c>+=</c> concatenation, flowing into
/// <c>execute</c>/<c>executemany</c>, <c>read_sql</c>, SQLAlchemy <c>text(...)</c>, <c>spark.sql</c>, a client's <c>query</c>, hooks'
/// <c>run</c>/<c>get_records</c>, and Airflow SQL operators' <c>sql=</c>. A query assigned on one line and run on a later line of the same
/// function is followed. Parameterised calls (<c>execute(sql, params)</c>, bind variables) and Jinja-templated SQL stay quiet.
/// </summary>
/// <remarks>
/// Works on logical lines (brackets and triple-quoted strings joined, at most <see cref="MaxLogicalLines"/> physical
/// lines each), so it is linear in the file; it is a heuristic data flow, not a Python parser.
/// </remarks>
internal static partial class PythonSqlFlow
{
    private const int MaxLogicalLines = 60;

    [GeneratedRegex("""(?i)\b(?:select|insert\s+into|update|delete\s+from|merge\s+into|from|where|drop|create|alter|truncate|grant|values|join|copy\s+into|unload)\b""", RegexOptions.CultureInvariant, 250)]
    private static partial Regex SqlWord();

    [GeneratedRegex("""^(?<indent>\s*)(?:async\s+)?def\s""", RegexOptions.CultureInvariant, 250)]
    private static partial Regex Def();

    [GeneratedRegex("""^\s*(?<name>[A-Za-z_][\w.]*)\s*(?<op>\+=|=)(?!=)\s*(?<value>.+)$""", RegexOptions.CultureInvariant | RegexOptions.Singleline, 250)]
    private static partial Regex Assign();

    [GeneratedRegex("""(?<call>(?:\.|\b)(?:execute|executemany|executescript|exec_driver_sql|read_sql|read_sql_query|read_sql_table|text|sql|run_query|get_records|get_first|get_pandas_df|get_df|run|query)|\b(?:SQLExecuteQueryOperator|PostgresOperator|SnowflakeOperator|MySqlOperator|MsSqlOperator|BigQueryExecuteQueryOperator|RedshiftSQLOperator|DatabricksSqlOperator|TrinoOperator|SQLCheckOperator|SQLValueCheckOperator))\s*\(""", RegexOptions.CultureInvariant, 250)]
    private static partial Regex SinkCall();

    [GeneratedRegex("""(?:^|[^\w.])(?<recv>[A-Za-z_][\w]*)\s*\.\s*(?:query|run|sql)\s*\($""", RegexOptions.CultureInvariant, 250)]
    private static partial Regex Receiver();

    /// <summary>The sinks fed by SQL built from strings in <paramref name="lines"/> (1-based line numbers).</summary>
    public static IReadOnlyList<PythonSqlSink> Find(IReadOnlyList<string> lines)
    {
        var result = new List<PythonSqlSink>();
        var built = new Dictionary<string, (int Line, string How)>(StringComparer.Ordinal);
        var sqlVars = new HashSet<string>(StringComparer.Ordinal);
        var moduleSqlVars = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (line, text) in LogicalLines(lines))
        {
            if (Def().IsMatch(text))
            {
                // A new function: what the previous one built does not flow here; module-level SQL constants do.
                built.Clear();
                sqlVars.Clear();
                sqlVars.UnionWith(moduleSqlVars);
                continue;
            }

            var code = StripComment(text);
            if (Assign().Match(code) is { Success: true } assign && !SinkCall().IsMatch(assign.Groups["name"].Value))
            {
                var name = assign.Groups["name"].Value;
                var value = assign.Groups["value"].Value;
                var appends = assign.Groups["op"].Value == "+=" && (sqlVars.Contains(name) || built.ContainsKey(name));
                var how = Dynamic(value, built, sqlVars, requireSql: !appends);
                if (appends && how is null && !IsStringLiteral(value.Trim()))
                {
                    how = "`+=` with a value";
                }

                if (how is not null)
                {
                    built[name] = (line, how);
                }
                else if (assign.Groups["op"].Value == "=")
                {
                    built.Remove(name);
                }

                if (SqlWord().IsMatch(value) && HasStringLiteral(value))
                {
                    sqlVars.Add(name);
                    if (!char.IsWhiteSpace(text[0]))
                    {
                        moduleSqlVars.Add(name);
                    }
                }
            }

            foreach (Match sink in SinkCall().Matches(code))
            {
                var call = sink.Groups["call"].Value.TrimStart('.');
                if (call is "query" or "run" or "sql" && !IsDatabaseReceiver(code[..(sink.Index + sink.Length)], call))
                {
                    continue;
                }

                var args = Arguments(code, sink.Index + sink.Length);
                var sqlArg = SqlArgument(args, call);
                if (sqlArg is null)
                {
                    continue;
                }

                var how = Dynamic(sqlArg, built, sqlVars, requireSql: false);
                if (how is null)
                {
                    continue;
                }

                var from = built.TryGetValue(sqlArg.Trim(), out var b) ? b.Line : (int?)null;
                result.Add(new PythonSqlSink(line, from, call, how));
            }
        }

        return result;
    }

    /// <summary>How <paramref name="expression"/> builds SQL from strings, or null when it does not.</summary>
    private static string? Dynamic(string expression, Dictionary<string, (int Line, string How)> built, HashSet<string> sqlVars, bool requireSql)
    {
        var e = expression.Trim();
        if (built.TryGetValue(e, out var b))
        {
            return b.How;
        }

        // A variable that holds a built query, formatted or concatenated further.
        var head = Regex.Match(e, @"^[A-Za-z_][\w]*", RegexOptions.None, TimeSpan.FromMilliseconds(250)).Value;
        if (head.Length > 0 && (built.ContainsKey(head) || sqlVars.Contains(head)))
        {
            var rest = e[head.Length..].TrimStart();
            if (rest.StartsWith(".format(", StringComparison.Ordinal))
            {
                return "`.format()`";
            }

            if (rest.StartsWith('%') && !rest.StartsWith("%=", StringComparison.Ordinal))
            {
                return "`%` formatting";
            }

            if (rest.StartsWith('+'))
            {
                return "`+` concatenation";
            }
        }

        if (requireSql && !SqlWord().IsMatch(e))
        {
            return null;
        }

        var scan = Scan(e);
        if (scan.FString)
        {
            return "an f-string";
        }

        if (scan.Format)
        {
            return e.Contains("{}", StringComparison.Ordinal) || e.Contains("'{", StringComparison.Ordinal) ? "`'{}'` placeholders filled by `.format()`" : "`.format()`";
        }

        if (scan.Percent)
        {
            return "`%` formatting";
        }

        if (scan.Concat)
        {
            return "`+` concatenation";
        }

        return null;
    }

    private readonly record struct ExpressionShape(bool FString, bool Format, bool Percent, bool Concat);

    /// <summary>Reads an expression with its string literals: f-strings with fields, <c>.format(</c>, a <c>%</c> or <c>+</c> next to a literal.</summary>
    private static ExpressionShape Scan(string e)
    {
        // Each literal becomes one marker character, so operators are read between operands.
        const char Literal = '\u0001';
        var fString = false;
        var masked = new StringBuilder(e.Length);
        for (var i = 0; i < e.Length; i++)
        {
            var c = e[i];
            if (c is '"' or '\'')
            {
                var prefix = Prefix(e, i);
                var triple = i + 2 < e.Length && e[i + 1] == c && e[i + 2] == c;
                var end = PythonLiterals.End(e, i, c, triple);
                fString |= prefix.Contains('f', StringComparison.OrdinalIgnoreCase) && HasField(e.AsSpan(i, end - i));
                masked.Length -= prefix.Length;
                masked.Append(Literal);
                i = end - 1;
                continue;
            }

            masked.Append(c);
        }

        var m = masked.ToString();
        bool format = m.Contains(".format(", StringComparison.Ordinal), percent = false, concat = false;
        for (var i = 0; i < m.Length; i++)
        {
            if (m[i] is not ('%' or '+'))
            {
                continue;
            }

            var left = i - 1;
            while (left >= 0 && char.IsWhiteSpace(m[left]))
            {
                left--;
            }

            var right = i + 1;
            while (right < m.Length && char.IsWhiteSpace(m[right]))
            {
                right++;
            }

            var leftIsLiteral = left >= 0 && m[left] == Literal;
            var rightIsLiteral = right < m.Length && m[right] == Literal;
            if (m[i] == '%' && leftIsLiteral && right < m.Length && m[right] != '=')
            {
                percent = true;
            }
            else if (m[i] == '+' && left >= 0 && right < m.Length && m[right] != '=' && leftIsLiteral != rightIsLiteral)
            {
                concat = true;
            }
        }

        return new ExpressionShape(fString, format, percent, concat);
    }

    private static string Prefix(string e, int quote)
    {
        var j = quote;
        while (j > 0 && quote - j < 3 && char.IsAsciiLetter(e[j - 1]))
        {
            j--;
        }

        return j > 0 && (char.IsAsciiLetterOrDigit(e[j - 1]) || e[j - 1] == '_') ? "" : e[j..quote];
    }

    /// <summary>An f-string replacement field: <c>{</c> not doubled.</summary>
    private static bool HasField(ReadOnlySpan<char> body)
    {
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '{')
            {
                if (i + 1 < body.Length && body[i + 1] == '{')
                {
                    i++;
                    continue;
                }

                return true;
            }
        }

        return false;
    }

    private static bool IsStringLiteral(string value) => value.Length > 0 && (value[0] is '"' or '\'' || (value.Length > 1 && value[0] is 'r' or 'b' or 'u' or 'R' or 'B' or 'U' && value[1] is '"' or '\''));

    private static bool HasStringLiteral(string value) => value.Contains('"', StringComparison.Ordinal) || value.Contains('\'', StringComparison.Ordinal);

    /// <summary><c>client.query(...)</c>, <c>spark.sql(...)</c>, <c>hook.run(...)</c> are SQL; <c>df.query(...)</c> (pandas) and <c>asyncio.run</c> are not.</summary>
    private static bool IsDatabaseReceiver(string before, string call)
    {
        if (Receiver().Match(before) is not { Success: true } m)
        {
            return false;
        }

        var recv = m.Groups["recv"].Value.ToLowerInvariant();
        string[] db = ["client", "conn", "connection", "bq", "bigquery", "db", "session", "engine", "cursor", "cur", "hook", "snow", "snowflake", "spark", "warehouse", "redshift", "postgres", "pg", "duckdb", "trino", "athena", "databricks", "sql"];
        return call == "sql" ? recv.Contains("spark", StringComparison.Ordinal) || recv.Contains("session", StringComparison.Ordinal) || db.Any(d => recv.Contains(d, StringComparison.Ordinal))
            : db.Any(d => recv.Contains(d, StringComparison.Ordinal));
    }

    /// <summary>The call's arguments, split at top-level commas.</summary>
    private static List<string> Arguments(string code, int open)
    {
        var args = new List<string>();
        var depth = 0;
        var current = new StringBuilder();
        for (var i = open; i < code.Length; i++)
        {
            var c = code[i];
            if (c is '"' or '\'')
            {
                var triple = i + 2 < code.Length && code[i + 1] == c && code[i + 2] == c;
                var end = PythonLiterals.End(code, i, c, triple);
                current.Append(code.AsSpan(i, end - i));
                i = end - 1;
                continue;
            }

            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}')
            {
                if (depth == 0)
                {
                    break;
                }

                depth--;
            }
            else if (c == ',' && depth == 0)
            {
                args.Add(current.ToString());
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        if (current.ToString().Trim().Length > 0)
        {
            args.Add(current.ToString());
        }

        return args;
    }

    /// <summary>The argument that holds the SQL: <c>sql=</c>/<c>query=</c>/<c>statement=</c> when named, else the first positional one.</summary>
    private static string? SqlArgument(List<string> args, string call)
    {
        foreach (var arg in args)
        {
            var t = arg.Trim();
            foreach (var key in new[] { "sql=", "sql =", "query=", "query =", "statement=", "sqlstr=" })
            {
                if (t.StartsWith(key, StringComparison.Ordinal))
                {
                    return t[key.Length..];
                }
            }
        }

        if (call.EndsWith("Operator", StringComparison.Ordinal))
        {
            return null;
        }

        var first = args.FirstOrDefault(a => !a.Contains('=', StringComparison.Ordinal) || a.TrimStart().StartsWith('"') || a.TrimStart().StartsWith('\'') || a.TrimStart().StartsWith("f\"", StringComparison.Ordinal) || a.TrimStart().StartsWith("f'", StringComparison.Ordinal));
        return first?.Trim();
    }

    private static string StripComment(string text)
    {
        var inString = '\0';
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (inString != '\0')
            {
                if (c == '\\')
                {
                    i++;
                }
                else if (c == inString)
                {
                    inString = '\0';
                }

                continue;
            }

            if (c is '"' or '\'')
            {
                inString = c;
            }
            else if (c == '#')
            {
                return text[..i];
            }
        }

        return text;
    }

    /// <summary>Physical lines joined while brackets or a triple-quoted string are open (bounded); 1-based first line.</summary>
    private static IEnumerable<(int Line, string Text)> LogicalLines(IReadOnlyList<string> lines)
    {
        var i = 0;
        while (i < lines.Count)
        {
            var start = i;
            var builder = new StringBuilder(lines[i]);
            var state = new BracketState();
            state.Feed(lines[i]);
            i++;
            while ((state.Depth > 0 || state.InTriple || builder.ToString().EndsWith('\\')) && i < lines.Count && i - start < MaxLogicalLines)
            {
                builder.Append('\n').Append(lines[i]);
                state.Feed(lines[i]);
                i++;
            }

            yield return (start + 1, builder.ToString());
        }
    }

    private sealed class BracketState
    {
        public int Depth { get; private set; }

        public bool InTriple => _triple != '\0';

        private char _triple;

        public void Feed(string line)
        {
            var single = '\0';
            for (var i = 0; i < line.Length; i++)
            {
                var c = line[i];
                if (_triple != '\0')
                {
                    if (c == _triple && i + 2 < line.Length && line[i + 1] == c && line[i + 2] == c)
                    {
                        _triple = '\0';
                        i += 2;
                    }

                    continue;
                }

                if (single != '\0')
                {
                    if (c == '\\')
                    {
                        i++;
                    }
                    else if (c == single)
                    {
                        single = '\0';
                    }

                    continue;
                }

                if (c is '"' or '\'')
                {
                    if (i + 2 < line.Length && line[i + 1] == c && line[i + 2] == c)
                    {
                        _triple = c;
                        i += 2;
                    }
                    else
                    {
                        single = c;
                    }
                }
                else if (c == '#')
                {
                    return;
                }
                else if (c is '(' or '[' or '{')
                {
                    Depth++;
                }
                else if (c is ')' or ']' or '}')
                {
                    Depth = Math.Max(0, Depth - 1);
                }
            }
        }
    }
}
