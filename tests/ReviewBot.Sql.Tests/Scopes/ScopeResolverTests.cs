using ReviewBot.Sql.Parsing;
using ReviewBot.Sql.Scopes;

namespace ReviewBot.Sql.Tests.Scopes;

public sealed class ScopeResolverTests
{
    private sealed class Schema(Dictionary<string, string[]> tables) : ISqlSchemaProvider
    {
        public IReadOnlyList<string>? ColumnsOf(string relation) => tables.TryGetValue(relation, out var c) ? c : null;
    }

    private static SqlQueryLineage Lineage(string sql, ISqlSchemaProvider? schema = null)
    {
        var parse = SqlParser.Parse(sql);
        Assert.True(parse.Succeeded, string.Join("; ", parse.Diagnostics));
        return SqlScopeResolver.ResolveLast(parse, schema)!;
    }

    private static string[] SourcesOf(SqlQueryLineage lineage, string column) =>
        [.. lineage.Columns.Single(c => c.Name == column).Sources.Select(s => s.ToString()).Order()];

    [Fact]
    public void Resolve_ThroughCtesAndAliases_ReachesBaseColumns()
    {
        var lineage = Lineage("""
            with src as (select * from raw.orders),
            renamed as (select id as order_id, amount * 100 as cents, customer_id from src)
            select r.order_id, r.cents, c.name as customer_name
            from renamed r left join raw.customers c on c.id = r.customer_id
            """);

        Assert.Equal(["order_id", "cents", "customer_name"], lineage.Columns.Select(c => c.Name));
        Assert.Equal(["raw.orders.id"], SourcesOf(lineage, "order_id"));
        Assert.Equal(["raw.orders.amount"], SourcesOf(lineage, "cents"));
        Assert.Equal(["raw.customers.name"], SourcesOf(lineage, "customer_name"));
        Assert.Equal(["raw.orders", "raw.customers"], lineage.Relations.Select(r => r.Name.Text));
    }

    [Fact]
    public void Resolve_SelectStarWithoutSchema_IsUnknown()
    {
        var lineage = Lineage("select * from raw.orders");

        var star = Assert.Single(lineage.Columns);
        Assert.True(star.IsUnexpandedStar);
        Assert.True(lineage.HasUnknownColumns);
    }

    [Fact]
    public void Resolve_SelectStarWithSchema_ExpandsWithExceptAndRename()
    {
        var schema = new Schema(new() { ["raw.orders"] = ["id", "amount", "secret"] });

        var lineage = Lineage("select * except (secret) rename (amount as total) from raw.orders", schema);

        Assert.Equal(["id", "total"], lineage.Columns.Select(c => c.Name));
        Assert.Equal(["raw.orders.amount"], SourcesOf(lineage, "total"));
        Assert.False(lineage.HasUnknownColumns);
    }

    [Fact]
    public void Resolve_Union_MergesSourcesByPosition()
    {
        var lineage = Lineage("select id, amount from raw.a union all select key, value from raw.b");

        Assert.Equal(["raw.a.id", "raw.b.key"], SourcesOf(lineage, "id"));
    }

    [Fact]
    public void Resolve_ImplicitArrayJoinAndUnnest_TraceToTheArrayColumn()
    {
        var lineage = Lineage("select o.id, item.sku, t as tag from raw.orders o, o.items as item, unnest(o.tags) as t");

        Assert.Equal(["raw.orders.items"], SourcesOf(lineage, "sku"));
        Assert.Equal(["raw.orders.tags"], SourcesOf(lineage, "tag"));
        Assert.Equal(["raw.orders"], lineage.Relations.Select(r => r.Name.Text));
    }

    [Fact]
    public void Resolve_AmbiguousUnqualifiedColumn_IsUnknownWithCandidates()
    {
        var lineage = Lineage("select amount from raw.a join raw.b on a.id = b.id");

        var column = Assert.Single(lineage.Columns);
        Assert.True(column.Unknown);
        Assert.Equal(["raw.a.amount", "raw.b.amount"], SourcesOf(lineage, "amount"));
    }

    [Fact]
    public void Resolve_OpaqueItem_IsAnUnknownColumn()
    {
        var lineage = Lineage("select id, __rb_opaque_1__ from __rb_opaque_2__");

        Assert.True(lineage.HasUnknownColumns);
        Assert.Empty(lineage.Relations);
    }

    [Fact]
    public void Resolve_ScalarSubqueryAndWindow_CollectEverySource()
    {
        var lineage = Lineage("select o.id, (select max(p.paid_at) from raw.payments p where p.order_id = o.id) as last_paid, sum(o.amount) over (partition by o.customer_id) as total from raw.orders o");

        Assert.Equal(["raw.payments.paid_at"], SourcesOf(lineage, "last_paid"));
        Assert.Equal(["raw.orders.amount", "raw.orders.customer_id"], SourcesOf(lineage, "total"));
    }
}
