using System.Text;

namespace ReviewBot.Agents.Context.Sql;

/// <summary>
/// Derives <see cref="SqlFileFacts"/> from tokens. Not a full SQL grammar: it recognises the structure
/// that matters for review (statements, CTEs, select lists, FROM/JOIN, clauses) in any dialect and
/// never throws; what it cannot follow it leaves out.
/// </summary>
public static class SqlAnalyzer
{
    /// <summary>The start of the issue reported when a file nests deeper than the analyzer follows: the file was not analysed.</summary>
    public const string TooDeepIssue = "queries nested more than";

    private static readonly HashSet<string> ClauseWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "from", "where", "group", "having", "qualify", "order", "limit", "window", "fetch", "offset", "into", "union", "intersect", "except", "minus",
    };

    private static readonly HashSet<string> JoinWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "natural", "left", "right", "full", "inner", "outer", "cross", "semi", "anti", "any", "asof", "global", "lateral", "positional",
    };

    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "end", "null", "true", "false", "and", "or", "not", "on", "using", "where", "join", "select", "from", "as", "case", "when", "then", "else",
        "is", "in", "like", "between", "over", "partition", "by", "group", "order", "limit", "having", "qualify", "union", "all", "distinct",
        "left", "right", "full", "inner", "outer", "cross", "natural", "lateral", "window", "with", "asc", "desc", "nulls", "first", "last",
    };

    private static readonly HashSet<string> ConstraintWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "primary", "foreign", "constraint", "unique", "check", "key", "index", "exclude", "period", "like",
    };

    public static SqlFileFacts Analyze(string text)
    {
        var tokens = SqlTokenizer.Tokenize(text);
        return new Analysis(tokens).Run();
    }

    private sealed class Analysis(SqlTokens tokens)
    {
        private readonly IReadOnlyList<SqlToken> _t = tokens.Code;
        private readonly int[] _match = new int[tokens.Code.Count];
        private readonly List<SqlSelect> _selects = [];
        private readonly HashSet<string> _cteNames = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<(string Name, int Line, int TokenIndex, SqlSelect? Body)> _ctes = [];
        private readonly Dictionary<string, SqlSelect?> _cteBodies = new(StringComparer.OrdinalIgnoreCase);

        public SqlFileFacts Run()
        {
            ComputeMatches();
            FindCteNames();
            var statements = new List<SqlStatement>();
            SqlSelect? final = null;
            var start = 0;
            for (var i = 0; i <= _t.Count; i++)
            {
                if (i == _t.Count || _t[i].IsSymbol(";"))
                {
                    if (i > start)
                    {
                        var (statement, query) = ParseStatement(start, i);
                        statements.Add(statement);
                        if (query is not null)
                        {
                            final = query;
                        }
                    }

                    start = i + 1;
                }
                else if (_t[i].IsSymbol("(") && _match[i] > i)
                {
                    i = _match[i];
                }
            }

            var identifiers = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            var equalsNull = new List<int>();
            for (var i = 0; i < _t.Count; i++)
            {
                var id = _t[i].Identifier;
                if (id is not null)
                {
                    identifiers.Add(id);
                }

                if (_t[i].IsWord("null") && i > 0 && _t[i - 1].Kind == SqlTokenKind.Symbol && _t[i - 1].Text is "=" or "!=" or "<>"
                    && !(i > 1 && _t[i - 2].IsWord("set")) && !IsAssignment(i - 1))
                {
                    equalsNull.Add(_t[i].Line);
                }
            }

            var ctes = _ctes.Select(c => new SqlCte(c.Name, c.Line, c.Body, IsCteUsed(c.Name, c.TokenIndex))).ToList();
            IReadOnlyList<SqlColumn>? output = null;
            var starReaches = false;
            var starLine = 0;
            if (final is not null)
            {
                output = Expand(final, 0, ref starReaches, ref starLine);
            }

            return new SqlFileFacts
            {
                Statements = statements, Selects = _selects, Ctes = ctes, Final = final, OutputColumns = output, StarReachesFinal = starReaches,
                StarLine = starLine, EqualsNullLines = equalsNull, Identifiers = identifiers,
                Issues = _tooDeepLine is { } deep ? [.. tokens.Issues, new SqlSyntaxIssue(deep, $"{TooDeepIssue} {MaxDepth} levels deep; the rest was not analysed")] : tokens.Issues,
            };
        }

        // "update t set x = null" and "x = null" inside a SET list are assignments, not comparisons.
        private bool IsAssignment(int eq)
        {
            for (var j = eq - 1; j >= 0 && eq - j < 64; j--)
            {
                if (_t[j].IsWord("set"))
                {
                    return true;
                }

                if (_t[j].IsWord("where") || _t[j].IsWord("on") || _t[j].IsWord("when") || _t[j].IsWord("and") || _t[j].IsWord("or")
                    || _t[j].IsWord("select") || _t[j].IsWord("having") || _t[j].IsSymbol(";"))
                {
                    return false;
                }
            }

            return false;
        }

        private bool IsCteUsed(string name, int definition)
        {
            for (var i = 0; i < _t.Count; i++)
            {
                if (i != definition && _t[i].Identifier is { } id && id.Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                if (_t[i].Kind == SqlTokenKind.JinjaExpression && _t[i].Text.Contains(name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }

            return false;
        }

        private List<SqlColumn>? Expand(SqlSelect select, int depth, ref bool starReaches, ref int starLine)
        {
            if (depth > 16)
            {
                return null;
            }

            var result = new List<SqlColumn>();
            foreach (var column in select.Columns)
            {
                if (!column.IsStar)
                {
                    result.Add(column);
                    continue;
                }

                var relations = column.StarQualifier is null
                    ? select.From.Concat(select.Joins.Select(j => j.Right)).ToList()
                    : select.From.Concat(select.Joins.Select(j => j.Right))
                        .Where(r => string.Equals(r.Alias ?? LastPart(r.Name), column.StarQualifier, StringComparison.OrdinalIgnoreCase)).ToList();
                if (relations.Count == 0)
                {
                    starReaches = true;
                    starLine = starLine == 0 ? column.Line : starLine;
                    result.Add(column);
                    continue;
                }

                foreach (var relation in relations)
                {
                    if (relation.Kind == RelationKind.Cte && _cteBodies.TryGetValue(relation.Name, out var body) && body is not null)
                    {
                        var inner = Expand(body, depth + 1, ref starReaches, ref starLine);
                        if (inner is null)
                        {
                            return null;
                        }

                        result.AddRange(inner);
                    }
                    else
                    {
                        starReaches = true;
                        starLine = starLine == 0 ? column.Line : starLine;
                        result.Add(column);
                    }
                }
            }

            return result;
        }

        private void ComputeMatches()
        {
            var stack = new Stack<int>();
            for (var i = 0; i < _t.Count; i++)
            {
                _match[i] = -1;
                if (_t[i].IsSymbol("("))
                {
                    stack.Push(i);
                }
                else if (_t[i].IsSymbol(")") && stack.Count > 0)
                {
                    var open = stack.Pop();
                    _match[open] = i;
                    _match[i] = open;
                }
            }
        }

        private void FindCteNames()
        {
            for (var i = 1; i + 2 < _t.Count; i++)
            {
                if (_t[i].Identifier is { } name && _t[i + 1].IsWord("as") && _t[i + 2].IsSymbol("(")
                    && (_t[i - 1].IsWord("with") || _t[i - 1].IsWord("recursive") || _t[i - 1].IsSymbol(",")))
                {
                    _cteNames.Add(name);
                }
                else if (_t[i].Identifier is { } withColumns && _t[i + 1].IsSymbol("(") && _match[i + 1] > i + 1 && _match[i + 1] + 2 < _t.Count
                    && _t[_match[i + 1] + 1].IsWord("as") && _t[_match[i + 1] + 2].IsSymbol("(")
                    && (_t[i - 1].IsWord("with") || _t[i - 1].IsWord("recursive") || _t[i - 1].IsSymbol(",")))
                {
                    // "with recursive t (n) as (...)": a CTE with a column list.
                    _cteNames.Add(withColumns);
                }
                else if (_t[i].Identifier is { } name2 && _t[i + 1].IsWord("as") && i + 3 < _t.Count && _t[i + 3].IsSymbol("(")
                    && (_t[i + 2].IsWord("materialized") || _t[i + 2].IsWord("not"))
                    && (_t[i - 1].IsWord("with") || _t[i - 1].IsSymbol(",")))
                {
                    _cteNames.Add(name2);
                }
            }
        }

        private (SqlStatement Statement, SqlSelect? Query) ParseStatement(int s, int e)
        {
            var first = _t[s];
            var kind = StatementKind.Other;
            SqlSelect? query = null;
            string? objectType = null, objectName = null, droppedColumn = null;
            bool orReplace = false, ifExists = false, hasWhere = false;
            var grantees = new List<string>();
            var privileges = new List<string>();
            var defined = new List<SqlColumn>();
            var word = first.Kind == SqlTokenKind.Word ? first.Text.ToLowerInvariant() : first.IsSymbol("(") ? "(" : "";
            switch (word)
            {
                case "select" or "with" or "(":
                    kind = StatementKind.Select;
                    query = ParseQuery(s, e);
                    break;
                case "insert" or "merge" or "upsert" or "replace":
                    kind = word == "merge" ? StatementKind.Merge : StatementKind.Insert;
                    var target = s + 1;
                    while (target < e && (_t[target].IsWord("into") || _t[target].IsWord("overwrite") || _t[target].IsWord("table")))
                    {
                        target++;
                    }

                    objectName = ReadName(target, e, out _);
                    var q = FindDepth0(s + 1, e, t => t.IsWord("select") || t.IsWord("with"));
                    if (q >= 0)
                    {
                        ParseQuery(q, e);
                    }

                    break;
                case "create":
                    kind = StatementKind.Create;
                    var i = s + 1;
                    if (i + 1 < e && _t[i].IsWord("or") && _t[i + 1].IsWord("replace"))
                    {
                        orReplace = true;
                        i += 2;
                    }

                    while (i < e && _t[i].Kind == SqlTokenKind.Word && _t[i].Text.ToLowerInvariant() is "temporary" or "temp" or "transient" or "volatile"
                        or "global" or "local" or "external" or "secure" or "materialized" or "recursive" or "unlogged" or "dynamic" or "iceberg" or "hybrid")
                    {
                        i++;
                    }

                    if (i < e && _t[i].Kind == SqlTokenKind.Word)
                    {
                        objectType = _t[i].Text.ToLowerInvariant();
                        i++;
                    }

                    if (i + 2 < e && _t[i].IsWord("if") && _t[i + 1].IsWord("not") && _t[i + 2].IsWord("exists"))
                    {
                        i += 3;
                    }

                    objectName = ReadName(i, e, out var after);
                    if (objectType == "table" && after < e && _t[after].IsSymbol("(") && _match[after] > after)
                    {
                        defined.AddRange(ColumnDefinitions(after + 1, _match[after]));
                    }

                    var asQuery = FindDepth0(after, e, t => t.IsWord("select") || t.IsWord("with"));
                    if (asQuery >= 0)
                    {
                        ParseQuery(asQuery, e);
                    }

                    break;
                case "drop":
                    kind = StatementKind.Drop;
                    var d = s + 1;
                    if (d < e && _t[d].IsWord("materialized"))
                    {
                        d++;
                    }

                    objectType = d < e && _t[d].Kind == SqlTokenKind.Word ? _t[d].Text.ToLowerInvariant() : null;
                    d++;
                    if (d + 1 < e && _t[d].IsWord("if") && _t[d + 1].IsWord("exists"))
                    {
                        ifExists = true;
                        d += 2;
                    }

                    objectName = ReadName(d, e, out _);
                    break;
                case "alter":
                    kind = StatementKind.Alter;
                    var a = s + 1;
                    objectType = a < e && _t[a].Kind == SqlTokenKind.Word ? _t[a].Text.ToLowerInvariant() : null;
                    a++;
                    if (a + 1 < e && _t[a].IsWord("if") && _t[a + 1].IsWord("exists"))
                    {
                        a += 2;
                    }

                    objectName = ReadName(a, e, out var rest);
                    for (var j = rest; j < e; j++)
                    {
                        if (_t[j].IsWord("drop"))
                        {
                            var c = j + 1;
                            if (c < e && _t[c].IsWord("column"))
                            {
                                c++;
                            }
                            else if (c < e && _t[c].Kind == SqlTokenKind.Word && _t[c].Text.ToLowerInvariant() is "constraint" or "partition" or "primary" or "index" or "default" or "not")
                            {
                                continue;
                            }

                            if (c + 1 < e && _t[c].IsWord("if") && _t[c + 1].IsWord("exists"))
                            {
                                c += 2;
                            }

                            droppedColumn ??= c < e ? _t[c].Identifier : null;
                        }
                        else if (_t[j].IsWord("add"))
                        {
                            var c = j + 1;
                            if (c < e && _t[c].IsWord("column"))
                            {
                                c++;
                            }

                            if (c + 2 < e && _t[c].IsWord("if") && _t[c + 1].IsWord("not") && _t[c + 2].IsWord("exists"))
                            {
                                c += 3;
                            }

                            if (c < e && _t[c].Identifier is { } col && !ConstraintWords.Contains(col))
                            {
                                defined.Add(new SqlColumn(col, Join(c, Math.Min(e, c + 3)), _t[c].Line, false, null));
                            }
                        }
                    }

                    break;
                case "truncate":
                    kind = StatementKind.Truncate;
                    var tr = s + 1;
                    if (tr < e && _t[tr].IsWord("table"))
                    {
                        tr++;
                    }

                    if (tr + 1 < e && _t[tr].IsWord("if") && _t[tr + 1].IsWord("exists"))
                    {
                        tr += 2;
                    }

                    objectType = "table";
                    objectName = ReadName(tr, e, out _);
                    break;
                case "delete":
                    kind = StatementKind.Delete;
                    var f = s + 1;
                    if (f < e && _t[f].IsWord("from"))
                    {
                        f++;
                    }

                    objectName = ReadName(f, e, out _);
                    hasWhere = FindDepth0(s, e, t => t.IsWord("where")) >= 0;
                    break;
                case "update":
                    kind = StatementKind.Update;
                    objectName = ReadName(s + 1, e, out _);
                    hasWhere = FindDepth0(s, e, t => t.IsWord("where")) >= 0;
                    break;
                case "grant" or "revoke":
                    kind = word == "grant" ? StatementKind.Grant : StatementKind.Revoke;
                    var on = FindDepth0(s, e, t => t.IsWord("on"));
                    for (var p = s + 1; p < (on < 0 ? e : on); p++)
                    {
                        if (_t[p].Kind == SqlTokenKind.Word)
                        {
                            privileges.Add(_t[p].Text.ToLowerInvariant());
                        }
                    }

                    var to = FindDepth0(s, e, t => t.IsWord(word == "grant" ? "to" : "from"));
                    if (on >= 0)
                    {
                        var n = on + 1;
                        while (n < e && _t[n].Kind == SqlTokenKind.Word && _t[n].Text.ToLowerInvariant() is "table" or "view" or "schema" or "database" or "warehouse")
                        {
                            n++;
                        }

                        // "all tables in schema x" is kept whole: it says how wide the grant is.
                        objectName = n < e && _t[n].IsWord("all") || n < e && _t[n].IsWord("future") ? Join(n, to < 0 ? e : to) : ReadName(n, e, out _);
                    }

                    for (var g = to + 1; to >= 0 && g < e; g++)
                    {
                        if (_t[g].IsWord("with") || _t[g].IsWord("granted") || _t[g].IsWord("cascade") || _t[g].IsWord("restrict"))
                        {
                            break;
                        }

                        if (_t[g].Identifier is { } grantee && grantee.ToLowerInvariant() is not ("role" or "user" or "group" or "share" or "application"))
                        {
                            grantees.Add(grantee);
                        }
                        else if (_t[g].Kind == SqlTokenKind.JinjaExpression)
                        {
                            grantees.Add(_t[g].Text);
                        }
                    }

                    break;
            }

            var statement = new SqlStatement
            {
                Kind = kind, Line = first.Line, EndLine = _t[e - 1].Line, Text = Join(s, Math.Min(e, s + 80)), ObjectType = objectType, ObjectName = objectName,
                OrReplace = orReplace, IfExists = ifExists, HasWhere = hasWhere, Grantees = grantees, Privileges = privileges, DroppedColumn = droppedColumn,
                DefinedColumns = defined,
            };
            return (statement, query);
        }

        private List<SqlColumn> ColumnDefinitions(int s, int e)
        {
            var result = new List<SqlColumn>();
            foreach (var (a, b) in SplitDepth0(s, e, t => t.IsSymbol(",")))
            {
                if (a < b && _t[a].Identifier is { } name && !ConstraintWords.Contains(name))
                {
                    result.Add(new SqlColumn(name, Join(a, b), _t[a].Line, false, null));
                }
            }

            return result;
        }

        private string? ReadName(int i, int e, out int after)
        {
            var sb = new StringBuilder();
            after = i;
            while (after < e)
            {
                var t = _t[after];
                if (t.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.JinjaExpression)
                {
                    sb.Append(t.Kind == SqlTokenKind.JinjaExpression ? t.Text : t.Identifier);
                    after++;
                    if (after < e && _t[after].IsSymbol("."))
                    {
                        sb.Append('.');
                        after++;
                        continue;
                    }
                }

                break;
            }

            return sb.Length == 0 ? null : sb.ToString();
        }

        private int FindDepth0(int s, int e, Func<SqlToken, bool> predicate)
        {
            for (var i = s; i < e; i++)
            {
                if (_t[i].IsSymbol("(") && _match[i] > i)
                {
                    i = _match[i];
                    continue;
                }

                if (predicate(_t[i]))
                {
                    return i;
                }
            }

            return -1;
        }

        private List<(int Start, int End)> SplitDepth0(int s, int e, Func<SqlToken, bool> separator)
        {
            var parts = new List<(int, int)>();
            var start = s;
            for (var i = s; i < e; i++)
            {
                if (_t[i].IsSymbol("(") && _match[i] > i && _match[i] < e)
                {
                    i = _match[i];
                    continue;
                }

                if (separator(_t[i]))
                {
                    parts.Add((start, i));
                    start = i + 1;
                }
            }

            parts.Add((start, e));
            return parts;
        }

        /// <summary>
        /// Deepest nesting of queries and FROM clauses followed. The walk recurses per level and a stack overflow
        /// cannot be caught, so deeper input is left unparsed and reported as an issue (the file is then "not fully
        /// analysed"), never a crash.
        /// </summary>
        private const int MaxDepth = 200;

        private int _depth;
        private int? _tooDeepLine;

        private bool Enter(int s)
        {
            if (_depth >= MaxDepth)
            {
                _tooDeepLine ??= s < _t.Count ? _t[s].Line : 0;
                return false;
            }

            _depth++;
            return true;
        }

        private SqlSelect? ParseQuery(int s, int e)
        {
            if (!Enter(s))
            {
                return null;
            }

            try
            {
                return ParseQueryAtDepth(s, e);
            }
            finally
            {
                _depth--;
            }
        }

        private SqlSelect? ParseQueryAtDepth(int s, int e)
        {
            while (s < e && _t[s].IsSymbol("(") && _match[s] == e - 1)
            {
                s++;
                e--;
            }

            if (s >= e)
            {
                return null;
            }

            var i = s;
            if (_t[i].IsWord("with"))
            {
                i++;
                if (i < e && _t[i].IsWord("recursive"))
                {
                    i++;
                }

                while (i < e)
                {
                    var nameToken = i;
                    var name = _t[i].Identifier;
                    i++;
                    if (i < e && _t[i].IsSymbol("(") && _match[i] > i)
                    {
                        i = _match[i] + 1;
                    }

                    if (i < e && _t[i].IsWord("as"))
                    {
                        i++;
                    }

                    while (i < e && (_t[i].IsWord("materialized") || _t[i].IsWord("not")))
                    {
                        i++;
                    }

                    if (name is null || i >= e || !_t[i].IsSymbol("(") || _match[i] < i || _match[i] >= e)
                    {
                        break;
                    }

                    var body = ParseQuery(i + 1, _match[i]);
                    _ctes.Add((name, _t[nameToken].Line, nameToken, body));
                    _cteBodies[name] = body;
                    i = _match[i] + 1;
                    if (i < e && _t[i].IsSymbol(","))
                    {
                        i++;
                        continue;
                    }

                    break;
                }
            }

            SqlSelect? first = null;
            foreach (var (a, b) in SplitDepth0(i, e, t => t.Kind == SqlTokenKind.Word && t.Text.ToLowerInvariant() is "union" or "intersect" or "minus"))
            {
                foreach (var (c, d) in SplitSetExcept(a, b))
                {
                    var start = c;
                    while (start < d && (_t[start].IsWord("all") || _t[start].IsWord("distinct") || _t[start].IsWord("by") || _t[start].IsWord("name")))
                    {
                        start++;
                    }

                    if (start >= d)
                    {
                        continue;
                    }

                    var select = _t[start].IsSymbol("(") ? ParseQuery(start, _match[start] > start ? _match[start] + 1 : d) : _t[start].IsWord("select") ? ParseSelect(start, d) : null;
                    first ??= select;
                }
            }

            return first;
        }

        // EXCEPT is a set operation unless it follows "*" (BigQuery's SELECT * EXCEPT (...)).
        private List<(int, int)> SplitSetExcept(int s, int e)
        {
            var parts = new List<(int, int)>();
            var start = s;
            for (var i = s; i < e; i++)
            {
                if (_t[i].IsSymbol("(") && _match[i] > i && _match[i] < e)
                {
                    i = _match[i];
                    continue;
                }

                if (_t[i].IsWord("except") && i > s && !_t[i - 1].IsSymbol("*"))
                {
                    parts.Add((start, i));
                    start = i + 1;
                }
            }

            parts.Add((start, e));
            return parts;
        }

        private SqlSelect ParseSelect(int s, int e)
        {
            var clauses = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (var i = s + 1; i < e; i++)
            {
                if (_t[i].IsSymbol("(") && _match[i] > i)
                {
                    i = _match[i];
                    continue;
                }

                if (_t[i].Kind == SqlTokenKind.Word && ClauseWords.Contains(_t[i].Text) && !(_t[i].IsWord("except") && _t[i - 1].IsSymbol("*")))
                {
                    clauses.TryAdd(_t[i].Text.ToLowerInvariant(), i);
                }
            }

            int NextClause(int after) => clauses.Values.Where(v => v > after).DefaultIfEmpty(e).Min();
            var itemsStart = s + 1;
            while (itemsStart < e && (_t[itemsStart].IsWord("distinct") || _t[itemsStart].IsWord("all")))
            {
                itemsStart++;
                if (itemsStart < e && _t[itemsStart - 1].IsWord("distinct") && _t[itemsStart].IsWord("on") && itemsStart + 1 < e && _match[itemsStart + 1] > 0)
                {
                    itemsStart = _match[itemsStart + 1] + 1;
                }
            }

            if (itemsStart + 1 < e && _t[itemsStart].IsWord("top"))
            {
                itemsStart += 2;
            }

            var itemsEnd = NextClause(s);
            var columns = new List<SqlColumn>();
            foreach (var (a, b) in SplitDepth0(itemsStart, itemsEnd, t => t.IsSymbol(",")))
            {
                if (a < b)
                {
                    columns.Add(Column(a, b));
                }
            }

            var from = new List<SqlRelation>();
            var joins = new List<SqlJoin>();
            if (clauses.TryGetValue("from", out var fromAt))
            {
                ParseFrom(fromAt + 1, NextClause(fromAt), from, joins);
            }

            var whereText = "";
            if (clauses.TryGetValue("where", out var whereAt))
            {
                whereText = Join(whereAt + 1, Math.Min(NextClause(whereAt), whereAt + 200));
            }

            var select = new SqlSelect
            {
                Columns = columns, From = from, Joins = joins, HasWhere = clauses.ContainsKey("where") || clauses.ContainsKey("qualify"),
                HasLimit = (clauses.TryGetValue("limit", out var limitAt) && !_t[limitAt].TargetConditional) || (s + 1 < e && _t[s + 1].IsWord("top")), HasOrderBy = clauses.ContainsKey("order"),
                HasGroupBy = clauses.ContainsKey("group"), Line = _t[s].Line, LimitLine = clauses.TryGetValue("limit", out var l) ? _t[l].Line : _t[s].Line,
                WhereText = whereText,
            };
            _selects.Add(select);
            return select;
        }

        private SqlColumn Column(int a, int b)
        {
            var text = Join(a, b);
            for (var i = a; i < b; i++)
            {
                if (_t[i].IsSymbol("(") && _match[i] > i)
                {
                    i = _match[i];
                    continue;
                }

                if (_t[i].IsSymbol("*") && (i == a || _t[i - 1].IsSymbol(".")) && (i + 1 == b || _t[i + 1].Kind == SqlTokenKind.Word))
                {
                    var qualifier = i >= a + 2 && _t[i - 1].IsSymbol(".") ? _t[i - 2].Identifier : null;
                    return new SqlColumn(null, text, _t[a].Line, true, qualifier);
                }
            }

            string? name = null;
            var asAt = -1;
            for (var i = a; i < b; i++)
            {
                if (_t[i].IsSymbol("(") && _match[i] > i)
                {
                    i = _match[i];
                    continue;
                }

                if (_t[i].IsWord("as"))
                {
                    asAt = i;
                }
            }

            if (asAt >= 0 && asAt + 1 < b)
            {
                name = _t[asAt + 1].Identifier;
            }
            else if (b - a == 1)
            {
                name = _t[a].Identifier;
            }
            else if (b - a >= 2)
            {
                var last = _t[b - 1];
                var prev = _t[b - 2];
                if (last.Identifier is { } id && !Reserved.Contains(id) && prev.IsSymbol("."))
                {
                    name = id;
                }
                else if (last.Identifier is { } alias && !(last.Kind == SqlTokenKind.Word && Reserved.Contains(alias))
                    && (prev.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.Number or SqlTokenKind.String or SqlTokenKind.JinjaExpression || prev.IsSymbol(")"))
                    && !(prev.Kind == SqlTokenKind.Word && Reserved.Contains(prev.Text) && !prev.IsWord("end")))
                {
                    name = alias;
                }
            }

            return new SqlColumn(name, text, _t[a].Line, false, null);
        }

        private void ParseFrom(int s, int e, List<SqlRelation> from, List<SqlJoin> joins)
        {
            if (!Enter(s))
            {
                return;
            }

            try
            {
                ParseFromAtDepth(s, e, from, joins);
            }
            finally
            {
                _depth--;
            }
        }

        private void ParseFromAtDepth(int s, int e, List<SqlRelation> from, List<SqlJoin> joins)
        {
            var segments = new List<(int Start, int End, string Kind, bool Implicit, int Line)>();
            var start = s;
            var kind = "from";
            var isImplicit = false;
            var line = s < _t.Count ? _t[Math.Min(s, _t.Count - 1)].Line : 0;
            for (var i = s; i < e; i++)
            {
                if (_t[i].IsSymbol("(") && _match[i] > i && _match[i] < e)
                {
                    i = _match[i];
                    continue;
                }

                if (_t[i].IsSymbol(","))
                {
                    segments.Add((start, i, kind, isImplicit, line));
                    start = i + 1;
                    kind = "implicit";
                    isImplicit = true;
                    line = _t[i].Line;
                    continue;
                }

                if (_t[i].Kind == SqlTokenKind.Word && (JoinWords.Contains(_t[i].Text) || _t[i].IsWord("join")))
                {
                    var j = i;
                    var words = new List<string>();
                    while (j < e && _t[j].Kind == SqlTokenKind.Word && JoinWords.Contains(_t[j].Text))
                    {
                        words.Add(_t[j].Text.ToLowerInvariant());
                        j++;
                    }

                    if (j < e && _t[j].IsWord("join"))
                    {
                        segments.Add((start, i, kind, isImplicit, line));
                        kind = words.Count == 0 ? "inner" : string.Join(' ', words);
                        isImplicit = false;
                        line = _t[i].Line;
                        start = j + 1;
                        i = j;
                    }
                }
            }

            segments.Add((start, e, kind, isImplicit, line));
            var first = true;
            foreach (var (a, b, k, imp, ln) in segments)
            {
                if (a >= b)
                {
                    continue;
                }

                var relation = Relation(a, b, out var after);
                if (first)
                {
                    from.Add(relation);
                    first = false;
                    continue;
                }

                var hasCondition = k.Contains("natural", StringComparison.Ordinal) || relation.Kind == RelationKind.Function
                    || k.Contains("lateral", StringComparison.Ordinal) || k.Contains("asof", StringComparison.Ordinal)
                    || FindDepth0(after, b, t => t.IsWord("on") || t.IsWord("using")) >= 0;
                joins.Add(new SqlJoin(k, relation, hasCondition, imp, ln));
            }
        }

        private SqlRelation Relation(int a, int b, out int after)
        {
            var t = _t[a];
            SqlRelation relation;
            after = a + 1;
            if (t.IsSymbol("(") && _match[a] > a)
            {
                var inner = a + 1;
                if (inner < _match[a] && (_t[inner].IsWord("select") || _t[inner].IsWord("with") || _t[inner].IsSymbol("(")))
                {
                    ParseQuery(inner, _match[a]);
                }
                else
                {
                    var nestedFrom = new List<SqlRelation>();
                    var nestedJoins = new List<SqlJoin>();
                    ParseFrom(inner, _match[a], nestedFrom, nestedJoins);
                }

                after = _match[a] + 1;
                relation = new SqlRelation(RelationKind.Subquery, "(subquery)", null, t.Line);
            }
            else if (t.Kind == SqlTokenKind.JinjaExpression)
            {
                var k = t.Text.Contains("ref(", StringComparison.Ordinal) ? RelationKind.Ref
                    : t.Text.Contains("source(", StringComparison.Ordinal) ? RelationKind.Source : RelationKind.Jinja;
                // "{{ target.schema }}.orders" is a templated table name.
                while (after + 1 < b && _t[after].IsSymbol(".") && _t[after + 1].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.JinjaExpression)
                {
                    after += 2;
                }

                relation = new SqlRelation(k, t.Text, null, t.Line);
            }
            else if (t.Kind == SqlTokenKind.Word && t.Text.ToLowerInvariant() is "lateral" or "table" or "unnest" or "flatten" or "values" or "generate_series" or "generator" or "json_table" or "openjson" or "range")
            {
                after = SkipCall(a + 1, b);
                relation = new SqlRelation(RelationKind.Function, t.Text, null, t.Line);
            }
            else
            {
                var name = ReadName(a, b, out after);
                if (after < b && _t[after].IsSymbol("(") && _match[after] > after)
                {
                    after = _match[after] + 1;
                    relation = new SqlRelation(RelationKind.Function, name ?? t.Text, null, t.Line);
                }
                else if (name is null)
                {
                    relation = new SqlRelation(RelationKind.Jinja, t.Text, null, t.Line);
                }
                else
                {
                    relation = new SqlRelation(!name.Contains('.', StringComparison.Ordinal) && _cteNames.Contains(name) ? RelationKind.Cte : RelationKind.Table, name, null, t.Line);
                }
            }

            if (after < b && _t[after].IsWord("as"))
            {
                after++;
            }

            if (after < b && _t[after].Identifier is { } alias && !(_t[after].Kind == SqlTokenKind.Word && (Reserved.Contains(alias) || JoinWords.Contains(alias) || alias.Equals("tablesample", StringComparison.OrdinalIgnoreCase))))
            {
                relation = relation with { Alias = alias };
                after++;
            }

            return relation;
        }

        private int SkipCall(int i, int b)
        {
            while (i < b)
            {
                if (_t[i].IsSymbol("(") && _match[i] > i)
                {
                    return _match[i] + 1;
                }

                if (_t[i].Kind != SqlTokenKind.Word && !_t[i].IsSymbol("."))
                {
                    return i;
                }

                i++;
            }

            return i;
        }

        private string Join(int s, int e)
        {
            var sb = new StringBuilder();
            for (var i = s; i < e && i < _t.Count; i++)
            {
                var t = _t[i];
                if (sb.Length > 0 && !t.IsSymbol(".") && !t.IsSymbol(",") && !t.IsSymbol(")") && !(i > s && (_t[i - 1].IsSymbol(".") || _t[i - 1].IsSymbol("("))))
                {
                    sb.Append(' ');
                }

                sb.Append(t.Text);
            }

            return sb.ToString();
        }
    }

    /// <summary>The last part of a dotted name: <c>analytics.orders</c> gives <c>orders</c>.</summary>
    public static string LastPart(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot < 0 ? name : name[(dot + 1)..];
    }
}
