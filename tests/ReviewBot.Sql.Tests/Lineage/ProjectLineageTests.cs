using ReviewBot.Sql.Lineage;
using ReviewBot.Sql.Parsing;

namespace ReviewBot.Sql.Tests.Lineage;

public sealed class ProjectLineageTests
{
    private static SqlRelationDefinition Model(string name, string sql) => new(name, SqlParser.Parse(sql));

    [Fact]
    public void Build_StarThroughUpstreamModels_ExpandsAndTracesDownstreamAnyDepth()
    {
        // Given in reverse order: the build must order upstream first to expand "select *".
        var lineage = SqlProjectLineage.Build(
        [
            Model("analytics.mart", "select customer_id, total * 2 as doubled from analytics.int_orders"),
            Model("analytics.int_orders", "with o as (select * from analytics.stg_orders) select customer_id, sum(amount) as total from o group by 1"),
            Model("analytics.stg_orders", "select id, customer_id, amount_cents / 100 as amount from raw.orders"),
        ]);

        Assert.Equal(["raw.orders.amount_cents"], lineage.Upstream("analytics.stg_orders", "amount").Select(s => s.ToString()));
        Assert.Equal(["analytics.stg_orders.amount"], lineage.Upstream("analytics.int_orders", "total").Select(s => s.ToString()));
        Assert.Equal(
            ["analytics.int_orders.total", "analytics.mart.doubled", "analytics.stg_orders.amount"],
            lineage.Downstream("raw.orders", "amount_cents").Select(s => s.ToString()).Order());
        Assert.Equal(
            ["analytics.int_orders.total", "analytics.stg_orders.amount", "raw.orders.amount_cents"],
            lineage.UpstreamTransitive("analytics.mart", "doubled").Select(s => s.ToString()).Order());
        Assert.Equal(["analytics.int_orders", "analytics.mart"], lineage.DownstreamRelations("analytics.stg_orders").Order());
        Assert.False(lineage.Relations["analytics.int_orders"].HasUnknownColumns);
    }

    [Fact]
    public void Build_MatchesRelationsByLastPartWhenUnique()
    {
        var lineage = SqlProjectLineage.Build(
        [
            Model("stg_orders", "select id from raw.orders"),
            Model("orders", "select id from dev_schema.stg_orders"),
        ]);

        Assert.Equal(["stg_orders.id"], lineage.Upstream("orders", "id").Select(s => s.ToString()));
    }

    [Fact]
    public void Build_LongChain_WalksIteratively()
    {
        const int depth = 3000;
        var models = new List<SqlRelationDefinition> { Model("m0", "select a from raw.t") };
        for (var i = 1; i < depth; i++)
        {
            models.Add(Model($"m{i}", $"select a from m{i - 1}"));
        }

        var lineage = SqlProjectLineage.Build(models);

        Assert.Equal(depth, lineage.Downstream("raw.t", "a").Count);
    }
}
