using ReviewBot.Sql.Parsing;
using ReviewBot.Sql.Scopes;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Sql.Lineage;

/// <summary>One named relation of a project and the parsed SQL that produces it.</summary>
/// <param name="Relation">The relation's name as others read it (model name or schema.name).</param>
/// <param name="Parse">The parsed SQL; its last query is the relation's content.</param>
public sealed record SqlRelationDefinition(string Relation, SqlParseResult Parse);

/// <summary>
/// Column lineage across many named relations, knowing nothing of dbt: each relation's output columns are traced
/// to the columns of the relations it reads (<c>select *</c> expands through upstream relations resolved first), and
/// the graph answers upstream and transitive downstream questions at any depth. Every walk is iterative.
/// </summary>
public sealed class SqlProjectLineage
{
    private readonly Dictionary<string, string> _byFullName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<string>> _byLastPart = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<SqlColumnSource, HashSet<SqlColumnSource>> _upstream = [];
    private readonly Dictionary<SqlColumnSource, HashSet<SqlColumnSource>> _downstream = [];
    private readonly Dictionary<string, SqlQueryLineage> _lineage = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, HashSet<string>> _relationDownstream = new(StringComparer.OrdinalIgnoreCase);

    private SqlProjectLineage()
    {
    }

    /// <summary>Each relation's own lineage (output columns and the relations it reads), by relation key.</summary>
    public IReadOnlyDictionary<string, SqlQueryLineage> Relations => _lineage;

    /// <summary>Builds the lineage of <paramref name="definitions"/>; <paramref name="external"/> knows outside relations (sources).</summary>
    public static SqlProjectLineage Build(IEnumerable<SqlRelationDefinition> definitions, ISqlSchemaProvider? external = null)
    {
        var lineage = new SqlProjectLineage();
        var all = new Dictionary<string, SqlRelationDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var definition in definitions)
        {
            var key = SqlNames.Key(definition.Relation);
            all[key] = definition;
            lineage._byFullName[key] = key;
            var last = key[(key.LastIndexOf('.') + 1)..];
            if (!lineage._byLastPart.TryGetValue(last, out var list))
            {
                lineage._byLastPart[last] = list = [];
            }

            list.Add(key);
        }

        var order = lineage.TopologicalOrder(all);
        var schema = new ProjectSchema(lineage, external);
        foreach (var key in order)
        {
            var parse = all[key].Parse;
            var query = SqlScopeResolver.LastQuery(parse);
            if (query is null)
            {
                continue;
            }

            var resolved = SqlScopeResolver.Resolve(query, parse, schema);
            lineage._lineage[key] = resolved;
            foreach (var column in resolved.Columns)
            {
                if (column.IsUnexpandedStar)
                {
                    continue;
                }

                var target = new SqlColumnSource(key, SqlNames.Key(column.Name));
                foreach (var source in column.Sources)
                {
                    var upstream = new SqlColumnSource(lineage.Match(source.Relation) ?? source.Relation, source.Column);
                    Add(lineage._upstream, target, upstream);
                    Add(lineage._downstream, upstream, target);
                }
            }

            foreach (var relation in resolved.Relations)
            {
                var upstreamKey = lineage.Match(SqlNames.Key(relation.Name)) ?? SqlNames.Key(relation.Name);
                if (!lineage._relationDownstream.TryGetValue(upstreamKey, out var set))
                {
                    lineage._relationDownstream[upstreamKey] = set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                }

                set.Add(key);
            }
        }

        return lineage;
    }

    /// <summary>The project relation a name read in SQL refers to: the exact key, else a unique last-part match.</summary>
    public string? Match(string relationKey)
    {
        if (_byFullName.ContainsKey(relationKey))
        {
            return relationKey;
        }

        var last = relationKey[(relationKey.LastIndexOf('.') + 1)..];
        return _byLastPart.TryGetValue(last, out var list) && list.Count == 1 ? list[0] : null;
    }

    /// <summary>The columns <paramref name="relation"/>.<paramref name="column"/> is computed from directly.</summary>
    public IReadOnlyCollection<SqlColumnSource> Upstream(string relation, string column) =>
        _upstream.TryGetValue(new SqlColumnSource(SqlNames.Key(relation), SqlNames.Key(column)), out var set) ? set : [];

    /// <summary>Every column, any number of levels up, that <paramref name="relation"/>.<paramref name="column"/> derives from.</summary>
    public IReadOnlyCollection<SqlColumnSource> UpstreamTransitive(string relation, string column) => Closure(_upstream, relation, column);

    /// <summary>Every column, any number of levels down, computed from <paramref name="relation"/>.<paramref name="column"/>.</summary>
    public IReadOnlyCollection<SqlColumnSource> Downstream(string relation, string column) => Closure(_downstream, relation, column);

    /// <summary>Every relation, any number of levels down, that reads <paramref name="relation"/>.</summary>
    public IReadOnlyCollection<string> DownstreamRelations(string relation)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<string>();
        queue.Enqueue(Match(SqlNames.Key(relation)) ?? SqlNames.Key(relation));
        while (queue.Count > 0)
        {
            var next = queue.Dequeue();
            if (_relationDownstream.TryGetValue(next, out var children))
            {
                foreach (var child in children)
                {
                    if (seen.Add(child))
                    {
                        queue.Enqueue(child);
                    }
                }
            }
        }

        return seen;
    }

    private static IReadOnlyCollection<SqlColumnSource> Closure(Dictionary<SqlColumnSource, HashSet<SqlColumnSource>> edges, string relation, string column)
    {
        var start = new SqlColumnSource(SqlNames.Key(relation), SqlNames.Key(column));
        var seen = new HashSet<SqlColumnSource>();
        var queue = new Queue<SqlColumnSource>();
        queue.Enqueue(start);
        while (queue.Count > 0)
        {
            var next = queue.Dequeue();
            if (!edges.TryGetValue(next, out var targets))
            {
                continue;
            }

            foreach (var target in targets)
            {
                if (!target.Equals(start) && seen.Add(target))
                {
                    queue.Enqueue(target);
                }
            }
        }

        return seen;
    }

    private static void Add(Dictionary<SqlColumnSource, HashSet<SqlColumnSource>> edges, SqlColumnSource from, SqlColumnSource to)
    {
        if (!edges.TryGetValue(from, out var set))
        {
            edges[from] = set = [];
        }

        set.Add(to);
    }

    /// <summary>Upstream relations before their readers (Kahn); relations in a cycle come last in input order.</summary>
    private List<string> TopologicalOrder(Dictionary<string, SqlRelationDefinition> all)
    {
        var dependencies = new Dictionary<string, HashSet<string>>(StringComparer.OrdinalIgnoreCase);
        var readers = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, definition) in all)
        {
            var cteNames = definition.Parse.CteNames;
            var deps = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var name in definition.Parse.TableNames)
            {
                if (name.Parts.Count == 1 && cteNames.Contains(name.Last))
                {
                    continue;
                }

                var match = Match(SqlNames.Key(name));
                if (match is not null && !string.Equals(match, key, StringComparison.OrdinalIgnoreCase))
                {
                    deps.Add(match);
                }
            }

            dependencies[key] = deps;
            foreach (var dep in deps)
            {
                if (!readers.TryGetValue(dep, out var list))
                {
                    readers[dep] = list = [];
                }

                list.Add(key);
            }
        }

        var remaining = dependencies.ToDictionary(d => d.Key, d => d.Value.Count, StringComparer.OrdinalIgnoreCase);
        var queue = new Queue<string>(remaining.Where(r => r.Value == 0).Select(r => r.Key));
        var order = new List<string>(all.Count);
        while (queue.Count > 0)
        {
            var next = queue.Dequeue();
            order.Add(next);
            if (readers.TryGetValue(next, out var list))
            {
                foreach (var reader in list)
                {
                    if (--remaining[reader] == 0)
                    {
                        queue.Enqueue(reader);
                    }
                }
            }
        }

        if (order.Count < all.Count)
        {
            var done = new HashSet<string>(order, StringComparer.OrdinalIgnoreCase);
            order.AddRange(all.Keys.Where(k => !done.Contains(k)));
        }

        return order;
    }

    /// <summary>Columns of relations resolved so far (only when fully known), else the external provider.</summary>
    private sealed class ProjectSchema(SqlProjectLineage lineage, ISqlSchemaProvider? external) : ISqlSchemaProvider
    {
        public IReadOnlyList<string>? ColumnsOf(string relation)
        {
            var match = lineage.Match(relation);
            if (match is not null && lineage._lineage.TryGetValue(match, out var resolved) && !resolved.HasUnknownColumns)
            {
                return resolved.Columns.Select(c => c.Name).ToList();
            }

            return external?.ColumnsOf(relation);
        }
    }
}
