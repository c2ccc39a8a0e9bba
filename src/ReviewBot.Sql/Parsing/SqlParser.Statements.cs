using ReviewBot.Sql.Lexing;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Sql.Parsing;

public static partial class SqlParser
{
    internal sealed partial class Reader
    {
        private SqlStatement ParseStatement()
        {
            var first = Current;
            if (IsOpaqueToken(first) && _pos + 1 == _end)
            {
                // A statement that is only a leftover template call ({{ log(...) }}, an opaque hook).
                _pos++;
                return new SqlOtherStatement(first.Span, "template");
            }

            if (IsQueryStart() || IsOpaqueToken(first) && (PeekWord(1, "union") || PeekWord(1, "except") || PeekWord(1, "intersect") || PeekWord(1, "minus") || PeekWord(1, "order") || PeekWord(1, "limit")
                || PeekWord(1, "where") || PeekWord(1, "group") || PeekWord(1, "qualify") || PeekWord(1, "having")))
            {
                var query = ParseQuery();
                return new SqlSelectStatement(query.Span, query);
            }

            if (first.Kind != SqlTokenKind.Word)
            {
                throw Unexpected("a statement");
            }

            var keyword = first.Value.ToLowerInvariant();
            switch (keyword)
            {
                case "insert":
                    return ParseInsert();
                case "update":
                    return ParseUpdate();
                case "delete":
                    return ParseDelete();
                case "merge":
                    return ParseMerge();
                case "create":
                    return ParseCreate();
                case "alter":
                    return ParseAlter();
                case "drop":
                    return ParseDrop();
                case "truncate":
                    return ParseTruncate();
                case "grant":
                case "revoke":
                    return ParseGrant();
                case "comment":
                    return ParseCommentOn();
                case "set":
                    return ParseSet();
                case "rename":
                    return ParseRenameStatement();
            }

            if (SqlKeywords.OtherStatements.Contains(keyword))
            {
                SkipToEnd();
                return new SqlOtherStatement(SpanFrom(first.Offset), keyword);
            }

            throw new SqlSyntaxException(first.Span, $"unknown statement starting with '{Shorten(first.Value)}'");
        }

        private static bool IsOpaqueToken(SqlToken token) =>
            token.Kind == SqlTokenKind.Template || token.Kind == SqlTokenKind.Word && token.Value.StartsWith(SqlNames.OpaquePrefix, StringComparison.Ordinal);

        private bool IsQueryStart()
        {
            if (IsWord("select") || IsWord("with") || IsWord("values") || IsWord("from") && _dialect is SqlDialect.DuckDB or SqlDialect.Neutral)
            {
                return true;
            }

            if (!IsSymbol("("))
            {
                return false;
            }

            var i = _pos;
            while (i < _end && _tokens[i].IsSymbol("("))
            {
                i++;
            }

            return i < _end && (_tokens[i].IsWord("select") || _tokens[i].IsWord("with") || _tokens[i].IsWord("values"));
        }

        private SqlStatement ParseInsert()
        {
            var start = Advance().Offset;
            var overwrite = false;
            if (AcceptWord("overwrite"))
            {
                overwrite = true;
            }
            else
            {
                AcceptWord("into");
            }

            AcceptWord("table");
            var target = ParseName();
            if (IsWord("partition") && Peek().IsSymbol("("))
            {
                _pos++;
                SkipBalanced();
            }

            if (IsWord("as") || IsIdentifierToken(Current) && !IsWord("values") && !IsWord("select") && !IsWord("default") && !IsWord("overwrite") && !IsWord("by"))
            {
                AcceptWord("as");
                ExpectIdentifier();
            }

            var columns = new List<string>();
            if (IsSymbol("(") && !IsQueryStart())
            {
                columns = ParseIdentifierList();
            }

            AcceptWords("by", "name");
            SqlQuery? source = null;
            if (AcceptWord("default"))
            {
                ExpectWord("values");
            }
            else
            {
                source = ParseQuery();
            }

            if (IsWord("on") || IsWord("returning"))
            {
                SkipToEnd();
            }

            return new SqlInsert(SpanFrom(start), target, columns, source, overwrite);
        }

        private string? ParseOptionalAlias()
        {
            if (AcceptWord("as"))
            {
                return ExpectIdentifier();
            }

            return IsIdentifierToken(Current) ? Advance().Value : null;
        }

        private List<SqlAssignment> ParseAssignments()
        {
            var assignments = new List<SqlAssignment>();
            do
            {
                var startToken = Current;
                if (IsSymbol("("))
                {
                    // (a, b) = (select ...) / (x, y)
                    var names = ParseIdentifierList();
                    ExpectSymbol("=");
                    var value = ParseExpression();
                    var name = new SqlName(startToken.Span, names, names.Select(_ => false).ToList());
                    assignments.Add(new SqlAssignment(SpanFrom(startToken.Offset), name, value));
                    continue;
                }

                var column = ParseName();
                ExpectSymbol("=");
                var expression = ParseExpression();
                assignments.Add(new SqlAssignment(SpanFrom(startToken.Offset), column, expression));
            }
            while (AcceptSymbol(","));
            return assignments;
        }

        private SqlStatement ParseUpdate()
        {
            var start = Advance().Offset;
            AcceptWord("only");
            var target = ParseName();
            var alias = IsWord("set") ? null : ParseOptionalAlias();
            ExpectWord("set");
            var assignments = ParseAssignments();
            SqlTableRef? from = null;
            if (AcceptWord("from"))
            {
                from = ParseFromList();
            }

            SqlExpression? where = null;
            if (AcceptWord("where"))
            {
                where = ParseExpression();
            }

            if (IsWord("returning"))
            {
                SkipToEnd();
            }

            return new SqlUpdate(SpanFrom(start), target, alias, assignments, from, where);
        }

        private SqlStatement ParseDelete()
        {
            var start = Advance().Offset;
            AcceptWord("from");
            AcceptWord("only");
            var target = ParseName();
            var alias = IsWord("using") || IsWord("where") ? null : ParseOptionalAlias();
            SqlTableRef? usingTables = null;
            if (AcceptWord("using"))
            {
                usingTables = ParseFromList();
            }

            SqlExpression? where = null;
            if (AcceptWord("where"))
            {
                where = ParseExpression();
            }

            if (IsWord("returning"))
            {
                SkipToEnd();
            }

            return new SqlDelete(SpanFrom(start), target, alias, usingTables, where);
        }

        private SqlStatement ParseMerge()
        {
            var start = Advance().Offset;
            AcceptWord("into");
            var target = ParseName();
            var alias = IsWord("using") ? null : ParseOptionalAlias();
            ExpectWord("using");
            var source = ParseTablePrimary();
            ExpectWord("on");
            var on = ParseExpression();
            var clauses = new List<SqlMergeClause>();
            while (IsWord("when"))
            {
                var clauseStart = Advance().Offset;
                var matched = !AcceptWord("not");
                ExpectWord("matched");
                if (AcceptWord("by"))
                {
                    Advance();
                }

                SqlExpression? condition = null;
                if (AcceptWord("and"))
                {
                    condition = ParseExpression();
                }

                ExpectWord("then");
                var assignments = new List<SqlAssignment>();
                string action;
                if (AcceptWord("update"))
                {
                    action = "update";
                    ExpectWord("set");
                    if (AcceptSymbol("*"))
                    {
                        // Databricks: update set *
                    }
                    else
                    {
                        assignments = ParseAssignments();
                    }
                }
                else if (AcceptWord("delete"))
                {
                    action = "delete";
                }
                else if (AcceptWord("insert"))
                {
                    action = "insert";
                    if (AcceptSymbol("*"))
                    {
                        // Databricks: insert *
                    }
                    else
                    {
                        if (IsSymbol("("))
                        {
                            ParseIdentifierList();
                        }

                        AcceptWord("row");
                        if (AcceptWord("values"))
                        {
                            ParseParenthesizedExpressions();
                        }
                    }
                }
                else if (AcceptWords("do", "nothing"))
                {
                    action = "nothing";
                }
                else
                {
                    throw Unexpected("update, delete or insert");
                }

                clauses.Add(new SqlMergeClause(SpanFrom(clauseStart), matched, condition, action, assignments));
            }

            return new SqlMerge(SpanFrom(start), target, alias, source, on, clauses);
        }

        private List<SqlExpression> ParseParenthesizedExpressions()
        {
            ExpectSymbol("(");
            var items = new List<SqlExpression>();
            if (!IsSymbol(")"))
            {
                do
                {
                    items.Add(ParseExpression());
                }
                while (AcceptSymbol(","));
            }

            ExpectSymbol(")");
            return items;
        }

        private SqlStatement ParseCreate()
        {
            var start = Advance().Offset;
            var orReplace = AcceptWords("or", "replace");
            AcceptWords("or", "alter");
            var temporary = false;
            var unique = false;
            var kindWords = new List<string>();
            while (Current.Kind == SqlTokenKind.Word)
            {
                var word = Current.Value.ToLowerInvariant();
                if (word is "temporary" or "temp" or "volatile" or "transient")
                {
                    temporary = true;
                    _pos++;
                    continue;
                }

                if (word == "unique")
                {
                    unique = true;
                    _pos++;
                    continue;
                }

                if (word is "global" or "local" or "secure" or "recursive" or "unlogged" or "external" or "materialized"
                    or "dynamic" or "iceberg" or "hybrid" or "or" or "replace" or "streaming" or "live" or "multiset" or "set")
                {
                    if (word is "materialized" or "external" or "dynamic" or "iceberg" or "streaming" or "live")
                    {
                        kindWords.Add(word);
                    }

                    _pos++;
                    continue;
                }

                break;
            }

            var kind = Current.Kind == SqlTokenKind.Word ? Advance().Value.ToLowerInvariant() : throw Unexpected("an object kind");
            kindWords.Add(kind);
            var objectKind = string.Join(' ', kindWords);
            if (kind == "index")
            {
                return ParseCreateIndex(start, unique);
            }

            if (kind is not ("table" or "view"))
            {
                SkipToEnd();
                return new SqlOtherStatement(SpanFrom(start), "create " + objectKind);
            }

            var ifNotExists = AcceptWord("if") && AcceptWord("not") && AcceptWord("exists");
            var name = ParseName();
            var columns = new List<SqlColumnDefinition>();
            SqlName? cloneOrLike = null;
            if (IsSymbol("(") && !IsQueryStart())
            {
                columns = kind == "view" ? ParseIdentifierList().Select(c => new SqlColumnDefinition(name.Span, c, null, false, null, false, null)).ToList() : ParseColumnDefinitions();
            }

            SqlQuery? asQuery = null;
            while (!AtEnd)
            {
                if (IsWord("as") && (Peek().IsWord("select") || Peek().IsWord("with") || Peek().IsWord("values") || Peek().IsSymbol("(")))
                {
                    _pos++;
                    asQuery = ParseQuery();
                    break;
                }

                if (IsQueryStart() && kind == "table" && Previous.IsSymbol(")") is false && IsWord("select"))
                {
                    asQuery = ParseQuery();
                    break;
                }

                if ((IsWord("clone") || IsWord("like")) && Peek().Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
                {
                    _pos++;
                    cloneOrLike = ParseName();
                    continue;
                }

                if (IsSymbol("(") || IsSymbol("[") || IsSymbol("{"))
                {
                    SkipBalanced();
                }
                else
                {
                    _pos++;
                }
            }

            return new SqlCreateTable(SpanFrom(start), objectKind, name, orReplace, ifNotExists, temporary, columns, asQuery, cloneOrLike);
        }

        private SqlStatement ParseCreateIndex(int start, bool unique)
        {
            var concurrently = AcceptWord("concurrently");
            if (AcceptWord("if"))
            {
                ExpectWord("not");
                ExpectWord("exists");
            }

            string? name = null;
            if (!IsWord("on"))
            {
                name = ParseName().Text;
            }

            ExpectWord("on");
            AcceptWord("only");
            var table = ParseName();
            if (AcceptWord("using"))
            {
                ExpectIdentifier();
            }

            var columns = IsSymbol("(") ? ParseIndexColumns() : [];
            SkipToEnd();
            return new SqlCreateIndex(SpanFrom(start), name, table, unique, concurrently, columns);
        }

        private List<SqlExpression> ParseIndexColumns()
        {
            ExpectSymbol("(");
            var items = new List<SqlExpression>();
            do
            {
                items.Add(ParseExpression());
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
            while (AcceptSymbol(","));
            ExpectSymbol(")");
            return items;
        }

        private List<SqlColumnDefinition> ParseColumnDefinitions()
        {
            ExpectSymbol("(");
            var columns = new List<SqlColumnDefinition>();
            if (!IsSymbol(")"))
            {
                do
                {
                    if (IsWord("constraint") || IsWord("primary") || IsWord("unique") || IsWord("foreign") || IsWord("check")
                        || IsWord("exclude") || IsWord("like") || IsWord("index") || IsWord("key"))
                    {
                        SkipToCommaOrParen();
                        continue;
                    }

                    columns.Add(ParseColumnDefinition());
                }
                while (AcceptSymbol(","));
            }

            ExpectSymbol(")");
            return columns;
        }

        private void SkipToCommaOrParen()
        {
            while (!AtEnd && !IsSymbol(",") && !IsSymbol(")"))
            {
                if (IsSymbol("(") || IsSymbol("[") || IsSymbol("{"))
                {
                    SkipBalanced();
                }
                else if (IsSymbol("<"))
                {
                    SkipAngles();
                }
                else
                {
                    _pos++;
                }
            }
        }

        private SqlColumnDefinition ParseColumnDefinition()
        {
            var startToken = Current;
            var name = ExpectIdentifier();
            SqlTypeName? type = null;
            if (Current.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier && !IsColumnConstraintStart())
            {
                type = ParseTypeName();
            }

            var notNull = false;
            var primaryKey = false;
            SqlExpression? defaultValue = null;
            string? generated = null;
            while (!AtEnd && !IsSymbol(",") && !IsSymbol(")"))
            {
                if (AcceptWords("not", "null"))
                {
                    notNull = true;
                }
                else if (AcceptWord("default"))
                {
                    defaultValue = ParseExpression();
                }
                else if (AcceptWords("primary", "key"))
                {
                    primaryKey = true;
                    notNull = true;
                }
                else if (IsWord("generated") || IsWord("as") && Peek().IsSymbol("("))
                {
                    generated = Current.Value.ToLowerInvariant();
                    _pos++;
                }
                else if (IsSymbol("(") || IsSymbol("[") || IsSymbol("{"))
                {
                    SkipBalanced();
                }
                else
                {
                    _pos++;
                }
            }

            return new SqlColumnDefinition(SpanFrom(startToken.Offset), name, type, notNull, defaultValue, primaryKey, generated);
        }

        private bool IsColumnConstraintStart() =>
            IsWord("not") || IsWord("null") || IsWord("default") || IsWord("primary") || IsWord("references")
            || IsWord("unique") || IsWord("check") || IsWord("constraint") || IsWord("generated");

        private SqlStatement ParseAlter()
        {
            var start = Advance().Offset;
            if (IsWord("session") && PeekWord(1, "set") || IsWord("system") && PeekWord(1, "set"))
            {
                _pos++;
                return ParseSet(start);
            }

            var kindWords = new List<string>();
            while (Current.Kind == SqlTokenKind.Word && SqlKeywords.ObjectKinds.Contains(Current.Value) && !(IsWord("if") || PeekWord(1, ".")))
            {
                kindWords.Add(Advance().Value.ToLowerInvariant());
                if (kindWords[^1] is "table" or "view" or "index" or "schema" or "database" or "sequence" or "function"
                    or "procedure" or "type" or "role" or "user" or "warehouse" or "stage" or "stream" or "task" or "column")
                {
                    break;
                }
            }

            if (kindWords.Count == 0)
            {
                throw Unexpected("an object kind after alter");
            }

            var objectKind = string.Join(' ', kindWords);
            var ifExists = AcceptWords("if", "exists");
            AcceptWord("only");
            var name = ParseName();
            if (Peek(0).IsSymbol("(") && kindWords[^1] is "function" or "procedure")
            {
                SkipBalanced();
            }

            var actions = new List<SqlAlterAction>();
            if (!AtEnd)
            {
                do
                {
                    actions.Add(ParseAlterAction());
                }
                while (AcceptSymbol(","));
            }

            return new SqlAlter(SpanFrom(start), objectKind, name, ifExists, actions);
        }

        private SqlAlterAction ParseAlterAction()
        {
            var startToken = Current;
            if (AcceptWord("add"))
            {
                if (IsWord("constraint") || IsWord("primary") || IsWord("unique") || IsWord("foreign") || IsWord("check") || IsWord("exclude"))
                {
                    string? constraintName = null;
                    if (AcceptWord("constraint"))
                    {
                        constraintName = ExpectIdentifier();
                    }

                    var kind = Current.Value.ToLowerInvariant();
                    var usingIndex = false;
                    var notValid = false;
                    while (!AtEnd && !IsSymbol(","))
                    {
                        if (AcceptWords("not", "valid"))
                        {
                            notValid = true;
                        }
                        else if (AcceptWords("using", "index"))
                        {
                            usingIndex = true;
                        }
                        else if (IsSymbol("("))
                        {
                            SkipBalanced();
                        }
                        else
                        {
                            _pos++;
                        }
                    }

                    return new SqlAddConstraint(SpanFrom(startToken.Offset), constraintName, kind, notValid, usingIndex);
                }

                if (IsWord("columns") && Peek().IsSymbol("("))
                {
                    _pos++;
                    var defs = ParseColumnDefinitions();
                    return new SqlAddColumn(SpanFrom(startToken.Offset), defs.Count > 0 ? defs[0] : throw Unexpected("a column"));
                }

                if (IsWord("partition") || IsWord("search"))
                {
                    return new SqlOtherAlterAction(SpanFrom(startToken.Offset), "add " + SkipToCommaOrEnd());
                }

                AcceptWord("column");
                if (AcceptWord("if"))
                {
                    ExpectWord("not");
                    ExpectWord("exists");
                }

                var column = ParseColumnDefinition();
                return new SqlAddColumn(SpanFrom(startToken.Offset), column);
            }

            if (AcceptWord("drop"))
            {
                if (AcceptWord("constraint"))
                {
                    AcceptWords("if", "exists");
                    var constraint = ExpectIdentifier();
                    SkipToCommaOrEnd();
                    return new SqlConstraintAction(SpanFrom(startToken.Offset), "drop", constraint);
                }

                if (IsWord("primary") || IsWord("partition") || IsWord("default") || IsWord("search") || IsWord("row"))
                {
                    return new SqlOtherAlterAction(SpanFrom(startToken.Offset), "drop " + SkipToCommaOrEnd());
                }

                AcceptWord("column");
                AcceptWords("if", "exists");
                var column = ExpectIdentifier();
                SkipToCommaOrEnd();
                return new SqlDropColumn(SpanFrom(startToken.Offset), column);
            }

            if (IsWord("alter") || IsWord("modify"))
            {
                _pos++;
                AcceptWord("column");
                var column = ExpectIdentifier();
                var typeKeyword = AcceptWord("type")
                    || IsWord("set") && PeekWord(1, "data") && PeekWord(2, "type") && (_pos += 3) > 0
                    || IsWord("set") && PeekWord(1, "type") && (_pos += 2) > 0;
                if (typeKeyword)
                {
                    var type = ParseTypeName();
                    SqlExpression? usingExpression = null;
                    if (AcceptWord("using"))
                    {
                        usingExpression = ParseExpression();
                    }

                    SkipToCommaOrEnd();
                    return new SqlAlterColumnType(SpanFrom(startToken.Offset), column, type, usingExpression);
                }

                if ((IsWord("set") || IsWord("drop")) && PeekWord(1, "not") && PeekWord(2, "null"))
                {
                    var set = IsWord("set");
                    _pos += 3;
                    return new SqlAlterColumnNullability(SpanFrom(startToken.Offset), column, set);
                }

                if (IsWord("drop") && PeekWord(1, "default"))
                {
                    _pos += 2;
                    return new SqlAlterColumnDefault(SpanFrom(startToken.Offset), column, null);
                }

                if (IsWord("set") && PeekWord(1, "default"))
                {
                    _pos += 2;
                    var value = ParseExpression();
                    return new SqlAlterColumnDefault(SpanFrom(startToken.Offset), column, value);
                }

                if (Current.Kind == SqlTokenKind.Word && _dialect is SqlDialect.Snowflake or SqlDialect.Databricks or SqlDialect.Neutral
                    && !IsWord("comment") && !IsWord("set") && !IsWord("drop") && !IsWord("unset"))
                {
                    // Snowflake/Spark: alter column c varchar(20) — a type without the keyword.
                    var type = ParseTypeName();
                    SkipToCommaOrEnd();
                    return new SqlAlterColumnType(SpanFrom(startToken.Offset), column, type, null);
                }

                return new SqlOtherAlterAction(SpanFrom(startToken.Offset), "alter column " + SkipToCommaOrEnd());
            }

            if (AcceptWord("rename"))
            {
                if (AcceptWord("to") || AcceptWord("as"))
                {
                    return new SqlRenameTable(SpanFrom(startToken.Offset), ParseName());
                }

                if (AcceptWord("constraint"))
                {
                    ExpectIdentifier();
                    ExpectWord("to");
                    ExpectIdentifier();
                    return new SqlOtherAlterAction(SpanFrom(startToken.Offset), "rename constraint");
                }

                AcceptWord("column");
                var from = ExpectIdentifier();
                ExpectWord("to");
                var to = ExpectIdentifier();
                return new SqlRenameColumn(SpanFrom(startToken.Offset), from, to);
            }

            if (AcceptWords("swap", "with"))
            {
                return new SqlSwapWith(SpanFrom(startToken.Offset), ParseName());
            }

            if (AcceptWords("validate", "constraint"))
            {
                return new SqlConstraintAction(SpanFrom(startToken.Offset), "validate", ExpectIdentifier());
            }

            var text = SkipToCommaOrEnd();
            return new SqlOtherAlterAction(SpanFrom(startToken.Offset), text);
        }

        private SqlStatement ParseDrop()
        {
            var start = Advance().Offset;
            var kindWords = new List<string>();
            while (Current.Kind == SqlTokenKind.Word && SqlKeywords.ObjectKinds.Contains(Current.Value) && !Peek().IsSymbol("."))
            {
                kindWords.Add(Advance().Value.ToLowerInvariant());
                if (kindWords[^1] is not ("materialized" or "external" or "temporary" or "temp" or "dynamic" or "iceberg" or "foreign" or "global"))
                {
                    break;
                }
            }

            if (kindWords.Count == 0)
            {
                throw Unexpected("an object kind after drop");
            }

            var concurrently = AcceptWord("concurrently");
            var ifExists = AcceptWords("if", "exists");
            var names = new List<SqlName>();
            do
            {
                names.Add(ParseName());
                if (IsSymbol("("))
                {
                    SkipBalanced();
                }
            }
            while (AcceptSymbol(","));

            var cascade = false;
            while (!AtEnd)
            {
                cascade |= IsWord("cascade");
                _pos++;
            }

            return new SqlDrop(SpanFrom(start), string.Join(' ', kindWords), names, ifExists, cascade, concurrently);
        }

        private SqlStatement ParseTruncate()
        {
            var start = Advance().Offset;
            AcceptWord("table");
            AcceptWords("if", "exists");
            AcceptWord("only");
            var names = new List<SqlName>();
            do
            {
                names.Add(ParseName());
            }
            while (AcceptSymbol(","));
            SkipToEnd();
            return new SqlTruncate(SpanFrom(start), names);
        }

        private SqlStatement ParseGrant()
        {
            var startToken = Advance();
            var revoke = startToken.IsWord("revoke");
                        if (revoke && IsWord("grant") && PeekWord(1, "option"))
            {
                _pos += 2;
                AcceptWord("for");
            }

            var privileges = new List<string>();
            var privilege = new List<string>();
            while (!AtEnd && !IsWord("on") && !IsWord("to") && !IsWord("from"))
            {
                if (AcceptSymbol(","))
                {
                    privileges.Add(string.Join(' ', privilege));
                    privilege.Clear();
                    continue;
                }

                if (IsSymbol("("))
                {
                    SkipBalanced();
                    continue;
                }

                privilege.Add(Advance().Value.ToLowerInvariant());
            }

            if (privilege.Count > 0)
            {
                privileges.Add(string.Join(' ', privilege));
            }

            string? objectKind = null;
            var objects = new List<SqlName>();
            if (AcceptWord("on"))
            {
                var kindWords = new List<string>();
                while (Current.Kind == SqlTokenKind.Word && (SqlKeywords.ObjectKinds.Contains(Current.Value) || IsWord("all") || IsWord("future")
                    || IsWord("tables") || IsWord("views") || IsWord("schemas") || IsWord("sequences") || IsWord("functions") || IsWord("in"))
                    && !Peek().IsSymbol(".") && !PeekWord(1, "to") && !PeekWord(1, "from"))
                {
                    kindWords.Add(Advance().Value.ToLowerInvariant());
                }

                objectKind = kindWords.Count > 0 ? string.Join(' ', kindWords) : null;
                do
                {
                    objects.Add(ParseName());
                    if (IsSymbol("("))
                    {
                        SkipBalanced();
                    }
                }
                while (AcceptSymbol(","));
            }

            if (!AcceptWord("to") && !AcceptWord("from"))
            {
                throw Unexpected(revoke ? "'from'" : "'to'");
            }

            var grantees = new List<string>();
            do
            {
                if (IsWord("role") || IsWord("group") || IsWord("user") || IsWord("share") || IsWord("application") || IsWord("database"))
                {
                    if (Peek().Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
                    {
                        _pos++;
                    }
                }

                grantees.Add(ParseName().Text);
            }
            while (AcceptSymbol(","));
            SkipToEnd();
            return new SqlGrant(SpanFrom(startToken.Offset), revoke, privileges, objectKind, objects, grantees);
        }

        private SqlStatement ParseCommentOn()
        {
            var start = Advance().Offset;
            if (!AcceptWord("on"))
            {
                // Snowflake: comment if exists on ...
                AcceptWords("if", "exists");
                ExpectWord("on");
            }

            var kindWords = new List<string>();
            while (Current.Kind == SqlTokenKind.Word && SqlKeywords.ObjectKinds.Contains(Current.Value) && !Peek().IsSymbol(".") && !PeekWord(1, "is"))
            {
                kindWords.Add(Advance().Value.ToLowerInvariant());
            }

            var name = ParseName();
            if (IsSymbol("("))
            {
                SkipBalanced();
            }

            ExpectWord("is");
            string? text = null;
            if (Current.Kind == SqlTokenKind.String)
            {
                text = Advance().Value;
            }
            else
            {
                ExpectWord("null");
            }

            return new SqlCommentOn(SpanFrom(start), string.Join(' ', kindWords), name, text);
        }

        private SqlStatement ParseSet(int? startOffset = null)
        {
            var start = startOffset ?? Current.Offset;
            ExpectWord("set");
            var local = AcceptWord("local");
            AcceptWord("session");
            string name;
            if (IsSymbol("("))
            {
                var names = ParseIdentifierList();
                name = "(" + string.Join(", ", names) + ")";
            }
            else
            {
                name = ParseName().Text.ToLowerInvariant();
            }

            var valueStart = Current.Offset;
            if (!AcceptSymbol("=") && !AcceptWord("to"))
            {
                // set time zone 'UTC'
                valueStart = Current.Offset;
            }

            var first = _pos;
            SkipToEnd();
            var value = first < _end ? string.Join(' ', Enumerable.Range(first, _end - first).Select(i => _tokens[i].Value)) : string.Empty;
            _ = valueStart;
            return new SqlSet(SpanFrom(start), name, value, local);
        }

        private SqlStatement ParseRenameStatement()
        {
            var start = Advance().Offset;
            var kind = Current.Kind == SqlTokenKind.Word && SqlKeywords.ObjectKinds.Contains(Current.Value) ? Advance().Value.ToLowerInvariant() : "table";
            var from = ParseName();
            ExpectWord("to");
            var to = ParseName();
            return new SqlAlter(SpanFrom(start), kind, from, false, [new SqlRenameTable(to.Span, to)]);
        }
    }
}
