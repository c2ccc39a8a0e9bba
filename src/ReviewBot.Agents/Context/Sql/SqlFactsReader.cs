using System.Text;
using ReviewBot.Dbt.Projects;
using ReviewBot.Dbt.Rendering;
using ReviewBot.Sql;
using ReviewBot.Sql.Checks;
using ReviewBot.Sql.Lexing;
using ReviewBot.Sql.Parsing;
using Ast = ReviewBot.Sql.Syntax;

namespace ReviewBot.Agents.Context.Sql;

/// <summary>A relation a <c>ref()</c>/<c>source()</c> call wrote into rendered SQL: its span, kind, display name and target.</summary>
internal sealed record SqlRelationSpan(int Offset, int Length, RelationKind Kind, string Name, string Target);

/// <summary>
/// Builds <see cref="SqlFileFacts"/> from the AST of <c>ReviewBot.Sql</c>: the parser's statements (recovered one by one,
/// depth-bounded), walked with an explicit stack so no input can overflow the stack. The SQL is the rendered model for
/// dbt models (lines through the rendering's source map, relations from ref()/source() by span) and the file as written
/// otherwise (lines counted in the text).
/// </summary>
internal static class SqlFactsReader
{
    private const int MaxStarExpansion = 32;

    private static readonly HashSet<string> Aggregates = new(StringComparer.OrdinalIgnoreCase)
    {
        "count", "sum", "min", "max", "avg", "any_value", "array_agg", "listagg", "string_agg", "group_concat", "max_by", "min_by", "count_if",
        "approx_count_distinct", "median", "stddev", "stddev_pop", "stddev_samp", "variance", "var_pop", "var_samp", "bool_and", "bool_or",
        "logical_and", "logical_or", "every", "arg_max", "arg_min", "approx_distinct", "hll_count", "object_agg", "array_union_agg",
    };

    /// <summary>
    /// Facts of a dbt model or snapshot from its rendering: the full-refresh SQL, or with <paramref name="incremental"/>
    /// the SQL of an incremental run (the source map covers both); <paramref name="written"/> is the file as written.
    /// </summary>
    public static SqlFileFacts Read(RenderedModel rendering, string written, bool incremental = false)
    {
        if (rendering.Status == RenderStatus.NotRendered)
        {
            var kind = rendering.Reason?.StartsWith("Jinja syntax error", StringComparison.Ordinal) == true ? SqlIssueKind.JinjaSyntax : SqlIssueKind.NotRendered;
            return new SqlFileFacts
            {
                Statements = [], Selects = [], Ctes = [], Coverage = SqlCoverage.NotAnalysed,
                Issues = [new SqlSyntaxIssue(rendering.ReasonLine ?? 1, rendering.Reason ?? "not rendered", kind)],
                Identifiers = IdentifiersOf(SqlLexer.Tokenize(written, SqlDialect.Neutral)),
            };
        }

        var spans = new List<SqlRelationSpan>();
        foreach (var call in rendering.Refs.Concat(rendering.Sources))
        {
            if (call is { Offset: { } offset, Length: { } length })
            {
                spans.Add(call.Kind == ReviewBot.Dbt.Rendering.RelationKind.Ref
                    ? new SqlRelationSpan(offset, length, RelationKind.Ref, $"ref('{call.Name}')", call.Name)
                    : new SqlRelationSpan(offset, length, RelationKind.Source, $"source('{call.SourceName}', '{call.Name}')", $"{call.SourceName}.{call.Name}"));
            }
        }

        if (incremental && rendering.IncrementalSql is { } incrementalSql)
        {
            // The recorded spans and the source map are those of the full-refresh text: lines here are lines of the
            // rendered incremental text, so these facts serve comparisons (filters), not finding lines.
            return Read(incrementalSql, AdapterInference.Dialect(rendering.Adapter), null, Occurrences(incrementalSql, rendering), null, written);
        }

        var facts = Read(rendering.Sql, AdapterInference.Dialect(rendering.Adapter), rendering.SourceMap.LineAt, spans, rendering.SourceMap.IsLiteral, written);
        facts = facts with { Rendered = true };
        return rendering.Status == RenderStatus.Partial
            ? facts with
            {
                RenderedInPart = string.Join("; ", rendering.PartialReasons.Concat(rendering.Unresolved.Select(u => "unresolved " + u)).Distinct(StringComparer.Ordinal).Take(3)),
                RenderLeftGaps = rendering.PartialReasons.Any(r => !rendering.Unresolved.Contains(r, StringComparer.Ordinal)),
            }
            : facts;
    }

    /// <summary>
    /// Facts of <paramref name="sql"/> read as <paramref name="dialect"/>. <paramref name="lineAt"/> maps an offset to a
    /// line of the written file (default: lines of <paramref name="sql"/>); <paramref name="relations"/> are the ref/source
    /// spans; <paramref name="isLiteral"/> says whether a span was written literally (a name produced by an expression is
    /// never a hard-coded table); <paramref name="written"/> is the file as the author wrote it, when it differs.
    /// </summary>
    public static SqlFileFacts Read(
        string sql,
        SqlDialect dialect,
        Func<int, int>? lineAt = null,
        IReadOnlyList<SqlRelationSpan>? relations = null,
        Func<int, int, bool>? isLiteral = null,
        string? written = null)
    {
        var parse = SqlParser.Parse(sql, dialect);
        lineAt ??= parse.Source.LineOf;
        var walk = new Walk(parse, lineAt, relations ?? [], isLiteral ?? ((_, _) => true), written ?? sql);
        return walk.Run();
    }

    /// <summary>The ref/source relations of a text the renderer recorded no spans for, found by their rendered names.</summary>
    private static List<SqlRelationSpan> Occurrences(string sql, RenderedModel rendering)
    {
        var spans = new List<SqlRelationSpan>();
        foreach (var call in rendering.Refs.Concat(rendering.Sources).Where(c => c.RenderedName.Length > 0).DistinctBy(c => c.RenderedName))
        {
            var isRef = call.Kind == ReviewBot.Dbt.Rendering.RelationKind.Ref;
            for (var at = sql.IndexOf(call.RenderedName, StringComparison.Ordinal); at >= 0 && spans.Count < 10_000; at = sql.IndexOf(call.RenderedName, at + 1, StringComparison.Ordinal))
            {
                var end = at + call.RenderedName.Length;
                if ((at == 0 || !IsNameChar(sql[at - 1])) && (end >= sql.Length || !IsNameChar(sql[end])))
                {
                    spans.Add(isRef
                        ? new SqlRelationSpan(at, call.RenderedName.Length, RelationKind.Ref, $"ref('{call.Name}')", call.Name)
                        : new SqlRelationSpan(at, call.RenderedName.Length, RelationKind.Source, $"source('{call.SourceName}', '{call.Name}')", $"{call.SourceName}.{call.Name}"));
                }
            }
        }

        return spans;
    }

    private static bool IsNameChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '.' or '"' or '`';

    private static HashSet<string> IdentifiersOf(IEnumerable<SqlToken> tokens)
    {
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in tokens)
        {
            if (token.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
            {
                set.Add(token.Value);
            }
        }

        return set;
    }

    private static string Collapse(string text, int max)
    {
        var sb = new StringBuilder(Math.Min(text.Length, max));
        var space = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                space = sb.Length > 0;
                continue;
            }

            if (space)
            {
                sb.Append(' ');
                space = false;
            }

            sb.Append(c);
            if (sb.Length >= max)
            {
                break;
            }
        }

        return sb.ToString();
    }

    private sealed class CteInfo(Ast.SqlCte node, int line)
    {
        public Ast.SqlCte Node { get; } = node;

        public int Line { get; } = line;

        public bool Used { get; set; }
    }

    private sealed class Scope(Dictionary<string, CteInfo> ctes, Scope? parent)
    {
        public CteInfo? Find(string name)
        {
            for (var s = this; s is not null; s = s.Parent)
            {
                if (s.Ctes.TryGetValue(name, out var info))
                {
                    return info;
                }
            }

            return null;
        }

        private Dictionary<string, CteInfo> Ctes { get; } = ctes;

        private Scope? Parent { get; } = parent;
    }

    private sealed record Leaf(SqlRelation Relation, Ast.SqlTableRef Node, CteInfo? Cte);

    private sealed class Walk(SqlParseResult parse, Func<int, int> lineAt, IReadOnlyList<SqlRelationSpan> spans, Func<int, int, bool> isLiteral, string written)
    {
        private readonly string _text = parse.Source.Text;
        private readonly List<SqlSelect> _selects = [];
        private readonly Dictionary<Ast.SqlSelect, (SqlSelect Facts, List<Leaf> Leaves)> _byNode = new(ReferenceEqualityComparer.Instance);
        private readonly List<CteInfo> _ctes = [];
        private readonly List<int> _equalsNull = [];
        private readonly List<SqlLimit> _limits = [];
        private bool _opaque;

        private int Line(int offset) => lineAt(offset);

        /// <summary>The construct starting at <paramref name="offset"/> was written in the file (not a macro's or expression's output).</summary>
        private bool Written(int offset) => isLiteral(offset, 1);

        /// <summary>The token just before <paramref name="offset"/> (a join keyword or comma), for asking whether a join was written.</summary>
        private int TokenBefore(int offset)
        {
            int lo = 0, hi = parse.Tokens.Count - 1, found = offset;
            while (lo <= hi)
            {
                var mid = (lo + hi) / 2;
                if (parse.Tokens[mid].Offset < offset)
                {
                    found = parse.Tokens[mid].Offset;
                    lo = mid + 1;
                }
                else
                {
                    hi = mid - 1;
                }
            }

            return found;
        }

        private string Text(Ast.SqlNode node, int max = 2000) => Collapse(parse.Source.Slice(node.Span), max);

        public SqlFileFacts Run()
        {
            var statements = new List<SqlStatement>();
            foreach (var statement in parse.Statements)
            {
                statements.Add(StatementOf(statement));
                Visit(statement);
            }

            var issues = parse.Diagnostics.Select(d => new SqlSyntaxIssue(Line(d.Span.Offset), d.Message, d.Kind switch
            {
                SqlDiagnosticKind.TooDeep => SqlIssueKind.TooDeep,
                SqlDiagnosticKind.TooLong => SqlIssueKind.TooLong,
                _ => SqlIssueKind.Syntax,
            })).ToList();
            var invalid = parse.Statements.Count(s => s is Ast.SqlInvalidStatement);
            var coverage = invalid == 0 && issues.Count == 0 ? SqlCoverage.Full : invalid >= parse.Statements.Count ? SqlCoverage.NotAnalysed : SqlCoverage.Partial;

            var final = LastQuery();
            IReadOnlyList<SqlColumn>? output = null;
            var star = new StarState();
            SqlSelect? finalFacts = null;
            if (final is not null && Leftmost(final.Body) is { } finalSelect && _byNode.TryGetValue(finalSelect, out var entry))
            {
                finalFacts = entry.Facts;
                output = Expand(finalSelect, 0, star);
            }

            var templates = parse.Tokens.Where(t => t.Kind == SqlTokenKind.Template).Select(t => t.Value).ToList();
            var ctes = _ctes.Select(c => new SqlCte(c.Node.Name, c.Line, Leftmost(c.Node.Query.Body) is { } b && _byNode.TryGetValue(b, out var e) ? e.Facts : null, c.Used || MentionedElsewhere(c.Node.Name, templates))
            {
                SingleRow = SingleRow(c.Node.Query),
                Generated = !Written(c.Node.NameSpan.Offset),
            }).ToList();

            return new SqlFileFacts
            {
                Statements = statements, Selects = _selects, Ctes = ctes, Final = finalFacts, OutputColumns = output,
                StarReachesFinal = star.Line > 0, StarLine = star.Line, StarRelation = star.Relation, StarGenerated = star.Generated, EqualsNullLines = _equalsNull, Limits = _limits,
                Issues = issues, Identifiers = IdentifiersOf(parse.Tokens), HasOpaque = _opaque || templates.Count > 0, Coverage = coverage,
                Pitfalls = Pitfalls(),
            };
        }

        // SQL that runs but computes something else, where the author wrote it (a macro's output is not theirs).
        private List<SqlPitfallFact> Pitfalls()
        {
            var found = new List<SqlPitfallFact>();
            foreach (var pitfall in SqlPitfalls.Find(parse))
            {
                if (isLiteral(pitfall.Span.Offset, pitfall.Span.Length))
                {
                    found.Add(new SqlPitfallFact(pitfall.Kind, lineAt(pitfall.Span.Offset), pitfall.Subject, pitfall.Related is { } related ? lineAt(related.Offset) : null));
                }
            }

            return found;
        }

        // A CTE read only inside an unresolved macro call (an opaque placeholder now, a {{ }} in raw text) may still be read.
        private bool MentionedElsewhere(string name, List<string> templates)
        {
            if (templates.Any(t => t.Contains(name, StringComparison.OrdinalIgnoreCase)))
            {
                return true;
            }

            if (!_opaque)
            {
                return false;
            }

            var count = 0;
            for (var at = written.IndexOf(name, StringComparison.OrdinalIgnoreCase); at >= 0; at = written.IndexOf(name, at + name.Length, StringComparison.OrdinalIgnoreCase))
            {
                var before = at == 0 || !(char.IsLetterOrDigit(written[at - 1]) || written[at - 1] == '_');
                var after = at + name.Length >= written.Length || !(char.IsLetterOrDigit(written[at + name.Length]) || written[at + name.Length] == '_');
                if (before && after && ++count >= 2)
                {
                    return true;
                }
            }

            return false;
        }

        private Ast.SqlQuery? LastQuery()
        {
            for (var i = parse.Statements.Count - 1; i >= 0; i--)
            {
                switch (parse.Statements[i])
                {
                    case Ast.SqlSelectStatement s:
                        return s.Query;
                    case Ast.SqlCreateTable { AsQuery: { } q }:
                        return q;
                    case Ast.SqlInsert { Source: { } q }:
                        return q;
                }
            }

            return null;
        }

        private static Ast.SqlSelect? Leftmost(Ast.SqlQueryBody body)
        {
            for (var i = 0; i < 10_000; i++)
            {
                switch (body)
                {
                    case Ast.SqlSelect select:
                        return select;
                    case Ast.SqlSetOperation set:
                        body = set.Left;
                        break;
                    case Ast.SqlNestedQuery nested:
                        body = nested.Query.Body;
                        break;
                    default:
                        return null;
                }
            }

            return null;
        }

        private static bool SingleRow(Ast.SqlQuery query) =>
            query.Limit?.Count is Ast.SqlLiteral { Text: "1" }
            || query.Body is Ast.SqlValues { Rows.Count: 1 }
            || (query.Body is Ast.SqlSelect select && SingleRow(select));

        private static bool SingleRow(Ast.SqlSelect select) =>
            select.From is null || (select.GroupBy is null && select.Items.Count > 0 && select.Items.All(i => i is Ast.SqlExpressionItem { Expression: var x } && IsAggregateOrConstant(x)));

        // ---- the walk ----

        private void Visit(Ast.SqlStatement statement)
        {
            var stack = new Stack<(Ast.SqlNode Node, Scope? Scope)>();
            stack.Push((statement, null));
            while (stack.Count > 0)
            {
                var (node, scope) = stack.Pop();
                switch (node)
                {
                    case Ast.SqlQuery query:
                        scope = Enter(query, scope);
                        break;
                    case Ast.SqlSelect select:
                        ReadSelect(select, scope);
                        break;
                    case Ast.SqlNamedTable table:
                        if (table.Name.IsOpaque)
                        {
                            _opaque = true;
                        }
                        else if (table.Name.Parts.Count == 1 && scope?.Find(table.Name.Last) is { } cte && !cte.Node.Span.Contains(table.Span))
                        {
                            cte.Used = true;
                        }

                        break;
                    case Ast.SqlOpaque:
                        _opaque = true;
                        break;
                    case Ast.SqlBinary { Operator: "=" or "<>" or "!=" } binary:
                        if ((IsNull(binary.Right) || IsNull(binary.Left)) && Written(binary.Span.Offset) && Written(binary.Right.Span.Offset))
                        {
                            _equalsNull.Add(Line(IsNull(binary.Right) ? binary.Right.Span.Offset : binary.Left.Span.Offset));
                        }

                        break;
                    case Ast.SqlCase { Operand: not null } @case:
                        foreach (var when in @case.Whens.Where(w => IsNull(w.Condition) && Written(w.Condition.Span.Offset)))
                        {
                            _equalsNull.Add(Line(when.Condition.Span.Offset));
                        }

                        break;
                }

                var children = Ast.SqlWalker.Children(node);
                for (var i = children.Count - 1; i >= 0; i--)
                {
                    if (children[i] is { } child)
                    {
                        stack.Push((child, scope));
                    }
                }
            }
        }

        private static bool IsNull(Ast.SqlExpression expression) => expression is Ast.SqlLiteral { Kind: Ast.SqlLiteralKind.Null };

        private Scope? Enter(Ast.SqlQuery query, Scope? scope)
        {
            if (query.Limit is { Count: { } count } limit)
            {
                _limits.Add(new SqlLimit(Line(limit.Span.Offset), Text(count, 200), query.OrderBy.Count > 0) { Generated = !Written(limit.Span.Offset) });
            }

            if (query.Body is Ast.SqlSelect { Top: { Count: { } top } topLimit })
            {
                _limits.Add(new SqlLimit(Line(topLimit.Span.Offset), Text(top, 200), query.OrderBy.Count > 0) { Generated = !Written(topLimit.Span.Offset) });
            }

            if (query.With is not { } with)
            {
                return scope;
            }

            var ctes = new Dictionary<string, CteInfo>(StringComparer.OrdinalIgnoreCase);
            foreach (var cte in with.Ctes)
            {
                var info = new CteInfo(cte, Line(cte.NameSpan.Offset));
                _ctes.Add(info);
                ctes.TryAdd(cte.Name, info);
            }

            return new Scope(ctes, scope);
        }

        private void ReadSelect(Ast.SqlSelect select, Scope? scope)
        {
            var leaves = new List<Leaf>();
            var joins = new List<SqlJoin>();
            if (select.From is { } from)
            {
                // Joins nest to the left; a stack keeps thousands of joins from recursing.
                var pending = new Stack<(Ast.SqlTableRef Node, Ast.SqlJoin? IntroducedBy)>();
                pending.Push((from, null));
                while (pending.Count > 0)
                {
                    var (item, introducedBy) = pending.Pop();
                    switch (item)
                    {
                        case Ast.SqlJoin join:
                            pending.Push((join.Right, join));
                            pending.Push((join.Left, introducedBy));
                            continue;
                        case Ast.SqlNestedJoin { TableAlias: null } nested:
                            pending.Push((nested.Inner, introducedBy));
                            continue;
                    }

                    var leaf = LeafOf(item, scope, leaves);
                    if (introducedBy is not null)
                    {
                        var left = introducedBy.Left is Ast.SqlJoin ? null : leaves.LastOrDefault()?.Relation;
                        var kind = introducedBy.Kind switch
                        {
                            Ast.SqlJoinKind.Inner => "inner",
                            Ast.SqlJoinKind.Left => "left",
                            Ast.SqlJoinKind.Right => "right",
                            Ast.SqlJoinKind.Full => "full",
                            Ast.SqlJoinKind.Cross => "cross",
                            Ast.SqlJoinKind.Comma => "implicit",
                            Ast.SqlJoinKind.Semi => "semi",
                            Ast.SqlJoinKind.Anti => "anti",
                            Ast.SqlJoinKind.Asof => "asof",
                            _ => "lateral view",
                        };
                        joins.Add(new SqlJoin(introducedBy.Natural ? "natural " + kind : kind, leaf.Relation, introducedBy.HasCondition, introducedBy.Kind == Ast.SqlJoinKind.Comma, leaf.Relation.Line)
                        {
                            Left = left, Generated = !Written(TokenBefore(item.Span.Offset)),
                        });
                    }

                    leaves.Add(leaf);
                }
            }

            var columns = new List<SqlColumn>();
            foreach (var item in select.Items)
            {
                columns.Add(item switch
                {
                    Ast.SqlExpressionItem e => new SqlColumn(e.Expression is Ast.SqlOpaque ? e.Alias : e.OutputName, Text(e.Expression), Line((e.AliasSpan ?? e.Span).Offset), false, null) { Generated = !Written((e.AliasSpan ?? e.Span).Offset) },
                    Ast.SqlStarItem s => new SqlColumn(null, Text(s), Line(s.Span.Offset), true, s.Qualifier?.Last) { Generated = !Written(s.Span.Offset) },
                    _ => new SqlColumn(null, Text(item), Line(item.Span.Offset), false, null) { Generated = !Written(item.Span.Offset) },
                });
            }

            var facts = new SqlSelect
            {
                Columns = columns,
                From = leaves.Count > 0 ? [leaves[0].Relation] : [],
                Joins = joins,
                HasWhere = select.Where is not null || select.Qualify is not null,
                HasGroupBy = select.GroupBy is not null,
                SingleRow = SingleRow(select),
                Line = Line(select.Span.Offset),
                WhereText = select.Where is { } where ? Text(where) : "",
            };
            _selects.Add(facts);
            _byNode[select] = (facts, leaves);
        }

        private static bool IsAggregateOrConstant(Ast.SqlExpression expression)
        {
            while (expression is Ast.SqlCast cast)
            {
                expression = cast.Operand;
            }

            return expression is Ast.SqlLiteral || expression is Ast.SqlFunctionCall { Over: null } call && Aggregates.Contains(call.LowerName);
        }

        private Leaf LeafOf(Ast.SqlTableRef item, Scope? scope, List<Leaf> earlier)
        {
            switch (item)
            {
                case Ast.SqlNamedTable table:
                {
                    var name = table.Name;
                    var line = Line(name.Span.Offset);
                    if (name.IsOpaque)
                    {
                        var text = name.Text;
                        var kind = text.Contains("ref(", StringComparison.Ordinal) ? RelationKind.Ref : text.Contains("source(", StringComparison.Ordinal) ? RelationKind.Source : RelationKind.Opaque;
                        return new Leaf(new SqlRelation(kind, text.Trim('{', '}', ' ', '-'), table.Alias, line), item, null);
                    }

                    if (spans.FirstOrDefault(s => s.Offset < name.Span.End && name.Span.Offset < s.Offset + s.Length) is { } span)
                    {
                        return new Leaf(new SqlRelation(span.Kind, span.Name, table.Alias, line) { Target = span.Target }, item, null);
                    }

                    if (name.Parts.Count == 1 && scope?.Find(name.Last) is { } cte)
                    {
                        return new Leaf(new SqlRelation(RelationKind.Cte, name.Last, table.Alias, line) { Target = cte.Node.Name }, item, cte);
                    }

                    // BigQuery implicit array join: from t, t.items reads the array of the row on its left.
                    if (name.Parts.Count >= 2 && earlier.Any(e => string.Equals(e.Relation.Alias ?? SqlFileFacts.LastPart(e.Relation.Target ?? e.Relation.Name), name.Parts[0], StringComparison.OrdinalIgnoreCase)))
                    {
                        return new Leaf(new SqlRelation(RelationKind.Function, name.Text, table.Alias, line) { ExpandsLeft = true }, item, null);
                    }

                    // A name an expression produced ({{ this }}, {{ target.schema }}.x, a macro's output) is not written in the file.
                    var kindOfName = isLiteral(name.Span.Offset, name.Span.Length) ? RelationKind.Table : RelationKind.Opaque;
                    return new Leaf(new SqlRelation(kindOfName, name.Text, table.Alias, line), item, null);
                }

                case Ast.SqlDerivedTable derived:
                    return new Leaf(new SqlRelation(RelationKind.Subquery, "(subquery)", derived.Alias, Line(derived.Span.Offset)) { ExpandsLeft = derived.Lateral, SingleRow = SingleRow(derived.Query) }, item, null);
                case Ast.SqlFunctionTable function:
                    return new Leaf(new SqlRelation(RelationKind.Function, function.Function.Name.Text, function.Alias, Line(function.Span.Offset)) { ExpandsLeft = function.IsArrayExpansion || function.Lateral }, item, null);
                case Ast.SqlValuesTable values:
                    return new Leaf(new SqlRelation(RelationKind.Values, "(values)", values.Alias, Line(values.Span.Offset)), item, null);
                default:
                    return new Leaf(new SqlRelation(RelationKind.Opaque, Text(item, 200), item.Alias, Line(item.Span.Offset)), item, null);
            }
        }

        // ---- output columns ----

        private sealed class StarState
        {
            public int Line { get; set; }

            public SqlRelation? Relation { get; set; }

            public bool Generated { get; set; }
        }

        private List<SqlColumn> Expand(Ast.SqlSelect select, int depth, StarState star)
        {
            var (facts, leaves) = _byNode[select];
            var result = new List<SqlColumn>();
            for (var i = 0; i < select.Items.Count; i++)
            {
                var column = facts.Columns[i];
                if (select.Items[i] is not Ast.SqlStarItem item)
                {
                    result.Add(column);
                    continue;
                }

                var read = item.Qualifier is { } q
                    ? leaves.Where(l => string.Equals(l.Relation.Alias ?? SqlFileFacts.LastPart(l.Relation.Target ?? l.Relation.Name), q.Last, StringComparison.OrdinalIgnoreCase)).ToList()
                    : leaves;
                if (read.Count == 0)
                {
                    Unexpanded(column, null, result, star);
                    continue;
                }

                foreach (var leaf in read)
                {
                    var query = leaf.Cte?.Node.Query ?? (leaf.Node as Ast.SqlDerivedTable)?.Query;
                    if (query is null || depth >= MaxStarExpansion || Leftmost(query.Body) is not { } inner || !_byNode.ContainsKey(inner))
                    {
                        Unexpanded(column, leaf.Relation, result, star);
                        continue;
                    }

                    var expanded = Expand(inner, depth + 1, star);
                    var aliases = leaf.Cte?.Node.ColumnAliases ?? [];
                    for (var c = 0; c < expanded.Count && c < aliases.Count; c++)
                    {
                        expanded[c] = expanded[c] with { Name = aliases[c] };
                    }

                    foreach (var e in expanded)
                    {
                        if (e.Name is { } name && item.Except.Contains(name, StringComparer.OrdinalIgnoreCase))
                        {
                            continue;
                        }

                        var replaced = e.Name is null ? null : item.Replace.FirstOrDefault(r => string.Equals(r.Column, e.Name, StringComparison.OrdinalIgnoreCase));
                        var renamed = e.Name is null ? null : item.Rename.FirstOrDefault(r => string.Equals(r.From, e.Name, StringComparison.OrdinalIgnoreCase));
                        result.Add(e with
                        {
                            Name = renamed?.To ?? e.Name,
                            Expression = replaced is null ? e.Expression : Text(replaced.Expression),
                            Line = replaced is null ? e.Line : Line(replaced.Span.Offset),
                        });
                    }
                }
            }

            return result;
        }

        private static void Unexpanded(SqlColumn column, SqlRelation? relation, List<SqlColumn> result, StarState star)
        {
            if (star.Line == 0)
            {
                star.Line = column.Line;
                star.Relation = relation;
                star.Generated = column.Generated;
            }

            result.Add(column);
        }

        // ---- statements ----

        private SqlStatement StatementOf(Ast.SqlStatement statement)
        {
            var start = Line(statement.Span.Offset);
            var end = Line(Math.Max(statement.Span.Offset, statement.Span.End - 1));
            var text = Text(statement, 500);
            var result = new SqlStatement { Kind = StatementKind.Other, Line = start, EndLine = end, Text = text };
            return statement switch
            {
                Ast.SqlSelectStatement => result with { Kind = StatementKind.Select },
                Ast.SqlInsert insert => result with { Kind = StatementKind.Insert, ObjectName = insert.Target.Text },
                Ast.SqlMerge merge => result with { Kind = StatementKind.Merge, ObjectName = merge.Target.Text },
                Ast.SqlUpdate update => result with { Kind = StatementKind.Update, ObjectName = update.Target.Text, HasWhere = update.Where is not null },
                Ast.SqlDelete delete => result with { Kind = StatementKind.Delete, ObjectName = delete.Target.Text, HasWhere = delete.Where is not null },
                Ast.SqlCreateTable create => result with
                {
                    Kind = StatementKind.Create, ObjectType = create.ObjectKind, ObjectName = create.Name.Text, OrReplace = create.OrReplace,
                    DefinedColumns = create.Columns.Select(Defined).ToList(),
                },
                Ast.SqlCreateIndex index => result with { Kind = StatementKind.Create, ObjectType = "index", ObjectName = index.Name ?? index.Table.Text },
                Ast.SqlDrop drop => result with { Kind = StatementKind.Drop, ObjectType = drop.ObjectKind, ObjectName = (drop.Names.Count > 0 ? drop.Names[0].Text : null), IfExists = drop.IfExists },
                Ast.SqlAlter alter => result with
                {
                    Kind = StatementKind.Alter, ObjectType = alter.ObjectKind, ObjectName = alter.Name.Text, IfExists = alter.IfExists,
                    DroppedColumn = alter.Actions.OfType<Ast.SqlDropColumn>().FirstOrDefault()?.Column,
                    DefinedColumns = alter.Actions.OfType<Ast.SqlAddColumn>().Select(a => Defined(a.Column)).ToList(),
                },
                Ast.SqlTruncate truncate => result with { Kind = StatementKind.Truncate, ObjectType = "table", ObjectName = (truncate.Names.Count > 0 ? truncate.Names[0].Text : null) },
                Ast.SqlGrant grant => result with
                {
                    Kind = grant.Revoke ? StatementKind.Revoke : StatementKind.Grant, ObjectType = grant.ObjectKind, ObjectName = (grant.Objects.Count > 0 ? grant.Objects[0].Text : null),
                    Grantees = grant.Grantees, Privileges = grant.Privileges,
                },
                Ast.SqlInvalidStatement => Recovered(statement, result),
                _ => result,
            };
        }

        private SqlColumn Defined(Ast.SqlColumnDefinition column) => new(column.Name, Text(column, 500), Line(column.Span.Offset), false, null);

        /// <summary>
        /// A statement the parser could not read keeps what its leading keywords say (a DROP/TRUNCATE/DELETE is still a
        /// data-loss statement), so a syntax gap can never hide a destructive statement; the file is reported partial.
        /// </summary>
        private SqlStatement Recovered(Ast.SqlStatement statement, SqlStatement result)
        {
            var words = parse.Tokens.Where(t => t.Offset >= statement.Span.Offset && t.End <= statement.Span.End && t.Kind != SqlTokenKind.End).Take(4000).ToList();
            string Word(int i) => i < words.Count && words[i].Kind == SqlTokenKind.Word ? words[i].Value.ToLowerInvariant() : "";
            string? NameAt(int i)
            {
                var parts = new List<string>();
                while (i < words.Count && words[i].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier)
                {
                    parts.Add(words[i].Value);
                    if (i + 1 < words.Count && words[i + 1].IsSymbol("."))
                    {
                        i += 2;
                        continue;
                    }

                    break;
                }

                return parts.Count == 0 ? null : string.Join('.', parts);
            }

            var hasWhere = words.Any(w => w.IsWord("where"));
            switch (Word(0))
            {
                case "drop":
                {
                    var at = Word(1) == "materialized" ? 2 : 1;
                    var type = Word(at);
                    var name = at + 1;
                    var ifExists = Word(name) == "if" && Word(name + 1) == "exists";
                    return result with { Kind = StatementKind.Drop, ObjectType = type, ObjectName = NameAt(ifExists ? name + 2 : name), IfExists = ifExists };
                }

                case "truncate":
                    return result with { Kind = StatementKind.Truncate, ObjectType = "table", ObjectName = NameAt(Word(1) == "table" ? 2 : 1) };
                case "delete":
                    return result with { Kind = StatementKind.Delete, ObjectName = NameAt(Word(1) == "from" ? 2 : 1), HasWhere = hasWhere };
                case "update":
                    return result with { Kind = StatementKind.Update, ObjectName = NameAt(1), HasWhere = hasWhere };
                default:
                    return result with { Kind = StatementKind.Invalid };
            }
        }
    }
}
