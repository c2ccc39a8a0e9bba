using ReviewBot.Sql.Lexing;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Sql.Parsing;

public static partial class SqlParser
{
    internal sealed partial class Reader
    {
        private bool IsQueryOrOpaqueStart() => IsQueryStart() || IsSymbol("(") && IsOpaqueToken(Peek()) && Peek(2).IsSymbol(")");

        public SqlQuery ParseQuery()
        {
            Enter();
            var start = Current.Offset;
            SqlWith? with = null;
            if (IsWord("with"))
            {
                with = ParseWith();
            }

            var body = ParseSetOperation(0);
            var orderBy = new List<SqlOrderItem>();
            if (IsWord("order") && PeekWord(1, "by"))
            {
                _pos += 2;
                orderBy = ParseOrderItems();
            }

            var limit = ParseLimit();
            while (IsWord("for") && (PeekWord(1, "update") || PeekWord(1, "share") || PeekWord(1, "no")) || IsWord("settings"))
            {
                // for update [of t] [nowait|skip locked]; trailing options.
                while (!AtEnd && !IsSymbol(")") && !IsSymbol(";"))
                {
                    _pos++;
                }
            }

            Exit();
            return new SqlQuery(SpanFrom(start), with, body, orderBy, limit);
        }

        private SqlWith ParseWith()
        {
            var start = Advance().Offset;
            var recursive = AcceptWord("recursive");
            var ctes = new List<SqlCte>();
            do
            {
                var nameToken = Current;
                var cteStart = Current.Offset;
                var name = ExpectIdentifier();
                var columns = IsSymbol("(") ? ParseIdentifierList() : [];
                ExpectWord("as");
                AcceptWord("not");
                AcceptWord("materialized");
                ExpectSymbol("(");
                var query = ParseQuery();
                ExpectSymbol(")");
                ctes.Add(new SqlCte(SpanFrom(cteStart), name, nameToken.Span, columns, query));
                CteNames.Add(name);
            }
            while (AcceptSymbol(","));
            return new SqlWith(SpanFrom(start), recursive, ctes);
        }

        private static int SetPrecedence(SqlSetOperator op) => op == SqlSetOperator.Intersect ? 2 : 1;

        private bool TryPeekSetOperator(out SqlSetOperator op)
        {
            op = default;
            if (IsWord("union"))
            {
                op = SqlSetOperator.Union;
            }
            else if (IsWord("except") || IsWord("minus"))
            {
                op = SqlSetOperator.Except;
            }
            else if (IsWord("intersect"))
            {
                op = SqlSetOperator.Intersect;
            }
            else
            {
                return false;
            }

            return true;
        }

        private SqlQueryBody ParseSetOperation(int minPrecedence)
        {
            var left = ParseQueryPrimary();
            while (TryPeekSetOperator(out var op) && SetPrecedence(op) > minPrecedence)
            {
                _pos++;
                var all = AcceptWord("all");
                if (!all)
                {
                    AcceptWord("distinct");
                }

                var byName = AcceptWords("by", "name");
                if (AcceptWord("corresponding"))
                {
                    byName = true;
                }

                var right = ParseQueryPrimary();
                while (TryPeekSetOperator(out var next) && SetPrecedence(next) > SetPrecedence(op))
                {
                    _pos++;
                    var nextAll = AcceptWord("all");
                    if (!nextAll)
                    {
                        AcceptWord("distinct");
                    }

                    var nextRight = ParseQueryPrimary();
                    right = new SqlSetOperation(SqlSpan.Cover(right.Span, nextRight.Span), next, nextAll, false, right, nextRight);
                }

                left = new SqlSetOperation(SqlSpan.Cover(left.Span, right.Span), op, all, byName, left, right);
            }

            return left;
        }

        private SqlQueryBody ParseQueryPrimary()
        {
            if (IsWord("select"))
            {
                return ParseSelect();
            }

            if (IsSymbol("("))
            {
                var start = Advance().Offset;
                var query = ParseQuery();
                ExpectSymbol(")");
                return new SqlNestedQuery(SpanFrom(start), query);
            }

            if (IsWord("values"))
            {
                return ParseValues();
            }

            if (IsOpaqueToken(Current) && (Peek().Kind == SqlTokenKind.End || Peek().IsSymbol(")") || _pos + 1 == _end
                || PeekWord(1, "union") || PeekWord(1, "except") || PeekWord(1, "intersect") || PeekWord(1, "minus") || PeekWord(1, "order") || PeekWord(1, "limit")))
            {
                // A placeholder where a whole query stands (a macro that renders a query): read as "select * from it".
                var token = Advance();
                var name = new SqlName(token.Span, [token.Value], [false]);
                var table = new SqlNamedTable(token.Span, name, null, null);
                return new SqlSelect(token.Span, false, [], null, [new SqlStarItem(token.Span, null, [], [], [])], table, null, null, null, null, []);
            }

            if (IsOpaqueToken(Current) && (PeekWord(1, "where") || PeekWord(1, "group") || PeekWord(1, "qualify") || PeekWord(1, "having")))
            {
                // A macro that renders "select ... from x" followed by the model's own clauses.
                var token = Advance();
                var name = new SqlName(token.Span, [token.Value], [false]);
                var table = new SqlNamedTable(token.Span, name, null, null);
                return ParseSelectClauses(token.Offset, false, [], null, [new SqlStarItem(token.Span, null, [], [], [])], table);
            }

            if (IsWord("from"))
            {
                // DuckDB from-first: from t [select ...]
                var start = Current.Offset;
                _pos++;
                var from = ParseFromList();
                if (IsWord("select"))
                {
                    var select = ParseSelect();
                    return select with { Span = SpanFrom(start), From = from };
                }

                var star = new SqlStarItem(from.Span, null, [], [], []);
                return new SqlSelect(SpanFrom(start), false, [], null, [star], from, null, null, null, null, []);
            }

            throw Unexpected("a query");
        }

        /// <summary>
        /// A placeholder item followed by another expression without a comma: the macro rendered its own trailing comma
        /// (fivetran-style column lists). Read the next expression as the next item.
        /// </summary>
        private bool AfterBareOpaqueItem(SqlSelectItem previous) =>
            previous is SqlExpressionItem { Expression: SqlOpaque, Alias: null }
            && (Current.Kind is SqlTokenKind.QuotedIdentifier or SqlTokenKind.Number or SqlTokenKind.String
                || Current.Kind == SqlTokenKind.Word && (!SqlKeywords.Reserved.Contains(Current.Value) || IsWord("case") || IsWord("cast"))
                || IsSymbol("("));

        private SqlValues ParseValues()
        {
            var start = Advance().Offset;
            var rows = new List<IReadOnlyList<SqlExpression>>();
            do
            {
                if (IsSymbol("("))
                {
                    rows.Add(ParseParenthesizedExpressions());
                }
                else
                {
                    rows.Add([ParseExpression()]);
                }
            }
            while (AcceptSymbol(","));
            return new SqlValues(SpanFrom(start), rows);
        }

        private SqlSelect ParseSelect()
        {
            var start = ExpectWord("select").Offset;
            SqlLimit? top = null;
            var distinct = false;
            var distinctOn = new List<SqlExpression>();
            if (AcceptWord("distinct"))
            {
                distinct = true;
                if (AcceptWord("on"))
                {
                    distinctOn = ParseParenthesizedExpressions();
                }
            }
            else
            {
                AcceptWord("all");
            }

            if (IsWord("top") && Peek().Kind is SqlTokenKind.Number or SqlTokenKind.Symbol && !Peek().IsSymbol(",") && !Peek().IsSymbol("."))
            {
                var topStart = Advance().Offset;
                var count = ParsePrimary();
                top = new SqlLimit(SpanFrom(topStart), count, null, "top");
            }

            if (IsWord("as") && (PeekWord(1, "struct") || PeekWord(1, "value")))
            {
                _pos += 2;
            }

            var items = new List<SqlSelectItem>();
            if (!IsWord("from"))
            {
                do
                {
                    if (IsWord("from") || AtEnd)
                    {
                        // trailing comma before FROM (DuckDB, BigQuery, Snowflake accept it)
                        break;
                    }

                    items.Add(ParseSelectItem());
                }
                while (AcceptSymbol(",") || AtOpaqueContinuation() || AfterBareOpaqueItem(items[^1]));
            }

            if (IsWord("into") && !PeekWord(1, "from"))
            {
                _pos++;
                AcceptWord("temporary");
                AcceptWord("temp");
                AcceptWord("table");
                ParseName();
            }

            SqlTableRef? from = null;
            if (AcceptWord("from"))
            {
                from = ParseFromList();
            }

            return ParseSelectClauses(start, distinct, distinctOn, top, items, from);
        }

        private SqlSelect ParseSelectClauses(int start, bool distinct, List<SqlExpression> distinctOn, SqlLimit? top, List<SqlSelectItem> items, SqlTableRef? from)
        {
            SqlExpression? where = null;
            SqlGroupBy? groupBy = null;
            SqlExpression? having = null;
            SqlExpression? qualify = null;
            var windows = new List<SqlNamedWindow>();
            var opaqueClauses = new List<string>();
            while (true)
            {
                if (where is null && AcceptWord("where"))
                {
                    where = ParseExpression();
                }
                else if (groupBy is null && IsWord("group") && PeekWord(1, "by"))
                {
                    groupBy = ParseGroupBy();
                }
                else if (having is null && AcceptWord("having"))
                {
                    having = ParseExpression();
                }
                else if (qualify is null && AcceptWord("qualify"))
                {
                    qualify = ParseExpression();
                }
                else if (IsWord("window") && Peek().Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier && PeekWord(2, "as"))
                {
                    _pos++;
                    do
                    {
                        var windowStart = Current.Offset;
                        var name = ExpectIdentifier();
                        ExpectWord("as");
                        var spec = ParseWindowSpecInParens();
                        windows.Add(new SqlNamedWindow(SpanFrom(windowStart), name, spec));
                    }
                    while (AcceptSymbol(","));
                }
                else if ((IsWord("connect") || IsWord("start")) && (PeekWord(1, "by") || PeekWord(1, "with")))
                {
                    // Snowflake hierarchical queries: start with ... connect by [prior] ...
                    _pos += 2;
                    ParseExpression();
                }
                else if (AtOpaqueContinuation())
                {
                    // A placeholder between clauses: a macro rendering a clause (group by 1, 2, ...) or a filter.
                    opaqueClauses.Add(Advance().Value);
                }
                else if ((IsWord("distribute") || IsWord("sort") || IsWord("cluster")) && PeekWord(1, "by"))
                {
                    // Spark: distribute by / sort by / cluster by
                    _pos += 2;
                    ParseOrderItems();
                }
                else
                {
                    break;
                }
            }

            return new SqlSelect(SpanFrom(start), distinct, distinctOn, top, items, from, where, groupBy, having, qualify, windows) { OpaqueClauses = opaqueClauses };
        }

        private SqlGroupBy ParseGroupBy()
        {
            var start = Current.Offset;
            _pos += 2;
            if (AcceptWord("all"))
            {
                return new SqlGroupBy(SpanFrom(start), true, []);
            }

            AcceptWord("distinct");
            var items = new List<SqlExpression>();
            do
            {
                items.Add(ParseGroupingElement());
            }
            while (AcceptSymbol(",") || AtOpaqueContinuation());
            if (AcceptWords("with", "rollup") || AcceptWords("with", "cube"))
            {
                items = [new SqlGroupingSet(SpanFrom(start), Previous.Value.ToLowerInvariant(), items)];
            }

            return new SqlGroupBy(SpanFrom(start), false, items);
        }

        private SqlExpression ParseGroupingElement()
        {
            var start = Current.Offset;
            if ((IsWord("rollup") || IsWord("cube")) && Peek().IsSymbol("("))
            {
                var kind = Advance().Value.ToLowerInvariant();
                var items = ParseParenthesizedExpressions();
                return new SqlGroupingSet(SpanFrom(start), kind, items);
            }

            if (IsWord("grouping") && PeekWord(1, "sets"))
            {
                _pos += 2;
                ExpectSymbol("(");
                var items = new List<SqlExpression>();
                do
                {
                    items.Add(ParseGroupingElement());
                }
                while (AcceptSymbol(","));
                ExpectSymbol(")");
                return new SqlGroupingSet(SpanFrom(start), "grouping sets", items);
            }

            if (IsSymbol("(") && Peek().IsSymbol(")"))
            {
                _pos += 2;
                return new SqlTuple(SpanFrom(start), []);
            }

            return ParseExpression();
        }

        private SqlLimit? ParseLimit()
        {
            var start = Current.Offset;
            SqlExpression? count = null;
            SqlExpression? offset = null;
            string? style = null;
            while (true)
            {
                if (count is null && AcceptWord("limit"))
                {
                    style ??= "limit";
                    if (AcceptWord("all"))
                    {
                        count = new SqlLiteral(Previous.Span, SqlLiteralKind.Null, "all");
                        continue;
                    }

                    count = ParseExpression();
                    if (AcceptSymbol(","))
                    {
                        // limit offset, count
                        offset = count;
                        count = ParseExpression();
                    }
                }
                else if (offset is null && AcceptWord("offset"))
                {
                    style ??= "offset";
                    offset = ParseExpression();
                    if (!AcceptWord("rows"))
                    {
                        AcceptWord("row");
                    }
                }
                else if (count is null && AcceptWord("fetch"))
                {
                    style ??= "fetch";
                    if (!AcceptWord("first"))
                    {
                        AcceptWord("next");
                    }

                    count = IsWord("row") || IsWord("rows") ? new SqlLiteral(Current.Span, SqlLiteralKind.Number, "1") : ParseExpression();
                    AcceptWord("percent");
                    if (!AcceptWord("rows"))
                    {
                        AcceptWord("row");
                    }

                    if (!AcceptWord("only"))
                    {
                        AcceptWords("with", "ties");
                    }
                }
                else
                {
                    break;
                }
            }

            return style is null ? null : new SqlLimit(SpanFrom(start), count, offset, style);
        }

        private List<SqlOrderItem> ParseOrderItems()
        {
            var items = new List<SqlOrderItem>();
            if (IsWord("all") && (Peek().Kind == SqlTokenKind.End || PeekWord(1, "asc") || PeekWord(1, "desc") || PeekWord(1, "limit")))
            {
                var allStart = Advance();
                items.Add(new SqlOrderItem(allStart.Span, new SqlColumnRef(allStart.Span, new SqlName(allStart.Span, ["all"], [false])), false, null));
            }

            if (items.Count == 0)
            {
                do
                {
                    var start = Current.Offset;
                    var expression = ParseExpression();
                    var descending = false;
                    if (AcceptWord("desc"))
                    {
                        descending = true;
                    }
                    else
                    {
                        AcceptWord("asc");
                    }

                    string? nulls = null;
                    if (AcceptWord("nulls"))
                    {
                        nulls = Advance().Value.ToLowerInvariant();
                    }

                    items.Add(new SqlOrderItem(SpanFrom(start), expression, descending, nulls));
                }
                while (AcceptSymbol(",") || AtOpaqueContinuation());
            }
            else
            {
                AcceptWord("asc");
                AcceptWord("desc");
            }

            return items;
        }

        private SqlSelectItem ParseSelectItem()
        {
            var start = Current.Offset;
            if (IsSymbol("*"))
            {
                _pos++;
                return ParseStarModifiers(start, null);
            }

            // t.* / schema.t.*
            if (Current.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.Template)
            {
                var i = _pos;
                while (i + 2 < _end && _tokens[i + 1].IsSymbol(".") && _tokens[i + 2].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
                {
                    i += 2;
                }

                if (i + 2 < _end + 1 && i + 1 < _end && _tokens[i + 1].IsSymbol(".") && i + 2 < _end && _tokens[i + 2].IsSymbol("*"))
                {
                    var qualifier = ParseName();
                    _pos += 2;
                    return ParseStarModifiers(start, qualifier);
                }
            }

            var expression = ParseExpression();
            string? alias = null;
            SqlSpan? aliasSpan = null;
            if (AcceptWord("as"))
            {
                var token = Current;
                if (token.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.String)
                {
                    _pos++;
                    alias = token.Kind == SqlTokenKind.String ? token.Value.Trim('\'', '"') : token.Value;
                    aliasSpan = token.Span;
                }
                else if (IsSymbol("("))
                {
                    // Spark: explode(x) as (k, v)
                    alias = string.Join(",", ParseIdentifierList());
                    aliasSpan = Previous.Span;
                }
                else
                {
                    throw Unexpected("an alias");
                }
            }
            else if (IsIdentifierToken(Current) && !IsOpaqueToken(Current) && expression is not SqlOpaque)
            {
                // A bare placeholder takes no implicit alias: what follows it is the next item (its macro rendered the comma).
                var token = Advance();
                alias = token.Value;
                aliasSpan = token.Span;
            }

            return new SqlExpressionItem(SpanFrom(start), expression, alias, aliasSpan);
        }

        private SqlStarItem ParseStarModifiers(int start, SqlName? qualifier)
        {
            var except = new List<string>();
            var replace = new List<SqlStarReplace>();
            var rename = new List<SqlStarRename>();
            while (true)
            {
                if ((IsWord("except") || IsWord("exclude")) && Peek().IsSymbol("("))
                {
                    _pos++;
                    except.AddRange(ParseIdentifierList());
                }
                else if (IsWord("exclude") && Peek().Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
                {
                    _pos++;
                    except.Add(ParseName().Last);
                }
                else if (IsWord("replace") && Peek().IsSymbol("("))
                {
                    _pos += 2;
                    do
                    {
                        var itemStart = Current.Offset;
                        var expression = ParseExpression();
                        AcceptWord("as");
                        var column = ExpectIdentifier();
                        replace.Add(new SqlStarReplace(SpanFrom(itemStart), expression, column));
                    }
                    while (AcceptSymbol(","));
                    ExpectSymbol(")");
                }
                else if (IsWord("rename"))
                {
                    _pos++;
                    var parens = AcceptSymbol("(");
                    do
                    {
                        var itemStart = Current.Offset;
                        var from = ParseName().Last;
                        ExpectWord("as");
                        var to = ExpectIdentifier();
                        rename.Add(new SqlStarRename(SpanFrom(itemStart), from, to));
                    }
                    while (parens && AcceptSymbol(","));
                    if (parens)
                    {
                        ExpectSymbol(")");
                    }
                }
                else if (IsWord("ilike") && Peek().Kind == SqlTokenKind.String)
                {
                    // Snowflake: * ilike 'pattern' (columns unknown without a schema)
                    _pos += 2;
                }
                else
                {
                    break;
                }
            }

            return new SqlStarItem(SpanFrom(start), qualifier, except, replace, rename);
        }

        // ---- FROM ----

        private SqlTableRef ParseFromList()
        {
            var left = ParseJoinChain();
            while (IsSymbol(","))
            {
                _pos++;
                var right = ParseJoinChain();
                left = new SqlJoin(SqlSpan.Cover(left.Span, right.Span), SqlJoinKind.Comma, false, left, right, null, []);
            }

            return left;
        }

        private SqlTableRef ParseJoinChain()
        {
            Enter();
            var left = ParseTablePrimary();
            while (TryParseJoinKind(out var kind, out var natural))
            {
                var right = kind == SqlJoinKind.LateralView ? ParseLateralView() : ParseTablePrimary();
                SqlExpression? on = null;
                var usingColumns = new List<string>();
                if (kind != SqlJoinKind.LateralView)
                {
                    if (AcceptWord("on"))
                    {
                        on = ParseExpression();
                    }
                    else if (IsWord("using") && Peek().IsSymbol("("))
                    {
                        _pos++;
                        usingColumns = ParseIdentifierList();
                        if (AcceptWord("as"))
                        {
                            ExpectIdentifier();
                        }
                    }
                }

                left = new SqlJoin(SqlSpan.Cover(left.Span, Previous.Span), kind, natural, left, right, on, usingColumns);
            }

            Exit();
            return left;
        }

        private bool TryParseJoinKind(out SqlJoinKind kind, out bool natural)
        {
            var save = _pos;
            natural = AcceptWord("natural");
            kind = SqlJoinKind.Inner;
            if (AcceptWord("join"))
            {
                return true;
            }

            if (IsWord("lateral") && PeekWord(1, "view"))
            {
                _pos += 2;
                AcceptWord("outer");
                kind = SqlJoinKind.LateralView;
                return true;
            }

            if (AcceptWord("inner"))
            {
                kind = SqlJoinKind.Inner;
            }
            else if (AcceptWord("left"))
            {
                kind = AcceptWord("semi") ? SqlJoinKind.Semi : AcceptWord("anti") ? SqlJoinKind.Anti : SqlJoinKind.Left;
                AcceptWord("outer");
            }
            else if (AcceptWord("right"))
            {
                kind = AcceptWord("semi") ? SqlJoinKind.Semi : AcceptWord("anti") ? SqlJoinKind.Anti : SqlJoinKind.Right;
                AcceptWord("outer");
            }
            else if (AcceptWord("full"))
            {
                kind = SqlJoinKind.Full;
                AcceptWord("outer");
            }
            else if (AcceptWord("cross"))
            {
                kind = SqlJoinKind.Cross;
                if (AcceptWord("apply"))
                {
                    return true;
                }
            }
            else if (IsWord("outer") && PeekWord(1, "apply"))
            {
                _pos += 2;
                kind = SqlJoinKind.Left;
                return true;
            }
            else if (AcceptWord("semi"))
            {
                kind = SqlJoinKind.Semi;
            }
            else if (AcceptWord("anti"))
            {
                kind = SqlJoinKind.Anti;
            }
            else if (AcceptWord("asof") || AcceptWord("positional"))
            {
                kind = SqlJoinKind.Asof;
                AcceptWord("left");
            }
            else if (IsWord("global") && (PeekWord(1, "join") || PeekWord(1, "left") || PeekWord(1, "inner")))
            {
                _pos++;
                return TryParseJoinKind(out kind, out natural);
            }
            else
            {
                _pos = save;
                return false;
            }

            if (AcceptWord("join"))
            {
                return true;
            }

            _pos = save;
            return false;
        }

        private SqlTableRef ParseLateralView()
        {
            var start = Current.Offset;
            var call = ParseExpression() as SqlFunctionCall ?? throw Unexpected("a table function after lateral view");
            string? alias = null;
            if (IsIdentifierToken(Current) && !IsWord("as"))
            {
                alias = Advance().Value;
            }

            var columns = new List<string>();
            if (AcceptWord("as"))
            {
                do
                {
                    columns.Add(ExpectIdentifier());
                }
                while (AcceptSymbol(","));
            }

            var tableAlias = alias is null && columns.Count == 0 ? null : new SqlAlias(SpanFrom(start), alias ?? columns[0], columns);
            return new SqlFunctionTable(SpanFrom(start), call, tableAlias, true, false, null);
        }

        private SqlTableRef ParseTablePrimary()
        {
            var start = Current.Offset;
            var lateral = AcceptWord("lateral");
            if (IsSymbol("("))
            {
                if (IsQueryOrOpaqueStart())
                {
                    var query = ParseDerivedQuery();
                    var alias = ParseTableAlias();
                    return new SqlDerivedTable(SpanFrom(start), query, alias, lateral);
                }

                if (PeekWord(1, "values"))
                {
                    var query = ParseDerivedQuery();
                    var alias = ParseTableAlias();
                    return new SqlDerivedTable(SpanFrom(start), query, alias, lateral);
                }

                Enter();
                _pos++;
                var inner = ParseFromList();
                ExpectSymbol(")");
                Exit();
                var nestedAlias = ParseTableAlias();
                return ParseTableModifiers(new SqlNestedJoin(SpanFrom(start), inner, nestedAlias), start);
            }

            if (IsWord("values"))
            {
                var values = ParseValues();
                var alias = ParseTableAlias();
                return new SqlValuesTable(SpanFrom(start), values, alias);
            }

            if (Current.Kind == SqlTokenKind.Template)
            {
                var name = ParseName();
                var alias = ParseTableAlias();
                return ParseTableModifiers(new SqlNamedTable(SpanFrom(start), name, alias, null), start);
            }

            if (Current.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.Parameter)
            {
                if (Current.Kind == SqlTokenKind.Word && SqlKeywords.NotAnExpression.Contains(Current.Value))
                {
                    throw Unexpected("a table");
                }

                var nameStart = _pos;
                var name = ParseName();
                if (IsSymbol("("))
                {
                    _pos = nameStart;
                    var call = ParsePostfixExpression() as SqlFunctionCall ?? throw Unexpected("a table function");
                    if (call.LowerName == "table" && call.Arguments is [SqlFunctionCall innerCall])
                    {
                        call = innerCall;
                    }

                    var ordinality = AcceptWords("with", "ordinality");
                    var alias = ParseTableAlias();
                    string? offsetAlias = null;
                    if (AcceptWords("with", "offset"))
                    {
                        AcceptWord("as");
                        offsetAlias = IsIdentifierToken(Current) ? Advance().Value : "offset";
                    }

                    return ParseTableModifiers(new SqlFunctionTable(SpanFrom(start), call, alias, lateral, ordinality, offsetAlias), start);
                }

                string? modifier = null;
                while (true)
                {
                    if (IsWord("for") && (PeekWord(1, "system_time") || PeekWord(1, "system") || PeekWord(1, "timestamp") || PeekWord(1, "version")))
                    {
                        while (!AtEnd && !IsWord("as"))
                        {
                            _pos++;
                        }

                        ExpectWord("as");
                        AcceptWord("of");
                        ParseExpression();
                        continue;
                    }

                    if ((IsWord("at") || IsWord("before") || IsWord("changes")) && Peek().IsSymbol("("))
                    {
                        _pos++;
                        SkipBalanced();
                        continue;
                    }

                    if (IsWord("final") || IsWord("only"))
                    {
                        _pos++;
                        continue;
                    }

                    break;
                }

                var tableAlias = ParseTableAlias();
                var table = new SqlNamedTable(SpanFrom(start), name, tableAlias, modifier);
                TableNames.Add(name);
                return ParseTableModifiers(table, start);
            }

            throw Unexpected("a table");
        }

        private SqlQuery ParseDerivedQuery()
        {
            // "(select ...)" — the parentheses belong to the FROM item, the query inside may itself be parenthesised.
            ExpectSymbol("(");
            var query = ParseQuery();
            ExpectSymbol(")");
            return query;
        }

        private SqlTableRef ParseTableModifiers(SqlTableRef table, int start)
        {
            while (true)
            {
                if ((IsWord("tablesample") || IsWord("sample")) && (Peek().IsSymbol("(") || Peek().Kind == SqlTokenKind.Word))
                {
                    _pos++;
                    while (Current.Kind == SqlTokenKind.Word && !IsSymbol("("))
                    {
                        _pos++;
                    }

                    if (IsSymbol("("))
                    {
                        SkipBalanced();
                    }

                    if (IsWord("repeatable") || IsWord("seed"))
                    {
                        _pos++;
                        SkipBalanced();
                    }

                    table = WithAlias(table, ParseTableAlias(), "sample", start);
                    continue;
                }

                if ((IsWord("pivot") || IsWord("unpivot")) && (Peek().IsSymbol("(") || PeekWord(1, "include") || PeekWord(1, "exclude")))
                {
                    var kind = Advance().Value.ToLowerInvariant();
                    while (!IsSymbol("(") && !AtEnd)
                    {
                        _pos++;
                    }

                    SkipBalanced();
                    table = WithAlias(table, ParseTableAlias(), kind, start);
                    continue;
                }

                if (IsWord("match_recognize") && Peek().IsSymbol("("))
                {
                    _pos++;
                    SkipBalanced();
                    table = WithAlias(table, ParseTableAlias(), "match_recognize", start);
                    continue;
                }

                return table;
            }
        }

        private SqlTableRef WithAlias(SqlTableRef table, SqlAlias? alias, string modifier, int start)
        {
            var span = SpanFrom(start);
            return table switch
            {
                SqlNamedTable named => named with { Span = span, TableAlias = alias ?? named.TableAlias, Modifier = modifier },
                SqlDerivedTable derived => derived with { Span = span, TableAlias = alias ?? derived.TableAlias },
                SqlFunctionTable function => function with { Span = span, TableAlias = alias ?? function.TableAlias },
                SqlNestedJoin nested => nested with { Span = span, TableAlias = alias ?? nested.TableAlias },
                _ => table,
            };
        }

        private SqlAlias? ParseTableAlias()
        {
            var start = Current.Offset;
            string name;
            if (AcceptWord("as"))
            {
                name = ExpectIdentifier();
            }
            else if (IsIdentifierToken(Current) && !IsOpaqueToken(Current) || IsWord("start") && !PeekWord(1, "with"))
            {
                name = Advance().Value;
            }
            else
            {
                return null;
            }

            var columns = new List<string>();
            if (IsSymbol("(") && (Peek().Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier) && (Peek(2).IsSymbol(",") || Peek(2).IsSymbol(")")))
            {
                columns = ParseIdentifierList();
            }

            return new SqlAlias(SpanFrom(start), name, columns);
        }
    }
}
