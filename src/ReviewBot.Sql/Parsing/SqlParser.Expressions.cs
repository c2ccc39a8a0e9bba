using ReviewBot.Sql.Lexing;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Sql.Parsing;

public static partial class SqlParser
{
    internal sealed partial class Reader
    {
        private const int OrPrecedence = 1;
        private const int AndPrecedence = 2;
        private const int NotPrecedence = 3;
        private const int ComparisonPrecedence = 4;
        private const int ConcatPrecedence = 5;
        private const int AdditivePrecedence = 6;
        private const int MultiplicativePrecedence = 7;

        public SqlExpression ParseExpression()
        {
            Enter();
            var expression = ParseBinary(OrPrecedence);
            Exit();
            return expression;
        }

        private SqlExpression ParseBinary(int minPrecedence)
        {
            SqlExpression left;
            var start = Current.Offset;
            if (minPrecedence <= NotPrecedence && IsWord("not"))
            {
                // not binds looser than comparisons: not a = b is not (a = b). Chains of "not" loop, not recurse.
                var nots = 0;
                while (IsWord("not"))
                {
                    _pos++;
                    nots++;
                    CheckChainDepth(nots);
                }

                left = ParseBinary(ComparisonPrecedence);
                for (var i = 0; i < nots; i++)
                {
                    left = new SqlUnary(SpanFrom(start), "not", left);
                }
            }
            else
            {
                left = ParseUnary();
            }

            while (true)
            {
                var opStart = _pos;
                if (!TryReadBinaryOperator(out var op, out var precedence) || precedence < minPrecedence)
                {
                    _pos = opStart;
                    return left;
                }

                switch (op)
                {
                    case "is":
                        left = ParseIsTail(left, start);
                        continue;
                    case "between":
                    case "not between":
                    {
                        AcceptWord("symmetric");
                        var low = ParseBinary(ConcatPrecedence);
                        ExpectWord("and");
                        var high = ParseBinary(ConcatPrecedence);
                        left = new SqlBetween(SpanFrom(start), left, low, high, op.StartsWith("not", StringComparison.Ordinal));
                        continue;
                    }

                    case "in":
                    case "not in":
                        left = ParseInTail(left, start, op == "not in");
                        continue;
                }

                SqlExpression right;
                if ((IsWord("any") || IsWord("some") || IsWord("all")) && Peek().IsSymbol("(") && precedence == ComparisonPrecedence)
                {
                    right = ParseQuantified();
                }
                else
                {
                    right = ParseBinary(precedence + 1);
                }

                if (op.EndsWith("like", StringComparison.Ordinal) || op.EndsWith("similar to", StringComparison.Ordinal))
                {
                    if (AcceptWord("escape"))
                    {
                        ParseUnary();
                    }
                }

                left = new SqlBinary(SpanFrom(start), op, left, right);
            }
        }

        /// <summary>
        /// A bare placeholder right after a list item, without a comma: a macro the renderer could not resolve that
        /// renders its own leading comma (", source_relation"). Read as one more (unknown) list item.
        /// </summary>
        private bool AtOpaqueContinuation() =>
            Current.Kind == SqlTokenKind.Word && Current.Value.StartsWith(SqlNames.OpaquePrefix, StringComparison.Ordinal)
            && !Peek().IsSymbol("(") && !Peek().IsSymbol(".");

        /// <summary>Prefix chains are read in a loop but still build nested nodes; keep the tree within the depth limit.</summary>
        private void CheckChainDepth(int chain)
        {
            if (_depth + chain > _maxDepth)
            {
                throw new SqlSyntaxException(Current.Span, $"nesting deeper than {_maxDepth} levels", SqlDiagnosticKind.TooDeep);
            }
        }

        private SqlExpression ParseQuantified()
        {
            var start = Current.Offset;
            var quantifier = Advance().Value.ToLowerInvariant();
            if (IsQueryStartAfterParen())
            {
                _pos++;
                var query = ParseQuery();
                ExpectSymbol(")");
                return new SqlQuantified(SpanFrom(start), quantifier, [], query);
            }

            var values = ParseParenthesizedExpressions();
            return new SqlQuantified(SpanFrom(start), quantifier, values, null);
        }

        private bool IsQueryStartAfterParen()
        {
            if (!IsSymbol("("))
            {
                return false;
            }

            var i = _pos;
            while (i < _end && _tokens[i].IsSymbol("("))
            {
                i++;
            }

            return i < _end && (_tokens[i].IsWord("select") || _tokens[i].IsWord("with") || _tokens[i].IsWord("values") && _tokens[i + 1].IsSymbol("("));
        }

        private SqlExpression ParseIsTail(SqlExpression left, int start)
        {
            var negated = AcceptWord("not");
            if (AcceptWord("distinct"))
            {
                ExpectWord("from");
                var right = ParseBinary(ConcatPrecedence);
                return new SqlBinary(SpanFrom(start), negated ? "is not distinct from" : "is distinct from", left, right);
            }

            if (IsWord("null") || IsWord("true") || IsWord("false") || IsWord("unknown") || IsWord("nan") || IsWord("normalized"))
            {
                var test = Advance().Value.ToLowerInvariant();
                return new SqlIsTest(SpanFrom(start), left, test, negated);
            }

            if (IsWord("json") || IsWord("document"))
            {
                var test = Advance().Value.ToLowerInvariant();
                while (IsWord("value") || IsWord("array") || IsWord("object") || IsWord("scalar"))
                {
                    _pos++;
                }

                return new SqlIsTest(SpanFrom(start), left, test, negated);
            }

            // is [not] of (type), Postgres is not distinct handled above; anything else is an error.
            throw Unexpected("null, true, false or distinct from after 'is'");
        }

        private SqlExpression ParseInTail(SqlExpression left, int start, bool negated)
        {
            if (IsQueryStartAfterParen())
            {
                _pos++;
                var query = ParseQuery();
                ExpectSymbol(")");
                return new SqlIn(SpanFrom(start), left, [], query, negated);
            }

            if (IsSymbol("("))
            {
                var values = ParseParenthesizedExpressions();
                return new SqlIn(SpanFrom(start), left, values, null, negated);
            }

            // BigQuery: x in unnest(array); Postgres: x in @param
            var value = ParseUnary();
            return new SqlIn(SpanFrom(start), left, [value], null, negated);
        }

        /// <summary>Reads a binary operator at the current position (consuming it) and its precedence.</summary>
        private bool TryReadBinaryOperator(out string op, out int precedence)
        {
            var token = Current;
            op = string.Empty;
            precedence = 0;
            if (token.Kind == SqlTokenKind.Symbol)
            {
                switch (token.Value)
                {
                    case "=" or "==" or "<>" or "!=" or "<" or ">" or "<=" or ">=" or "<=>" or "~" or "!~" or "~*" or "!~*" or "@>" or "<@" or "&&" or "?":
                        op = token.Value == "==" ? "=" : token.Value == "!=" ? "<>" : token.Value;
                        precedence = ComparisonPrecedence;
                        break;
                    case "||" or "|" or "&" or "^" or "<<" or ">>" or "->" or "->>" or "#>" or "#>>" or "#":
                        op = token.Value;
                        precedence = ConcatPrecedence;
                        break;
                    case "+" or "-":
                        op = token.Value;
                        precedence = AdditivePrecedence;
                        break;
                    case "*" or "/" or "%" or "**":
                        op = token.Value;
                        precedence = MultiplicativePrecedence;
                        break;
                    default:
                        return false;
                }

                _pos++;
                return true;
            }

            if (token.Kind != SqlTokenKind.Word)
            {
                return false;
            }

            var word = token.Value.ToLowerInvariant();
            switch (word)
            {
                case "or":
                    op = "or";
                    precedence = OrPrecedence;
                    _pos++;
                    return true;
                case "and":
                    op = "and";
                    precedence = AndPrecedence;
                    _pos++;
                    return true;
                case "xor":
                    op = "xor";
                    precedence = OrPrecedence;
                    _pos++;
                    return true;
                case "is":
                    op = "is";
                    precedence = ComparisonPrecedence;
                    _pos++;
                    return true;
                case "like" or "ilike" or "rlike" or "regexp" or "glob" or "between" or "in":
                    op = word;
                    precedence = ComparisonPrecedence;
                    _pos++;
                    return true;
                case "similar" when PeekWord(1, "to"):
                    op = "similar to";
                    precedence = ComparisonPrecedence;
                    _pos += 2;
                    return true;
                case "div" or "mod":
                    op = word;
                    precedence = MultiplicativePrecedence;
                    _pos++;
                    return true;
                case "not":
                {
                    var next = Peek();
                    if (next.Kind != SqlTokenKind.Word)
                    {
                        return false;
                    }

                    var nextWord = next.Value.ToLowerInvariant();
                    if (nextWord is "like" or "ilike" or "rlike" or "regexp" or "glob" or "between" or "in")
                    {
                        op = "not " + nextWord;
                        precedence = ComparisonPrecedence;
                        _pos += 2;
                        return true;
                    }

                    if (nextWord == "similar" && PeekWord(2, "to"))
                    {
                        op = "not similar to";
                        precedence = ComparisonPrecedence;
                        _pos += 3;
                        return true;
                    }

                    return false;
                }

                default:
                    return false;
            }
        }

        private SqlExpression ParseUnary()
        {
            var start = Current.Offset;
            if (Current.Kind == SqlTokenKind.Symbol && Current.Value is "-" or "+" or "~" or "!"
                || (IsWord("prior") || IsWord("connect_by_root")) && Peek().Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.Symbol && !Peek().IsSymbol(",") && !Peek().IsSymbol(")"))
            {
                // Loop over prefix operators so that "- - - - x" cannot recurse.
                var ops = new List<string>();
                while (Current.Kind == SqlTokenKind.Symbol && Current.Value is "-" or "+" or "~" or "!" || IsWord("prior") || IsWord("connect_by_root"))
                {
                    ops.Add(Advance().Value.ToLowerInvariant());
                    CheckChainDepth(ops.Count);
                }

                var operand = ParsePostfixExpression();
                for (var i = ops.Count - 1; i >= 0; i--)
                {
                    operand = new SqlUnary(SpanFrom(start), ops[i], operand);
                }

                return operand;
            }

            return ParsePostfixExpression();
        }

        private SqlExpression ParsePostfixExpression()
        {
            var start = Current.Offset;
            var expression = ParsePrimary();
            while (true)
            {
                if (IsSymbol("::"))
                {
                    _pos++;
                    var type = ParseTypeName();
                    expression = new SqlCast(SpanFrom(start), expression, type, SqlCastKind.DoubleColon);
                }
                else if (IsSymbol("["))
                {
                    _pos++;
                    _noColonPath++;
                    SqlExpression? index = null;
                    SqlExpression? upper = null;
                    if (!IsSymbol(":"))
                    {
                        index = ParseExpression();
                    }

                    if (AcceptSymbol(":"))
                    {
                        if (!IsSymbol("]"))
                        {
                            upper = ParseExpression();
                        }
                    }

                    _noColonPath--;
                    ExpectSymbol("]");
                    expression = new SqlSubscript(SpanFrom(start), expression, index, upper);
                }
                else if (IsSymbol(".") && Peek().Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
                {
                    _pos++;
                    var field = Advance().Value;
                    expression = new SqlFieldAccess(SpanFrom(start), expression, field);
                }
                else if (IsSymbol(".") && Peek().IsSymbol("*"))
                {
                    // (struct).* — BigQuery/Spark struct expansion
                    _pos += 2;
                    expression = new SqlStarExpression(SpanFrom(start), null);
                }
                else if (IsSymbol(":") && _noColonPath == 0 && Peek().Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier && Peek().Offset == Current.End)
                {
                    // Snowflake / Databricks semi-structured path: col:field.sub
                    _pos++;
                    var field = Advance().Value;
                    expression = new SqlFieldAccess(SpanFrom(start), expression, field);
                }
                else if (IsWord("at") && PeekWord(1, "time") && PeekWord(2, "zone"))
                {
                    _pos += 3;
                    var zone = ParseUnary();
                    expression = new SqlPostfix(SpanFrom(start), expression, "at time zone", zone);
                }
                else if (IsWord("at") && PeekWord(1, "local"))
                {
                    _pos += 2;
                    expression = new SqlPostfix(SpanFrom(start), expression, "at local", null);
                }
                else if (IsWord("collate") && Peek().Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.String)
                {
                    _pos++;
                    var collation = ParsePrimary();
                    expression = new SqlPostfix(SpanFrom(start), expression, "collate", collation);
                }
                else
                {
                    return expression;
                }
            }
        }

        private SqlExpression ParsePrimary()
        {
            var token = Current;
            var start = token.Offset;
            switch (token.Kind)
            {
                case SqlTokenKind.Number:
                    _pos++;
                    return new SqlLiteral(token.Span, SqlLiteralKind.Number, token.Value);
                case SqlTokenKind.String:
                {
                    _pos++;
                    // Adjacent strings concatenate ('a' 'b').
                    while (Current.Kind == SqlTokenKind.String)
                    {
                        _pos++;
                    }

                    return new SqlLiteral(SpanFrom(start), SqlLiteralKind.String, token.Value);
                }

                case SqlTokenKind.Parameter:
                    _pos++;
                    return new SqlParameter(token.Span, token.Value);
                case SqlTokenKind.Template:
                    _pos++;
                    if (IsSymbol("(") || IsSymbol("."))
                    {
                        _pos--;
                        return ParseNameExpression();
                    }

                    return new SqlOpaque(token.Span, token.Value);
                case SqlTokenKind.QuotedIdentifier:
                    return ParseNameExpression();
                case SqlTokenKind.Symbol:
                    return ParseSymbolPrimary(token);
                case SqlTokenKind.Word:
                    return ParseWordPrimary(token);
                default:
                    throw Unexpected("an expression");
            }
        }

        private SqlExpression ParseSymbolPrimary(SqlToken token)
        {
            var start = token.Offset;
            switch (token.Value)
            {
                case "(":
                    return ParseParenthesized();
                case "[":
                {
                    _pos++;
                    var items = new List<SqlExpression>();
                    if (!IsSymbol("]"))
                    {
                        do
                        {
                            if (IsSymbol("]"))
                            {
                                break;
                            }

                            items.Add(ParseExpression());
                        }
                        while (AcceptSymbol(","));
                    }

                    ExpectSymbol("]");
                    return new SqlArrayLiteral(SpanFrom(start), items);
                }

                case "{":
                    return ParseBraceLiteral();
                case "*":
                    _pos++;
                    return new SqlStarExpression(token.Span, null);
                case "?":
                    _pos++;
                    return new SqlParameter(token.Span, "?");
                case ":" when Peek().Kind == SqlTokenKind.Word && Peek().Offset == token.End:
                    _pos += 2;
                    return new SqlParameter(SpanFrom(start), ":" + Previous.Value);
                case "$" or "@":
                    _pos++;
                    return new SqlParameter(token.Span, token.Value);
                default:
                    throw Unexpected("an expression");
            }
        }

        private SqlExpression ParseBraceLiteral()
        {
            var start = Current.Offset;
            ExpectSymbol("{");
            var fields = new List<SqlField>();
            if (!IsSymbol("}"))
            {
                do
                {
                    if (IsSymbol("}"))
                    {
                        break;
                    }

                    var fieldStart = Current.Offset;
                    if (IsSymbol("*"))
                    {
                        // Snowflake object constant {*}
                        _pos++;
                        fields.Add(new SqlField(SpanFrom(fieldStart), null, null, new SqlStarExpression(Previous.Span, null)));
                        continue;
                    }

                    _noColonPath++;
                    var key = ParseExpression();
                    _noColonPath--;
                    ExpectSymbol(":");
                    var value = ParseExpression();
                    var name = key switch
                    {
                        SqlLiteral { Kind: SqlLiteralKind.String } literal => literal.Text.Trim('\'', '"'),
                        SqlColumnRef column => column.Name.Last,
                        _ => null,
                    };
                    fields.Add(new SqlField(SpanFrom(fieldStart), name, key, value));
                }
                while (AcceptSymbol(","));
            }

            ExpectSymbol("}");
            return new SqlStructLiteral(SpanFrom(start), fields);
        }

        private SqlExpression ParseParenthesized()
        {
            var start = Current.Offset;
            if (IsQueryStartAfterParen())
            {
                if (!Peek().IsSymbol("("))
                {
                    _pos++;
                    var query = ParseQuery();
                    ExpectSymbol(")");
                    return new SqlSubqueryExpression(SpanFrom(start), query, false);
                }

                // "((select a) / (select b))": the outer parenthesis may hold an expression over subqueries, not a query.
                var (savedPos, savedDepth, savedColon) = (_pos, _depth, _noColonPath);
                try
                {
                    _pos++;
                    var query = ParseQuery();
                    ExpectSymbol(")");
                    return new SqlSubqueryExpression(SpanFrom(start), query, false);
                }
                catch (SqlSyntaxException e) when (!e.Message.StartsWith("nesting", StringComparison.Ordinal))
                {
                    (_pos, _depth, _noColonPath) = (savedPos, savedDepth, savedColon);
                }
            }

            // (x, y) -> body
            if (IsLambdaParameterList())
            {
                var parameters = new List<string>();
                _pos++;
                if (!IsSymbol(")"))
                {
                    do
                    {
                        parameters.Add(ExpectIdentifier());
                    }
                    while (AcceptSymbol(","));
                }

                ExpectSymbol(")");
                ExpectSymbol("->");
                var body = ParseExpression();
                return new SqlLambda(SpanFrom(start), parameters, body);
            }

            _pos++;
            var first = ParseExpression();
            if (IsSymbol(","))
            {
                var items = new List<SqlExpression> { first };
                while (AcceptSymbol(","))
                {
                    if (IsSymbol(")"))
                    {
                        break;
                    }

                    items.Add(ParseExpression());
                }

                ExpectSymbol(")");
                return new SqlTuple(SpanFrom(start), items);
            }

            // Set operations after a parenthesised scalar subquery: ((select 1) union (select 2))
            ExpectSymbol(")");
            return first;
        }

        private bool IsLambdaParameterList()
        {
            var i = _pos + 1;
            while (i < _end && _tokens[i].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
            {
                i++;
                if (i < _end && _tokens[i].IsSymbol(","))
                {
                    i++;
                    continue;
                }

                break;
            }

            return i + 1 < _end && _tokens[i].IsSymbol(")") && _tokens[i + 1].IsSymbol("->") && i > _pos + 1
                && !(_tokens[i + 2].Kind is SqlTokenKind.String or SqlTokenKind.Number);
        }

        private SqlExpression ParseWordPrimary(SqlToken token)
        {
            var start = token.Offset;
            var word = token.Value.ToLowerInvariant();
            var next = Peek();
            switch (word)
            {
                case "null":
                    _pos++;
                    return new SqlLiteral(token.Span, SqlLiteralKind.Null, "null");
                case "true" or "false":
                    _pos++;
                    return new SqlLiteral(token.Span, SqlLiteralKind.Boolean, word);
                case "case":
                    return ParseCase();
                case "cast" or "try_cast" or "safe_cast" when next.IsSymbol("("):
                    return ParseCast(word);
                case "exists" when next.IsSymbol("("):
                {
                    _pos += 2;
                    var query = ParseQuery();
                    ExpectSymbol(")");
                    return new SqlSubqueryExpression(SpanFrom(start), query, true);
                }

                case "interval" when next.Kind is SqlTokenKind.String or SqlTokenKind.Number or SqlTokenKind.Symbol && !next.IsSymbol(",") && !next.IsSymbol(")") && !next.IsSymbol("."):
                    return ParseInterval();
                case "array" when next.IsSymbol("[") || next.IsSymbol("<"):
                {
                    _pos++;
                    if (IsSymbol("<"))
                    {
                        SkipAngles();
                    }

                    var literal = (SqlArrayLiteral)ParseSymbolPrimary(Current);
                    return literal with { Span = SpanFrom(start) };
                }

                case "array" or "table" or "multiset" when next.IsSymbol("(") && IsQueryStartAt(_pos + 1):
                {
                    _pos += 2;
                    var query = ParseQuery();
                    ExpectSymbol(")");
                    return new SqlSubqueryExpression(SpanFrom(start), query, false);
                }

                case "struct" when next.IsSymbol("<") || next.IsSymbol("("):
                    return ParseStruct();
                case "map" when next.IsSymbol("{"):
                {
                    _pos++;
                    var literal = ParseBraceLiteral();
                    return literal with { Span = SpanFrom(start) };
                }

                case "row" when next.IsSymbol("("):
                {
                    _pos++;
                    var items = ParseParenthesizedExpressions();
                    return new SqlTuple(SpanFrom(start), items);
                }
            }

            if (next.Kind == SqlTokenKind.String && (SqlKeywords.LiteralTypes.Contains(word) || !SqlKeywords.Reserved.Contains(word) && !SqlKeywords.NotAnExpression.Contains(word)))
            {
                _pos += 2;
                return new SqlLiteral(SpanFrom(start), SqlLiteralKind.Typed, next.Value, word);
            }

            if (next.IsSymbol("->") && Peek(2).Kind is not (SqlTokenKind.String or SqlTokenKind.Number))
            {
                _pos += 2;
                var body = ParseExpression();
                return new SqlLambda(SpanFrom(start), [token.Value], body);
            }

            if (SqlKeywords.NotAnExpression.Contains(word) && !next.IsSymbol("("))
            {
                throw Unexpected("an expression");
            }

            if (SqlKeywords.Niladic.Contains(word) && !next.IsSymbol("(") && !next.IsSymbol("."))
            {
                _pos++;
                var name = new SqlName(token.Span, [token.Value], [false]);
                return new SqlFunctionCall(token.Span, name, [], false, [], [], null, null, null);
            }

            return ParseNameExpression();
        }

        private bool IsQueryStartAt(int index)
        {
            var save = _pos;
            _pos = index;
            var result = IsQueryStartAfterParen();
            _pos = save;
            return result;
        }

        private SqlExpression ParseNameExpression()
        {
            var start = Current.Offset;
            var name = ParseName();
            if (IsSymbol("(") && !(name.Parts.Count == 1 && Previous.Kind == SqlTokenKind.QuotedIdentifier && _dialect != SqlDialect.BigQuery && false))
            {
                return ParseFunctionCall(name, start);
            }

            if (name.Parts.Count == 1 && name.IsOpaque && Previous.Kind != SqlTokenKind.QuotedIdentifier)
            {
                return new SqlOpaque(name.Span, name.Text);
            }

            return new SqlColumnRef(name.Span, name);
        }

        private SqlExpression ParseFunctionCall(SqlName name, int start)
        {
            var lower = name.Last.ToLowerInvariant();
            ExpectSymbol("(");
            var arguments = new List<SqlExpression>();
            var argumentOrder = new List<SqlOrderItem>();
            var distinct = false;
            string? nullTreatment = null;
            if (AcceptWord("distinct"))
            {
                distinct = true;
            }
            else if (IsWord("all") && !Peek().IsSymbol(")") && !Peek().IsSymbol(","))
            {
                _pos++;
            }

            if (lower == "trim" && (IsWord("both") || IsWord("leading") || IsWord("trailing")))
            {
                _pos++;
                AcceptWord("from");
            }

            if (!IsSymbol(")"))
            {
                do
                {
                    if (IsSymbol(")"))
                    {
                        break;
                    }

                    arguments.Add(ParseArgument());
                    while (true)
                    {
                        // Special forms: extract(x from y), substring(x from 1 for 2), position(a in b), overlay(... placing ...)
                        if (IsWord("from") || IsWord("for") || IsWord("in") || IsWord("placing") || IsWord("using") || IsWord("similar") || IsWord("escape"))
                        {
                            _pos++;
                            arguments.Add(ParseExpression());
                            continue;
                        }

                        if (IsWord("as") && lower is not "struct")
                        {
                            _pos++;
                            ParseTypeName();
                            continue;
                        }

                        if (IsSymbol(":") && _noColonPath == 0)
                        {
                            // Trino/Postgres json_object('key': value, ...)
                            _pos++;
                            arguments.Add(ParseExpression());
                            continue;
                        }

                        if (IsWord("separator"))
                        {
                            _pos++;
                            ParsePrimary();
                            continue;
                        }

                        if (Current.Kind == SqlTokenKind.Word && (IsWord("omit") || IsWord("keep") || IsWord("with") || IsWord("without") || IsWord("returning")
                            || IsWord("null") || IsWord("error") || IsWord("empty") || IsWord("format") || IsWord("absent") || IsWord("lax") || IsWord("strict")))
                        {
                            // SQL/JSON clauses (Trino, Postgres 16+): json_query(x, 'lax $.a' omit quotes null on error)
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

                            continue;
                        }

                        break;
                    }
                }
                while (AcceptSymbol(",") || AtOpaqueContinuation());
            }

            if ((IsWord("ignore") || IsWord("respect")) && PeekWord(1, "nulls"))
            {
                nullTreatment = Advance().Value.ToLowerInvariant();
                _pos++;
            }

            if (IsWord("order") && PeekWord(1, "by"))
            {
                _pos += 2;
                argumentOrder = ParseOrderItems();
            }

            if (AcceptWord("limit"))
            {
                ParseExpression();
            }

            if (IsWord("on") && PeekWord(1, "overflow"))
            {
                while (!IsSymbol(")") && !AtEnd)
                {
                    _pos++;
                }
            }

            ExpectSymbol(")");
            var withinGroup = new List<SqlOrderItem>();
            SqlExpression? filter = null;
            SqlWindowSpec? over = null;
            while (true)
            {
                if (IsWord("within") && PeekWord(1, "group"))
                {
                    _pos += 2;
                    ExpectSymbol("(");
                    ExpectWord("order");
                    ExpectWord("by");
                    withinGroup = ParseOrderItems();
                    ExpectSymbol(")");
                }
                else if (IsWord("filter") && Peek().IsSymbol("(") && PeekWord(2, "where"))
                {
                    _pos += 3;
                    filter = ParseExpression();
                    ExpectSymbol(")");
                }
                else if ((IsWord("ignore") || IsWord("respect")) && PeekWord(1, "nulls"))
                {
                    nullTreatment = Advance().Value.ToLowerInvariant();
                    _pos++;
                }
                else if (IsWord("from") && (PeekWord(1, "first") || PeekWord(1, "last")) && over is null)
                {
                    // nth_value(x, 2) from first
                    _pos += 2;
                }
                else if (IsWord("over"))
                {
                    _pos++;
                    if (IsSymbol("("))
                    {
                        over = ParseWindowSpecInParens();
                    }
                    else
                    {
                        var nameToken = Current;
                        var windowName = ExpectIdentifier();
                        over = new SqlWindowSpec(nameToken.Span, windowName, [], [], null);
                    }
                }
                else
                {
                    break;
                }
            }

            return new SqlFunctionCall(SpanFrom(start), name, arguments, distinct, argumentOrder, withinGroup, filter, nullTreatment, over);
        }

        private SqlExpression ParseArgument()
        {
            var start = Current.Offset;
            if (Current.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier && (Peek().IsSymbol("=>") || Peek().IsSymbol(":=")))
            {
                var name = Advance().Value;
                _pos++;
                var value = ParseExpression();
                return new SqlNamedArgument(SpanFrom(start), name, value);
            }

            if (IsWord("distinct") || IsWord("all") && !Peek().IsSymbol(",") && !Peek().IsSymbol(")"))
            {
                _pos++;
            }

            return ParseExpression();
        }

        private SqlWindowSpec ParseWindowSpecInParens()
        {
            var start = ExpectSymbol("(").Offset;
            string? baseWindow = null;
            if (IsIdentifierToken(Current) && !IsWord("partition") && !IsWord("order") && !IsWord("rows") && !IsWord("range") && !IsWord("groups"))
            {
                baseWindow = Advance().Value;
            }

            var partition = new List<SqlExpression>();
            if ((IsWord("partition") || IsWord("distribute")) && PeekWord(1, "by"))
            {
                _pos += 2;
                do
                {
                    partition.Add(ParseExpression());
                }
                while (AcceptSymbol(",") || AtOpaqueContinuation());
            }

            var order = new List<SqlOrderItem>();
            if ((IsWord("order") || IsWord("sort")) && PeekWord(1, "by"))
            {
                _pos += 2;
                order = ParseOrderItems();
            }

            SqlWindowFrame? frame = null;
            if (IsWord("rows") || IsWord("range") || IsWord("groups"))
            {
                var frameStart = Current.Offset;
                var unit = Advance().Value.ToLowerInvariant();
                SqlFrameBound first;
                SqlFrameBound? second = null;
                if (AcceptWord("between"))
                {
                    first = ParseFrameBound();
                    ExpectWord("and");
                    second = ParseFrameBound();
                }
                else
                {
                    first = ParseFrameBound();
                }

                string? exclude = null;
                if (AcceptWord("exclude"))
                {
                    exclude = Advance().Value.ToLowerInvariant();
                    AcceptWord("row");
                    AcceptWord("others");
                }

                frame = new SqlWindowFrame(SpanFrom(frameStart), unit, first, second, exclude);
            }

            ExpectSymbol(")");
            return new SqlWindowSpec(SpanFrom(start), baseWindow, partition, order, frame);
        }

        private SqlFrameBound ParseFrameBound()
        {
            var start = Current.Offset;
            if (AcceptWords("unbounded", "preceding"))
            {
                return new SqlFrameBound(SpanFrom(start), "unbounded preceding", null);
            }

            if (AcceptWords("unbounded", "following"))
            {
                return new SqlFrameBound(SpanFrom(start), "unbounded following", null);
            }

            if (AcceptWords("current", "row"))
            {
                return new SqlFrameBound(SpanFrom(start), "current row", null);
            }

            var offset = ParseBinary(AdditivePrecedence);
            if (AcceptWord("preceding"))
            {
                return new SqlFrameBound(SpanFrom(start), "preceding", offset);
            }

            ExpectWord("following");
            return new SqlFrameBound(SpanFrom(start), "following", offset);
        }

        private SqlExpression ParseCase()
        {
            var start = Advance().Offset;
            SqlExpression? operand = null;
            if (!IsWord("when"))
            {
                operand = ParseExpression();
            }

            var whens = new List<SqlWhen>();
            while (IsWord("when"))
            {
                var whenStart = Advance().Offset;
                var condition = ParseExpression();
                ExpectWord("then");
                var result = ParseExpression();
                whens.Add(new SqlWhen(SpanFrom(whenStart), condition, result));
            }

            if (whens.Count == 0)
            {
                throw Unexpected("'when'");
            }

            SqlExpression? elseResult = null;
            if (AcceptWord("else"))
            {
                elseResult = ParseExpression();
            }

            ExpectWord("end");
            AcceptWord("case");
            return new SqlCase(SpanFrom(start), operand, whens, elseResult);
        }

        private SqlExpression ParseCast(string word)
        {
            var start = Advance().Offset;
            ExpectSymbol("(");
            var operand = ParseExpression();
            if (!AcceptWord("as"))
            {
                // Snowflake/Spark cast(x, 'type')? Not valid; Teradata-style "cast(x format ...)" neither.
                throw Unexpected("'as'");
            }

            var type = ParseTypeName();
            if (AcceptWord("format"))
            {
                ParseExpression();
            }

            if (AcceptWord("default"))
            {
                // Oracle/Trino-like: cast(x as t default null on conversion error)
                while (!IsSymbol(")") && !AtEnd)
                {
                    _pos++;
                }
            }

            ExpectSymbol(")");
            var kind = word == "cast" ? SqlCastKind.Cast : SqlCastKind.TryCast;
            return new SqlCast(SpanFrom(start), operand, type, kind);
        }

        private SqlExpression ParseInterval()
        {
            var start = Advance().Offset;
            SqlExpression value;
            if (IsSymbol("("))
            {
                value = ParseParenthesized();
            }
            else if (Current.Kind is SqlTokenKind.String or SqlTokenKind.Number)
            {
                value = ParsePrimary();
            }
            else
            {
                value = ParseUnary();
            }

            string? unit = null;
            if (Current.Kind == SqlTokenKind.Word && SqlKeywords.IntervalUnits.Contains(Current.Value))
            {
                unit = Advance().Value.ToLowerInvariant();
                if (IsWord("to") && Peek().Kind == SqlTokenKind.Word && SqlKeywords.IntervalUnits.Contains(Peek().Value))
                {
                    _pos++;
                    unit += " to " + Advance().Value.ToLowerInvariant();
                }
            }

            return new SqlInterval(SpanFrom(start), value, unit);
        }

        private SqlExpression ParseStruct()
        {
            var start = Advance().Offset;
            if (IsSymbol("<"))
            {
                SkipAngles();
            }

            ExpectSymbol("(");
            var fields = new List<SqlField>();
            if (!IsSymbol(")"))
            {
                do
                {
                    var fieldStart = Current.Offset;
                    var value = ParseExpression();
                    string? name = null;
                    if (AcceptWord("as"))
                    {
                        name = ExpectIdentifier();
                    }
                    else if (value is SqlColumnRef column)
                    {
                        name = column.Name.Last;
                    }

                    fields.Add(new SqlField(SpanFrom(fieldStart), name, null, value));
                }
                while (AcceptSymbol(","));
            }

            ExpectSymbol(")");
            return new SqlStructLiteral(SpanFrom(start), fields);
        }
    }
}
