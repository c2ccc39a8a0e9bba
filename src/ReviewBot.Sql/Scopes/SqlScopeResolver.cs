using ReviewBot.Sql.Lexing;
using ReviewBot.Sql.Parsing;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Sql.Scopes;

/// <summary>
/// Resolves the scopes of a query (sqlglot's scope walk, simplified): every FROM item becomes a source with an alias
/// and, when known, its columns; every output column is traced to base relation columns through CTEs, derived
/// tables, set operations, array expansions and correlated subqueries. <c>select *</c> expands where the source's
/// columns are known (a CTE, a subquery, or a relation the <see cref="ISqlSchemaProvider"/> knows), else it stays one
/// unknown column. Recursion follows query nesting only, which the parser bounds by its depth limit.
/// </summary>
public sealed class SqlScopeResolver
{
    private readonly SqlFingerprint _fingerprint;
    private readonly ISqlSchemaProvider? _schema;
    private readonly List<SqlNamedTable> _relations = [];

    private SqlScopeResolver(IReadOnlyList<SqlToken> tokens, ISqlSchemaProvider? schema)
    {
        _fingerprint = new SqlFingerprint(tokens);
        _schema = schema;
    }

    /// <summary>Lineage of <paramref name="query"/>, which was parsed into <paramref name="parse"/>.</summary>
    public static SqlQueryLineage Resolve(SqlQuery query, SqlParseResult parse, ISqlSchemaProvider? schema = null)
    {
        var resolver = new SqlScopeResolver(parse.Tokens, schema);
        var columns = resolver.ResolveQuery(query, Env.Empty, null);
        return new SqlQueryLineage(columns.Select(c => c.ToOutput()).ToList(), resolver._relations);
    }

    /// <summary>Lineage of the last query-producing statement of a parse (the model's SELECT, or a CREATE ... AS).</summary>
    public static SqlQueryLineage? ResolveLast(SqlParseResult parse, ISqlSchemaProvider? schema = null)
    {
        var query = LastQuery(parse);
        return query is null ? null : Resolve(query, parse, schema);
    }

    /// <summary>The query whose result a model/file produces: the last SELECT, CREATE ... AS or INSERT ... SELECT.</summary>
    public static SqlQuery? LastQuery(SqlParseResult parse)
    {
        for (var i = parse.Statements.Count - 1; i >= 0; i--)
        {
            switch (parse.Statements[i])
            {
                case SqlSelectStatement s:
                    return s.Query;
                case SqlCreateTable { AsQuery: { } q }:
                    return q;
                case SqlInsert { Source: { } q }:
                    return q;
            }
        }

        return null;
    }

    // ---- model ----

    private sealed class Column(string name, SqlSpan span, HashSet<SqlColumnSource> sources, bool unknown, string definition)
    {
        public string Name { get; set; } = name;

        public SqlSpan Span { get; } = span;

        public HashSet<SqlColumnSource> Sources { get; } = sources;

        public bool Unknown { get; set; } = unknown;

        /// <summary>
        /// What computes the column, composed from the definitions of what it reads. Long texts are replaced by a 64-bit
        /// hash so that chains of CTEs cannot make definitions grow without bound.
        /// </summary>
        public string Definition { get; } = Compact(definition);

        public bool Star { get; init; }

        /// <summary>For an unexpanded star over one base relation: that relation, so names can still be traced through it.</summary>
        public string? StarRelation { get; init; }

        public SqlOutputColumn ToOutput() => new(Name, Span, Sources, Unknown, Definition) { IsUnexpandedStar = Star };

        public Column Renamed(string name) => new(name, Span, Sources, Unknown, Definition) { Star = Star, StarRelation = StarRelation };
    }

    private static string Compact(string definition)
    {
        if (definition.Length <= 64)
        {
            return definition;
        }

        // FNV-1a, 64 bits: stable across processes (string.GetHashCode is not), cheap, and enough to tell versions apart.
        var hash = 14695981039346656037UL;
        foreach (var c in definition)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return "#" + hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    private enum SourceKind
    {
        /// <summary>Columns listed (CTE, subquery, relation known to the schema provider).</summary>
        Known,

        /// <summary>A base relation with unknown columns: any column name belongs to it.</summary>
        Open,

        /// <summary>Opaque relation: columns exist but nothing is known about them.</summary>
        Opaque,

        /// <summary>An array expansion: every column derives from the expanded expression.</summary>
        Expansion,
    }

    private sealed record Source(string? Alias, string? RelationKey, string? RelationLast, SourceKind Kind, List<Column>? Columns, Column? Element);

    /// <summary>CTEs visible at a point: an immutable chain so that inner WITH clauses shadow outer ones.</summary>
    private sealed record Env(string Name, List<Column>? Columns, Env? Next)
    {
        public static readonly Env Empty = new(string.Empty, null, null);

        public bool TryFind(string name, out List<Column>? columns)
        {
            for (var e = this; e is not null; e = e.Next)
            {
                if (e.Next is not null && string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    columns = e.Columns;
                    return true;
                }
            }

            columns = null;
            return false;
        }
    }

    /// <summary>A select scope: its sources, the aliases defined so far (lateral column aliases), and the parent for correlation.</summary>
    private sealed class Scope(List<Source> sources, Scope? parent)
    {
        public List<Source> Sources { get; } = sources;

        public Scope? Parent { get; } = parent;

        public Dictionary<string, Column> Aliases { get; } = new(StringComparer.OrdinalIgnoreCase);
    }

    // ---- queries ----

    private List<Column> ResolveQuery(SqlQuery query, Env env, Scope? parent)
    {
        if (query.With is { } with)
        {
            foreach (var cte in with.Ctes)
            {
                List<Column> columns;
                if (with.Recursive && References(cte.Query, cte.Name))
                {
                    // The recursive part reads the CTE itself: resolve the anchor first, then the whole with the anchor's columns.
                    var anchor = cte.Query.Body is SqlSetOperation op ? ResolveBody(op.Left, new Env(cte.Name, null, env), parent) : [];
                    columns = ResolveQuery(cte.Query with { With = null }, new Env(cte.Name, anchor, env), parent);
                }
                else
                {
                    columns = ResolveQuery(cte.Query, env, parent);
                }

                for (var i = 0; i < cte.ColumnAliases.Count && i < columns.Count; i++)
                {
                    columns[i] = columns[i].Renamed(cte.ColumnAliases[i]);
                }

                env = new Env(cte.Name, columns, env);
            }
        }

        return ResolveBody(query.Body, env, parent);
    }

    private static bool References(SqlQuery query, string name) =>
        SqlWalker.DescendantsAndSelf(query).OfType<SqlNamedTable>().Any(t => t.Name.Parts.Count == 1 && string.Equals(t.Name.Last, name, StringComparison.OrdinalIgnoreCase));

    private List<Column> ResolveBody(SqlQueryBody body, Env env, Scope? parent)
    {
        switch (body)
        {
            case SqlSelect select:
                return ResolveSelect(select, env, parent);
            case SqlNestedQuery nested:
                return ResolveQuery(nested.Query, env, parent);
            case SqlSetOperation set:
            {
                var left = ResolveBody(set.Left, env, parent);
                var right = ResolveBody(set.Right, env, parent);
                return CombineSet(set, left, right);
            }

            case SqlValues values:
            {
                var width = values.Rows.Count == 0 ? 0 : values.Rows[0].Count;
                return Enumerable.Range(1, width).Select(i => new Column($"column{i}", values.Span, [], false, "values:" + _fingerprint.Of(values) + ":" + i)).ToList();
            }

            default:
                return [];
        }
    }

    private static List<Column> CombineSet(SqlSetOperation set, List<Column> left, List<Column> right)
    {
        var result = new List<Column>();
        var unknownShape = left.Any(c => c.Star) || right.Any(c => c.Star) || left.Count != right.Count && !set.ByName;
        for (var i = 0; i < left.Count; i++)
        {
            var l = left[i];
            var r = set.ByName ? right.FirstOrDefault(c => string.Equals(c.Name, l.Name, StringComparison.OrdinalIgnoreCase)) : i < right.Count ? right[i] : null;
            var sources = new HashSet<SqlColumnSource>(l.Sources);
            if (r is not null)
            {
                sources.UnionWith(r.Sources);
            }

            var op = set.Operator.ToString().ToLowerInvariant() + (set.All ? " all" : string.Empty);
            result.Add(new Column(l.Name, l.Span, sources, l.Unknown || r is null || r.Unknown || unknownShape, $"{op}({l.Definition} | {r?.Definition})") { Star = l.Star });
        }

        return result;
    }

    private List<Column> ResolveSelect(SqlSelect select, Env env, Scope? parent)
    {
        var scope = new Scope([], parent);
        if (select.From is { } from)
        {
            AddSources(from, env, scope);
        }

        // Subqueries in where/having/qualify also read relations: walk them so the relation list is complete.
        foreach (var clause in new SqlNode?[] { select.Where, select.Having, select.Qualify, select.GroupBy })
        {
            if (clause is not null)
            {
                ResolveNestedQueries(clause, env, scope);
            }
        }

        var output = new List<Column>();
        foreach (var item in select.Items)
        {
            switch (item)
            {
                case SqlExpressionItem expressionItem:
                {
                    var column = ResolveExpressionColumn(expressionItem, env, scope, output.Count);
                    output.Add(column);
                    scope.Aliases.TryAdd(column.Name, column);
                    break;
                }

                case SqlStarItem star:
                    output.AddRange(ExpandStar(star, env, scope));
                    break;
            }
        }

        return output;
    }

    private void ResolveNestedQueries(SqlNode node, Env env, Scope scope)
    {
        foreach (var sub in SqlWalker.DescendantsAndSelf(node, intoQueries: false).OfType<SqlQuery>())
        {
            ResolveQuery(sub, env, scope);
        }
    }

    private Column ResolveExpressionColumn(SqlExpressionItem item, Env env, Scope scope, int index)
    {
        var expression = item.Expression;
        if (expression is SqlOpaque opaque)
        {
            // An opaque placeholder as a whole item may stand for any number of columns.
            return new Column(opaque.Text, item.Span, [], true, "opaque:" + opaque.Text) { Star = true };
        }

        var name = item.OutputName ?? (expression is SqlFunctionCall call ? call.LowerName : $"_col{index}");
        var (sources, unknown, refs) = ResolveExpression(expression, env, scope);
        var definition = _fingerprint.Of(expression) + (refs.Count > 0 ? " [" + string.Join(", ", refs) + "]" : string.Empty);
        return new Column(name, item.AliasSpan ?? item.Span, sources, unknown, definition);
    }

    private (HashSet<SqlColumnSource> Sources, bool Unknown, List<string> Definitions) ResolveExpression(SqlExpression expression, Env env, Scope scope)
    {
        var sources = new HashSet<SqlColumnSource>();
        var unknown = false;
        var definitions = new List<string>();
        var lambdaParameters = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var node in SqlWalker.DescendantsAndSelf(expression, intoQueries: false))
        {
            switch (node)
            {
                case SqlLambda lambda:
                    lambdaParameters.UnionWith(lambda.Parameters);
                    break;
                case SqlOpaque:
                    unknown = true;
                    definitions.Add("opaque");
                    break;
                case SqlColumnRef column when column.Name.Parts.Count == 1 && lambdaParameters.Contains(column.Name.Last):
                    break;
                case SqlColumnRef column:
                {
                    var resolved = ResolveColumn(column.Name, scope);
                    if (resolved is null)
                    {
                        unknown = true;
                        definitions.Add("?" + SqlNames.Key(column.Name));
                    }
                    else
                    {
                        sources.UnionWith(resolved.Sources);
                        unknown |= resolved.Unknown;
                        definitions.Add(resolved.Definition);
                    }

                    break;
                }

                case SqlQuery query:
                {
                    var columns = ResolveQuery(query, env, scope);
                    foreach (var c in columns)
                    {
                        sources.UnionWith(c.Sources);
                        unknown |= c.Unknown;
                        definitions.Add("(" + c.Definition + ")");
                    }

                    break;
                }
            }
        }

        return (sources, unknown, definitions);
    }

    private static Column? ResolveColumn(SqlName name, Scope scope)
    {
        for (var s = scope; s is not null; s = s.Parent)
        {
            var found = ResolveInScope(name, s);
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }

    private static Column? ResolveInScope(SqlName name, Scope scope)
    {
        var parts = name.Parts;
        if (parts.Count >= 2)
        {
            // alias.column[.field...] or schema.table.column
            for (var take = Math.Min(parts.Count - 1, 3); take >= 1; take--)
            {
                var qualifier = string.Join('.', parts.Take(take));
                var source = FindSource(scope, qualifier);
                if (source is not null)
                {
                    return ColumnOf(source, parts[take]);
                }
            }
        }

        var columnName = parts[0];

        // An unqualified name (or struct access col.field): a known column wins, then an earlier alias, then an open source.
        Column? match = null;
        var matches = 0;
        foreach (var source in scope.Sources)
        {
            if (source.Kind == SourceKind.Known && source.Columns!.FirstOrDefault(c => string.Equals(c.Name, columnName, StringComparison.OrdinalIgnoreCase)) is { } known)
            {
                match ??= known;
                matches++;
            }
        }

        if (matches == 1)
        {
            return match;
        }

        if (matches > 1)
        {
            return new Column(columnName, name.Span, [.. match!.Sources], true, "ambiguous:" + columnName);
        }

        if (scope.Aliases.TryGetValue(columnName, out var alias))
        {
            return alias;
        }

        // BigQuery/Trino: the alias of an unnest is the element value itself (from unnest(arr) as x select x).
        var expansion = scope.Sources.FirstOrDefault(s => s.Kind == SourceKind.Expansion && string.Equals(s.Alias, columnName, StringComparison.OrdinalIgnoreCase));
        if (expansion is not null)
        {
            return ColumnOf(expansion, columnName);
        }

        var open = scope.Sources.Where(s => s.Kind != SourceKind.Known || s.Columns!.Any(c => c.Star)).ToList();
        if (open.Count == 1)
        {
            return ColumnOf(open[0], columnName);
        }

        if (open.Count > 1)
        {
            // Several sources could hold it: lineage is a guess, so say unknown and keep every candidate.
            var candidates = new HashSet<SqlColumnSource>(open.SelectMany(s => ColumnOf(s, columnName).Sources));
            return new Column(columnName, name.Span, candidates, true, "ambiguous:" + SqlNames.Key(columnName));
        }

        return null;
    }

    private static Source? FindSource(Scope scope, string qualifier)
    {
        foreach (var source in scope.Sources)
        {
            if (source.Alias is not null && string.Equals(source.Alias, qualifier, StringComparison.OrdinalIgnoreCase))
            {
                return source;
            }
        }

        foreach (var source in scope.Sources)
        {
            if (source.Alias is null && source.RelationKey is not null
                && (string.Equals(source.RelationKey, qualifier, StringComparison.OrdinalIgnoreCase) || string.Equals(source.RelationLast, qualifier, StringComparison.OrdinalIgnoreCase)
                    || source.RelationKey.EndsWith("." + qualifier.ToLowerInvariant(), StringComparison.Ordinal)))
            {
                return source;
            }
        }

        return null;
    }

    private static Column ColumnOf(Source source, string name)
    {
        var key = SqlNames.Key(name);
        switch (source.Kind)
        {
            case SourceKind.Known:
            {
                var known = source.Columns!.FirstOrDefault(c => !c.Star && string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase));
                if (known is not null)
                {
                    return known;
                }

                // Not listed, but the source passes an unexpanded star through: the column comes from behind that star.
                var stars = source.Columns!.Where(c => c.Star).ToList();
                if (stars.Count == 1 && stars[0].StarRelation is { } relation)
                {
                    return new Column(name, default, [new SqlColumnSource(relation, key)], false, $"{relation}.{key}");
                }

                if (stars.Count >= 1)
                {
                    return new Column(name, default, [.. stars.SelectMany(c => c.Sources)], true, $"star-member:{key}");
                }

                return new Column(name, default, [], true, $"missing:{source.Alias}.{key}");
            }

            case SourceKind.Open:
                return new Column(name, default, [new SqlColumnSource(source.RelationKey!, key)], false, $"{source.RelationKey}.{key}");
            case SourceKind.Expansion:
            {
                var element = source.Element!;
                return new Column(name, default, [.. element.Sources], element.Unknown, $"element({element.Definition}).{key}");
            }

            default:
                return new Column(name, default, [], true, $"opaque.{key}");
        }
    }

    private List<Column> ExpandStar(SqlStarItem star, Env env, Scope scope)
    {
        var sources = star.Qualifier is null ? scope.Sources : [FindSource(scope, star.Qualifier.Text) ?? new Source(star.Qualifier.Text, star.Qualifier.Text, star.Qualifier.Last, SourceKind.Opaque, null, null)];
        var result = new List<Column>();
        foreach (var source in sources)
        {
            if (source.Kind != SourceKind.Known)
            {
                var label = source.RelationKey ?? source.Alias ?? "?";
                var modifiers = _fingerprint.Of(star);
                var sourcesOfStar = source.Kind == SourceKind.Expansion ? new HashSet<SqlColumnSource>(source.Element!.Sources) : [];
                result.Add(new Column("*", star.Span, sourcesOfStar, true, $"star({label}) {modifiers}")
                {
                    Star = true,
                    StarRelation = source.Kind == SourceKind.Open && star.Except.Count == 0 && star.Rename.Count == 0 ? source.RelationKey : null,
                });
                continue;
            }

            foreach (var column in source.Columns!)
            {
                if (star.Except.Contains(column.Name, StringComparer.OrdinalIgnoreCase))
                {
                    continue;
                }

                if (star.Replace.FirstOrDefault(r => string.Equals(r.Column, column.Name, StringComparison.OrdinalIgnoreCase)) is { } replace)
                {
                    var (s, u, d) = ResolveExpression(replace.Expression, env, scope);
                    result.Add(new Column(column.Name, replace.Span, s, u, _fingerprint.Of(replace.Expression) + " [" + string.Join(", ", d) + "]"));
                    continue;
                }

                var rename = star.Rename.FirstOrDefault(r => string.Equals(r.From, column.Name, StringComparison.OrdinalIgnoreCase));
                result.Add(rename is null ? column : column.Renamed(rename.To));
            }
        }

        return result;
    }

    // ---- FROM ----

    private void AddSources(SqlTableRef table, Env env, Scope scope)
    {
        // Joins nest to the left; walk them with a stack so that thousands of comma joins cannot recurse.
        var pending = new Stack<SqlTableRef>();
        pending.Push(table);
        var ordered = new List<SqlTableRef>();
        while (pending.Count > 0)
        {
            var next = pending.Pop();
            if (next is SqlJoin join)
            {
                pending.Push(join.Right);
                pending.Push(join.Left);
                continue;
            }

            ordered.Add(next);
        }

        foreach (var item in ordered)
        {
            scope.Sources.Add(MakeSource(item, env, scope));
        }

        // Join conditions may hold subqueries.
        foreach (var join in SqlWalker.DescendantsAndSelf(table, intoQueries: false).OfType<SqlJoin>())
        {
            if (join.On is not null)
            {
                ResolveNestedQueries(join.On, env, scope);
            }
        }
    }

    private Source MakeSource(SqlTableRef item, Env env, Scope scope)
    {
        switch (item)
        {
            case SqlNamedTable named:
            {
                var name = named.Name;
                if (name.Parts.Count == 1 && env.TryFind(name.Last, out var cteColumns))
                {
                    return cteColumns is null
                        ? new Source(named.Alias ?? name.Last, null, name.Last, SourceKind.Opaque, null, null)
                        : new Source(named.Alias ?? name.Last, null, name.Last, SourceKind.Known, Aliased(cteColumns, named.TableAlias), null);
                }

                if (name.Parts.Count >= 2 && !name.IsOpaque && FindSource(scope, name.Parts[0]) is { } owner && owner.Alias is not null)
                {
                    // BigQuery implicit array join: from t, t.items — one row per element of t.items.
                    var element = ColumnOf(owner, name.Parts[1]);
                    return new Source(named.Alias ?? name.Last, null, null, SourceKind.Expansion, null, element);
                }

                if (name.IsOpaque)
                {
                    return new Source(named.Alias, name.Text, name.Last, SourceKind.Opaque, null, null);
                }

                _relations.Add(named);
                var key = SqlNames.Key(name);
                if (named.Modifier is "pivot" or "unpivot" or "match_recognize")
                {
                    return new Source(named.Alias, key, SqlNames.Key(name.Last), SourceKind.Opaque, null, null);
                }

                var known = _schema?.ColumnsOf(key);
                if (known is not null)
                {
                    var columns = known.Select(c => new Column(c, named.Span, [new SqlColumnSource(key, SqlNames.Key(c))], false, $"{key}.{SqlNames.Key(c)}")).ToList();
                    return new Source(named.Alias, key, SqlNames.Key(name.Last), SourceKind.Known, Aliased(columns, named.TableAlias), null);
                }

                return new Source(named.Alias, key, SqlNames.Key(name.Last), SourceKind.Open, null, null);
            }

            case SqlDerivedTable derived:
            {
                var columns = ResolveQuery(derived.Query, env, derived.Lateral ? scope : scope.Parent);
                return new Source(derived.Alias, null, null, SourceKind.Known, Aliased(columns, derived.TableAlias), null);
            }

            case SqlFunctionTable function:
            {
                var (sources, unknown, definitions) = ResolveExpression(function.Function, env, scope);
                var element = new Column(function.Alias ?? function.Function.LowerName, function.Span, sources, unknown, _fingerprint.Of(function.Function) + " [" + string.Join(", ", definitions) + "]");
                return new Source(function.Alias, null, null, SourceKind.Expansion, null, element);
            }

            case SqlNestedJoin nested:
            {
                var inner = new Scope([], scope.Parent);
                AddSources(nested.Inner, env, inner);
                if (nested.Alias is null)
                {
                    scope.Sources.AddRange(inner.Sources.Take(inner.Sources.Count - 1));
                    return inner.Sources[^1];
                }

                var columns = inner.Sources.Where(s => s.Kind == SourceKind.Known).SelectMany(s => s.Columns!).ToList();
                var allKnown = inner.Sources.All(s => s.Kind == SourceKind.Known);
                return new Source(nested.Alias, null, null, allKnown ? SourceKind.Known : SourceKind.Opaque, columns, null);
            }

            case SqlValuesTable values:
            {
                var columns = ResolveBody(values.Values, env, scope);
                return new Source(values.Alias, null, null, SourceKind.Known, Aliased(columns, values.TableAlias), null);
            }

            default:
                return new Source(item.Alias, null, null, SourceKind.Opaque, null, null);
        }
    }

    private static List<Column> Aliased(List<Column> columns, SqlAlias? alias)
    {
        if (alias is null || alias.Columns.Count == 0)
        {
            return columns;
        }

        var result = new List<Column>(columns);
        for (var i = 0; i < alias.Columns.Count && i < result.Count; i++)
        {
            result[i] = result[i].Renamed(alias.Columns[i]);
        }

        return result;
    }
}
