using ReviewBot.Sql.Diff;
using ReviewBot.Sql.Parsing;

namespace ReviewBot.Sql.Tests.Diff;

public sealed class QueryDiffTests
{
    private const string Base = """
        with orders as (select * from raw.orders where status <> 'test')
        select id, customer_id, amount, created_at
        from orders o
        left join raw.customers c on c.id = o.customer_id

        """;

    private static SqlQueryChange Compare(string before, string after) => SqlQueryDiff.Compare(SqlParser.Parse(before), SqlParser.Parse(after));

    [Fact]
    public void Compare_LayoutAndComments_IsUnchanged() =>
        Assert.Equal(SqlChangeCategory.Unchanged, Compare(Base, Base.Replace("select id", "-- comment\nSELECT   id", StringComparison.Ordinal)).Category);

    [Fact]
    public void Compare_NewColumn_IsNonBreaking()
    {
        var change = Compare(Base, Base.Replace("created_at\n", "created_at, c.region\n", StringComparison.Ordinal));

        Assert.Equal(SqlChangeCategory.NonBreaking, change.Category);
        Assert.Equal(["region"], change.Added);
    }

    [Fact]
    public void Compare_HeadBecomesAPlaceholderProjection_NoColumnIsCalledRemoved()
    {
        // A real shape: the model becomes dbt_utils.union_relations(...) of two new models, whose columns come from
        // the warehouse; the base's columns may all still be there.
        var change = Compare(
            "select cast(ts as date) as activity_date, user_id, count(*) as n from events where user_id is not null group by 1, 2",
            "(select cast('a' as varchar) as _src, __rb_opaque_1__ from analytics.a)\nunion all\n(select cast('b' as varchar) as _src, __rb_opaque_1__ from analytics.b)");

        Assert.Empty(change.Removed);
        Assert.NotEqual(SqlChangeCategory.Partial, change.Category);
        Assert.NotEqual(SqlChangeCategory.NonBreaking, change.Category);
    }

    [Fact]
    public void Compare_RemovedColumn_IsPartial()
    {
        var change = Compare(Base, Base.Replace("amount, ", string.Empty, StringComparison.Ordinal));

        Assert.Equal(SqlChangeCategory.Partial, change.Category);
        Assert.Equal(["amount"], change.Removed);
    }

    [Fact]
    public void Compare_SameExpressionNewAlias_IsARename()
    {
        var change = Compare(Base, Base.Replace("amount,", "amount as order_amount,", StringComparison.Ordinal));

        Assert.Equal(SqlChangeCategory.Partial, change.Category);
        var rename = Assert.Single(change.Renamed);
        Assert.Equal(("amount", "order_amount"), (rename.From, rename.To));
        Assert.Empty(change.Removed);
        Assert.Empty(change.Added);
    }

    [Fact]
    public void Compare_RedefinedColumn_IsPartial()
    {
        var change = Compare(Base, Base.Replace("amount,", "amount * 100 as amount,", StringComparison.Ordinal));

        Assert.Equal(SqlChangeCategory.Partial, change.Category);
        Assert.Equal(["amount"], change.Modified);
    }

    [Fact]
    public void Compare_ChangedFilterInACte_IsBreaking()
    {
        var change = Compare(Base, Base.Replace("'test'", "'void'", StringComparison.Ordinal));

        Assert.Equal(SqlChangeCategory.Breaking, change.Category);
        Assert.Equal("where in cte 'orders' changed", change.Reason);
    }

    [Theory]
    [InlineData("left join", "inner join")]
    [InlineData("c.id = o.customer_id", "c.id = o.id")]
    [InlineData("raw.customers", "raw.clients")]
    [InlineData("o.customer_id\n", "o.customer_id\nlimit 10\n")]
    [InlineData("select id", "select distinct id")]
    public void Compare_RowShapeChange_IsBreaking(string from, string to) =>
        Assert.Equal(SqlChangeCategory.Breaking, Compare(Base, Base.Replace(from, to, StringComparison.Ordinal)).Category);

    [Fact]
    public void Compare_GroupByChange_IsBreaking()
    {
        var change = Compare("select a, count(*) as n from t group by a", "select a, count(*) as n from t group by a, b");

        Assert.Equal(SqlChangeCategory.Breaking, change.Category);
        Assert.Contains("group by", change.Reason);
    }

    [Fact]
    public void Compare_UnusedCteChange_IsUnchanged() =>
        Assert.Equal(SqlChangeCategory.Unchanged, Compare("with unused as (select 1 as x) select a from t", "with unused as (select 2 as x) select a from t").Category);

    [Fact]
    public void Compare_UnparsableHead_IsUnknown()
    {
        var change = Compare(Base, "select from where");

        Assert.Equal(SqlChangeCategory.Unknown, change.Category);
        Assert.Contains("head", change.Reason);
    }

    [Fact]
    public void Compare_StarOverADifferentRelation_IsUnknownOrBreaking()
    {
        var change = Compare("select * from raw.a", "select * except (x) from raw.a");

        Assert.Equal(SqlChangeCategory.Unknown, change.Category);
    }
}
