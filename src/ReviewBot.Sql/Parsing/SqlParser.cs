using System.Runtime.CompilerServices;
using ReviewBot.Sql.Lexing;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Sql.Parsing;

/// <summary>
/// Hand-written recursive-descent parser for the analytical SQL of Snowflake, BigQuery, Postgres/Redshift,
/// Trino/Athena, Databricks/Spark and DuckDB, into the immutable AST of <see cref="Syntax"/>.
/// </summary>
/// <remarks>
/// Why our own parser: the package mirror has no multi-dialect SQL parser for .NET. The one SQL parser it holds,
/// Microsoft.SqlServer.TransactSql.ScriptDom, reads T-SQL only (no <c>::</c>, <c>qualify</c>, lambdas, backtick or
/// BigQuery array syntax, dollar quoting, Snowflake paths), and SqlParserCS is not in the mirror. sqlglot (Python)
/// is the model for the tree shape and the scope walk.
/// Bounds: statements are split at top-level semicolons and parsed one by one; a failure becomes a diagnostic with
/// its line and the next statement is still read. Every recursive production counts depth against
/// <see cref="SqlParserOptions.MaxDepth"/> and also checks the remaining stack, so no input overflows the stack.
/// </remarks>
public static partial class SqlParser
{
    /// <summary>Parses <paramref name="text"/> as <paramref name="dialect"/>. Never throws for any input.</summary>
    public static SqlParseResult Parse(string text, SqlDialect dialect = SqlDialect.Neutral, SqlParserOptions? options = null)
    {
        options ??= SqlParserOptions.Default;
        var source = new SqlSourceText(text);
        if (text.Length > options.MaxLength)
        {
            var span = new SqlSpan(0, text.Length);
            return new SqlParseResult(source, dialect, [new SqlInvalidStatement(span, "text too long")],
                [new SqlDiagnostic(new SqlSpan(0, 0), 1, $"SQL text of {text.Length} characters exceeds the limit of {options.MaxLength}", SqlDiagnosticKind.TooLong)], []);
        }

        var tokens = SqlLexer.TokenizeToArray(text, dialect);
        var statements = new List<SqlStatement>();
        var diagnostics = new List<SqlDiagnostic>();
        var tableNames = new List<SqlName>();
        var cteNames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var start = 0;
        for (var i = 0; i < tokens.Length; i++)
        {
            var token = tokens[i];
            if (token.Kind != SqlTokenKind.End && !token.IsSymbol(";"))
            {
                continue;
            }

            if (i > start)
            {
                var reader = new Reader(tokens, start, i, dialect, options);
                var statement = reader.ParseStatementSafely(out var error);
                statements.Add(statement);
                tableNames.AddRange(reader.TableNames);
                cteNames.UnionWith(reader.CteNames);
                if (error is not null)
                {
                    diagnostics.Add(new SqlDiagnostic(error.Span, source.LineOf(error.Span.Offset), error.Message, error.Kind));
                }
            }

            start = i + 1;
        }

        return new SqlParseResult(source, dialect, statements, diagnostics, tokens) { TableNames = tableNames, CteNames = cteNames };
    }

    /// <summary>Parses one expression (for tests and for rules that hold an expression text).</summary>
    public static SqlExpression? ParseExpression(string text, SqlDialect dialect = SqlDialect.Neutral)
    {
        var tokens = SqlLexer.TokenizeToArray(text, dialect);
        var reader = new Reader(tokens, 0, tokens.Length - 1, dialect, SqlParserOptions.Default);
        try
        {
            var expression = reader.ParseExpression();
            return reader.AtEnd ? expression : null;
        }
        catch (SqlSyntaxException)
        {
            return null;
        }
    }

    /// <summary>The reader of one statement's tokens [start, end).</summary>
    internal sealed partial class Reader(SqlToken[] tokens, int start, int end, SqlDialect dialect, SqlParserOptions options)
    {
        private readonly SqlToken[] _tokens = tokens;
        private readonly int _end = end;
        private readonly SqlDialect _dialect = dialect;
        private readonly int _maxDepth = options.MaxDepth;
        private int _pos = start;
        private int _depth;
        private int _noColonPath;

        public bool AtEnd => _pos >= _end;

        /// <summary>Names of the tables read in FROM/JOIN (not table functions), in parse order.</summary>
        public List<SqlName> TableNames { get; } = [];

        /// <summary>Names of every CTE defined.</summary>
        public List<string> CteNames { get; } = [];

        private SqlToken Current => _pos < _end ? _tokens[_pos] : EndToken;

        private SqlToken EndToken => new(SqlTokenKind.End, _end < _tokens.Length ? _tokens[_end].Offset : _tokens[^1].Offset, 0, string.Empty);

        private SqlToken Previous => _tokens[Math.Max(0, _pos - 1)];

        public SqlStatement ParseStatementSafely(out SqlSyntaxException? error)
        {
            var first = _tokens[_pos];
            var last = _tokens[_end - 1];
            var whole = new SqlSpan(first.Offset, last.End - first.Offset);
            try
            {
                for (var i = _pos; i < _end; i++)
                {
                    if (_tokens[i].Kind == SqlTokenKind.Error)
                    {
                        throw new SqlSyntaxException(_tokens[i].Span, _tokens[i].Value);
                    }
                }

                var statement = ParseStatement();
                if (!AtEnd)
                {
                    throw Unexpected("end of statement");
                }

                error = null;
                return statement;
            }
            catch (SqlSyntaxException e)
            {
                error = e;
                return new SqlInvalidStatement(whole, e.Message);
            }
        }

        // ---- token helpers ----

        private SqlToken Peek(int ahead = 1) => _pos + ahead < _end ? _tokens[_pos + ahead] : EndToken;

        private bool IsWord(string word) => Current.IsWord(word);

        private bool IsSymbol(string symbol) => Current.IsSymbol(symbol);

        private bool PeekWord(int ahead, string word) => Peek(ahead).IsWord(word);

        private SqlToken Advance()
        {
            var token = Current;
            if (_pos < _end)
            {
                _pos++;
            }

            return token;
        }

        private bool AcceptWord(string word)
        {
            if (!IsWord(word))
            {
                return false;
            }

            _pos++;
            return true;
        }

        private bool AcceptWords(string first, string second)
        {
            if (!IsWord(first) || !PeekWord(1, second))
            {
                return false;
            }

            _pos += 2;
            return true;
        }

        private bool AcceptSymbol(string symbol)
        {
            if (!IsSymbol(symbol))
            {
                return false;
            }

            _pos++;
            return true;
        }

        private SqlToken ExpectWord(string word) => IsWord(word) ? Advance() : throw Unexpected($"'{word}'");

        private SqlToken ExpectSymbol(string symbol) => IsSymbol(symbol) ? Advance() : throw Unexpected($"'{symbol}'");

        private SqlSyntaxException Unexpected(string expected)
        {
            var token = Current;
            var found = token.Kind == SqlTokenKind.End ? "end of statement" : $"'{Shorten(token.Value)}'";
            return new SqlSyntaxException(token.Span, $"expected {expected} but found {found}");
        }

        private static string Shorten(string text) => text.Length > 40 ? text[..40] + "..." : text;

        private SqlSpan SpanFrom(int startOffset) => new(startOffset, Math.Max(0, Previous.End - startOffset));

        private void Enter()
        {
            _depth++;
            if (_depth > _maxDepth)
            {
                throw new SqlSyntaxException(Current.Span, $"nesting deeper than {_maxDepth} levels", SqlDiagnosticKind.TooDeep);
            }

            if (!RuntimeHelpers.TryEnsureSufficientExecutionStack())
            {
                throw new SqlSyntaxException(Current.Span, "nesting too deep for the available stack", SqlDiagnosticKind.TooDeep);
            }
        }

        private void Exit() => _depth--;

        private bool IsIdentifierToken(SqlToken token) =>
            token.Kind is SqlTokenKind.QuotedIdentifier or SqlTokenKind.Template
            || token.Kind == SqlTokenKind.Word && !SqlKeywords.Reserved.Contains(token.Value);

        private string ExpectIdentifier()
        {
            var token = Current;
            if (token.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.Template)
            {
                _pos++;
                return token.Value;
            }

            throw Unexpected("a name");
        }

        /// <summary>A dotted name; keywords are allowed as parts (schema.order, t.from are legal quoted or not).</summary>
        private SqlName ParseName()
        {
            var startToken = Current;
            var parts = new List<string>();
            var quoted = new List<bool>();
            if (startToken.Kind is not (SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.Template or SqlTokenKind.Parameter))
            {
                throw Unexpected("a name");
            }

            while (true)
            {
                var token = Advance();
                parts.Add(token.Value);
                quoted.Add(token.Kind == SqlTokenKind.QuotedIdentifier);
                if (IsSymbol(".") && Peek().Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.Template)
                {
                    _pos++;
                    continue;
                }

                if (IsSymbol(".") && Peek().IsSymbol("."))
                {
                    // Snowflake db..table (default schema).
                    _pos++;
                    continue;
                }

                break;
            }

            return new SqlName(SpanFrom(startToken.Offset), parts, quoted);
        }

        private List<string> ParseIdentifierList()
        {
            ExpectSymbol("(");
            var names = new List<string>();
            if (!IsSymbol(")"))
            {
                do
                {
                    names.Add(ParseName().Last);
                    SkipColumnListExtras();
                }
                while (AcceptSymbol(","));
            }

            ExpectSymbol(")");
            return names;
        }

        private void SkipColumnListExtras()
        {
            // index columns: col asc nulls last, col opclass; view columns: col comment 'x'
            while (!IsSymbol(",") && !IsSymbol(")") && !AtEnd)
            {
                if (IsSymbol("("))
                {
                    SkipBalanced();
                }
                else
                {
                    _pos++;
                }
            }
        }

        /// <summary>Skips a balanced (...) / [...] / {...} group, iteratively.</summary>
        private void SkipBalanced()
        {
            var depth = 0;
            do
            {
                var token = Advance();
                if (token.Kind == SqlTokenKind.Symbol)
                {
                    if (token.Value is "(" or "[" or "{")
                    {
                        depth++;
                    }
                    else if (token.Value is ")" or "]" or "}")
                    {
                        depth--;
                    }
                }
                else if (token.Kind == SqlTokenKind.End)
                {
                    throw Unexpected("')'");
                }
            }
            while (depth > 0);
        }

        /// <summary>Skips to the next top-level comma or the end of the statement, returning the skipped words.</summary>
        private string SkipToCommaOrEnd()
        {
            var startToken = Current;
            while (!AtEnd && !IsSymbol(","))
            {
                if (IsSymbol("(") || IsSymbol("[") || IsSymbol("{"))
                {
                    SkipBalanced();
                }
                else
                {
                    _pos++;
                }
            }

            return startToken.Kind == SqlTokenKind.End ? string.Empty : startToken.Value.ToLowerInvariant();
        }

        private void SkipToEnd()
        {
            _pos = _end;
        }

        /// <summary>A type name: words, (args), &lt;generic args&gt;, [] suffixes; iterative, any nesting.</summary>
        private SqlTypeName ParseTypeName()
        {
            var startToken = Current;
            if (startToken.Kind is not (SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.Template))
            {
                throw Unexpected("a type");
            }

            _pos++;
            while (IsSymbol(".") && Peek().Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
            {
                _pos += 2;
            }

            while (true)
            {
                if (Current.Kind == SqlTokenKind.Word && SqlKeywords.TypeContinuations.Contains(Current.Value)
                    && !(IsWord("with") || IsWord("without")) )
                {
                    _pos++;
                    continue;
                }

                if ((IsWord("with") || IsWord("without")) && (PeekWord(1, "time") || PeekWord(1, "local")))
                {
                    _pos++;
                    AcceptWord("local");
                    AcceptWord("time");
                    AcceptWord("zone");
                    continue;
                }

                if (IsSymbol("("))
                {
                    SkipBalanced();
                    continue;
                }

                if (IsSymbol("<") && Previous.Kind == SqlTokenKind.Word && Previous.Value.ToLowerInvariant() is "array" or "struct" or "map" or "row" or "list" or "range" or "table")
                {
                    // Generic type arguments only after a container type: x::int < 5 is a comparison.
                    SkipAngles();
                    continue;
                }

                if (IsSymbol("[") && Peek().IsSymbol("]"))
                {
                    _pos += 2;
                    continue;
                }

                if (IsWord("array") && !Peek().IsSymbol("["))
                {
                    _pos++;
                    continue;
                }

                break;
            }

            var span = SpanFrom(startToken.Offset);
            return new SqlTypeName(span, TokenText(startToken.Offset, span.End));
        }

        private string TokenText(int from, int to)
        {
            var parts = new List<string>();
            for (var i = _pos - 1; i >= 0 && _tokens[i].Offset >= from; i--)
            {
                if (_tokens[i].End <= to)
                {
                    parts.Add(_tokens[i].Value);
                }
            }

            parts.Reverse();
            return string.Join(' ', parts).ToLowerInvariant();
        }

        private void SkipAngles()
        {
            var depth = 0;
            do
            {
                var token = Advance();
                if (token.IsSymbol("<"))
                {
                    depth++;
                }
                else if (token.IsSymbol(">"))
                {
                    depth--;
                }
                else if (token.IsSymbol(">>"))
                {
                    depth -= 2;
                }
                else if (token.IsSymbol("<>"))
                {
                    // array<> never happens; keep balanced anyway
                }
                else if (token.Kind == SqlTokenKind.End)
                {
                    throw Unexpected("'>'");
                }
            }
            while (depth > 0);
        }
    }
}
