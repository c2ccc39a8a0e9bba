using ReviewBot.Sql.Checks;
using ReviewBot.Sql.Parsing;

namespace ReviewBot.Sql.Tests.Checks;

public sealed class SqlPitfallsTests
{
    private static IReadOnlyList<SqlPitfall> Find(string sql, SqlDialect dialect = SqlDialect.Neutral) => SqlPitfalls.Find(SqlParser.Parse(sql, dialect));

    [Fact]
    public void AliasShadowsColumn_LaterItemReadsTheRedefinedName_FoundAtTheReference()
    {
        const string Sql = "select coalesce(amount, 0) as amount,\n       amount * 100 as amount_cents\nfrom payments";

        var pitfall = Assert.Single(Find(Sql, SqlDialect.BigQuery));

        Assert.Equal(SqlPitfallKind.AliasShadowsColumn, pitfall.Kind);
        Assert.Equal("amount", pitfall.Subject);
        Assert.Equal(Sql.IndexOf("amount * 100", StringComparison.Ordinal), pitfall.Span.Offset);
    }

    [Theory]
    [InlineData("select amount as amount, amount * 100 as cents from payments")]
    [InlineData("select p.amount, amount * 100 as cents from payments p")]
    [InlineData("select coalesce(amount, 0) as amount, p.amount * 100 as cents from payments p")]
    [InlineData("select amount * 100 as cents, coalesce(amount, 0) as amount from payments")]
    [InlineData("select coalesce(amount, 0) as amount, (select max(amount) from refunds) as biggest_refund from payments")]
    [InlineData("select count(distinct event_id) as count_calls, count_calls as count_known from events")]
    [InlineData("select upper(name) as display_name, display_name || '!' as shout from users")]
    public void AliasShadowsColumn_NoRedefinitionReadLater_Nothing(string sql) => Assert.Empty(Find(sql));

    [Theory]
    [InlineData(SqlDialect.Postgres)]
    [InlineData(SqlDialect.Redshift)]
    [InlineData(SqlDialect.Trino)]
    public void IntegerDivision_CountOverCount_InTruncatingDialects(SqlDialect dialect)
    {
        var pitfall = Assert.Single(Find("select count(distinct buyer_id) / count(*) as conversion_rate from visits", dialect));

        Assert.Equal(SqlPitfallKind.IntegerDivision, pitfall.Kind);
    }

    [Theory]
    [InlineData("select count(distinct buyer_id) / count(*) as rate from visits", SqlDialect.Snowflake)]
    [InlineData("select count(distinct buyer_id) / count(*) as rate from visits", SqlDialect.BigQuery)]
    [InlineData("select count(distinct buyer_id)::float / count(*) as rate from visits", SqlDialect.Postgres)]
    [InlineData("select 1.0 * count(distinct buyer_id) / count(*) as rate from visits", SqlDialect.Postgres)]
    [InlineData("select sum(amount) / count(*) as average from visits", SqlDialect.Postgres)]
    [InlineData("select count(*) / 2.0 as half from visits", SqlDialect.Redshift)]
    public void IntegerDivision_FloatingOrUnknownOperandOrNonTruncatingDialect_Nothing(string sql, SqlDialect dialect) => Assert.Empty(Find(sql, dialect));

    [Theory]
    [InlineData("select * from users where cast(is_active as string) = 'True'", "True")]
    [InlineData("select * from users where 'TRUE' = cast(is_active as varchar(5))", "TRUE")]
    [InlineData("select * from users where is_active::text <> 't'", "t")]
    public void BooleanTextComparison_WordTheTextNeverEquals_Found(string sql, string word)
    {
        var pitfall = Assert.Single(Find(sql));

        Assert.Equal(SqlPitfallKind.BooleanTextComparison, pitfall.Kind);
        Assert.Equal(word, pitfall.Subject);
    }

    [Theory]
    [InlineData("select * from users where cast(is_active as string) = 'true'")]
    [InlineData("select * from users where cast(status as string) = 'Active'")]
    [InlineData("select * from users where cast(flag as int) = 1")]
    [InlineData("select * from users where is_active = true")]
    public void BooleanTextComparison_MatchingOrUnrelatedComparison_Nothing(string sql) => Assert.Empty(Find(sql));

    [Fact]
    public void Find_TenThousandTermDivisionChain_Bounded()
    {
        var sql = "select " + string.Join(" / ", Enumerable.Repeat("count(*)", 10_000)) + " as x from t";

        var found = Find(sql, SqlDialect.Postgres);

        Assert.NotEmpty(found);
    }
}
