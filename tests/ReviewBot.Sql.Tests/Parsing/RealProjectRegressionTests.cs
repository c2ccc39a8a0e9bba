using ReviewBot.Sql.Parsing;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Sql.Tests.Parsing;

/// <summary>Shapes met in real dbt projects (written here in our own words) that an earlier parser version rejected.</summary>
public sealed class RealProjectRegressionTests
{
    [Theory]
    [InlineData("select case when f.amount0 = uint256 '0' then f.amount1 end, int256 '1' as side from t", SqlDialect.Trino)]
    [InlineData("select * from table(decode_evm_event(abi => '{}', input => table(select l.data from logs l)))", SqlDialect.Trino)]
    [InlineData("select json_query(payload, 'lax $.items' omit quotes null on error) from t", SqlDialect.Trino)]
    [InlineData("select date_add('day', offset, ts) as ts from t cross join unnest(sequence(0, 6)) as o(offset)", SqlDialect.Trino)]
    [InlineData("select ((select p from price) / (select w from weth) * s.amount) as v from s", SqlDialect.Trino)]
    [InlineData("select a from t inner join arbitrum.transactions at on at.hash = t.hash", SqlDialect.Trino)]
    [InlineData("select b.epoch from base b left join base start on start.epoch = b.epoch", SqlDialect.Trino)]
    [InlineData("select connect_by_root account_id as root_id from accounts start with parent_id is null connect by prior id = parent_id", SqlDialect.Snowflake)]
    [InlineData("select x::int < 5 as small, y::array<int> as ys from t", SqlDialect.Neutral)]
    [InlineData("__rb_opaque_1__\nwhere not is_deleted", SqlDialect.Snowflake)]
    [InlineData("select id from raw.licenses l\n__rb_opaque_1__\nunion all\nselect id from raw.trials", SqlDialect.Snowflake)]
    [InlineData("select id, name __rb_opaque_2__ from t", SqlDialect.Neutral)]
    [InlineData("select deals.*, __rb_opaque_2__ coalesce(p.deleted, false) as deleted from deals join p on p.id = deals.pid", SqlDialect.Neutral)]
    [InlineData("select row_number() over (partition by id __rb_opaque_1__ order by ts) from t", SqlDialect.Neutral)]
    [InlineData("select * from (__rb_opaque_3__) as spine", SqlDialect.Neutral)]
    [InlineData("with s as (__rb_opaque_1__) select * from s", SqlDialect.Neutral)]
    [InlineData("select array_agg(json_object('growth': g, 'gap': d)) over (partition by c order by b) from t", SqlDialect.Trino)]
    public void Parse_RealProjectShape_Succeeds(string sql, SqlDialect dialect)
    {
        var result = SqlParser.Parse(sql, dialect);

        Assert.True(result.Succeeded, string.Join("; ", result.Diagnostics));
    }

    [Fact]
    public void Parse_OpaqueOnlyStatement_IsAnOtherStatementNotAFailure()
    {
        var result = SqlParser.Parse("__rb_opaque_1__");

        Assert.True(result.Succeeded);
        Assert.IsType<SqlOtherStatement>(Assert.Single(result.Statements));
    }

    [Fact]
    public void Parse_OpaqueBetweenClauses_IsKeptOnTheSelect()
    {
        var result = SqlParser.Parse("select a, count(*) from t __rb_opaque_4__");

        var select = Assert.IsType<SqlSelect>(Assert.IsType<SqlSelectStatement>(Assert.Single(result.Statements)).Query.Body);
        Assert.Equal(["__rb_opaque_4__"], select.OpaqueClauses);
        Assert.Null(Assert.IsType<SqlNamedTable>(select.From).Alias);
    }
}
