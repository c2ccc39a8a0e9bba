using ReviewBot.Agents.Context.Sql;

namespace ReviewBot.Agents.Tests.Context;

public sealed class SqlAnalyzerTests
{
    [Fact]
    public void Analyze_DbtStyleModel_OutputColumnsThroughCtesAndNoStarLeak()
    {
        var facts = SqlAnalyzer.Analyze("""
            with source as (
                select * from {{ source('shop', 'orders') }}
            ),
            renamed as (
                select
                    id as order_id,
                    o.user_id customer_id,
                    cast(amount as numeric) as amount,
                    status,
                    case when x then 1 else 0 end
                from source as o
            )
            select * from renamed
            """);

        Assert.False(facts.StarReachesFinal);
        Assert.Equal(new string?[] { "order_id", "customer_id", "amount", "status", null }, facts.OutputColumns!.Select(c => c.Name));
        Assert.Equal(["source", "renamed"], facts.Ctes.Select(c => c.Name).ToArray());
        Assert.All(facts.Ctes, c => Assert.True(c.Used));
    }

    [Fact]
    public void Analyze_StarFromRefInFinalProjection_ReachesFinal()
    {
        var facts = SqlAnalyzer.Analyze("with a as (select * from {{ ref('x') }})\nselect a.* from a");

        Assert.True(facts.StarReachesFinal);
        Assert.Equal(1, facts.StarLine);
    }

    [Fact]
    public void Analyze_Joins_KindConditionAndImplicit()
    {
        var facts = SqlAnalyzer.Analyze("select 1 from a left join b on a.id = b.id cross join c join d, e natural join f full outer join g using (id)");
        var joins = facts.Final!.Joins;

        Assert.Equal(["left", "cross", "inner", "implicit", "natural", "full outer"], joins.Select(j => j.Kind).ToArray());
        Assert.Equal([true, false, false, false, true, true], joins.Select(j => j.HasCondition).ToArray());
        Assert.True(joins[3].Implicit);
    }

    [Fact]
    public void Analyze_UnionAndSubqueries_AllSelectsCollected()
    {
        var facts = SqlAnalyzer.Analyze("select id, 1 as n from (select id from t where x = 1) s union all select id, 2 from u limit 5");

        Assert.Equal(new string?[] { "id", "n" }, facts.OutputColumns!.Select(c => c.Name));
        Assert.Equal(3, facts.Selects.Count);
        Assert.Contains(facts.Selects, s => s.HasWhere);
        Assert.Contains(facts.Selects, s => s.HasLimit && !s.HasOrderBy);
    }

    [Fact]
    public void Analyze_BigQueryStarExcept_IsStarNotSetOperation()
    {
        var facts = SqlAnalyzer.Analyze("select * except (ssn) from {{ ref('people') }}");

        Assert.True(facts.StarReachesFinal);
        Assert.Single(facts.Selects);
    }

    [Fact]
    public void Analyze_DdlAndDml_StatementFacts()
    {
        var facts = SqlAnalyzer.Analyze("""
            create or replace transient table analytics.orders (id int, email varchar, primary key (id));
            drop table if exists analytics.old;
            alter table analytics.orders drop column email;
            alter table analytics.orders add column phone varchar;
            truncate analytics.orders;
            delete from analytics.orders where id = 1;
            update analytics.orders set email = null;
            grant select, insert on table analytics.orders to role reporter, public;
            """);
        var s = facts.Statements;

        Assert.Equal(8, s.Count);
        Assert.True(s[0].OrReplace);
        Assert.Equal("analytics.orders", s[0].ObjectName);
        Assert.Equal(new string?[] { "id", "email" }, s[0].DefinedColumns.Select(c => c.Name));
        Assert.True(s[1].IfExists);
        Assert.Equal("email", s[2].DroppedColumn);
        Assert.Equal("phone", Assert.Single(s[3].DefinedColumns).Name);
        Assert.Equal(StatementKind.Truncate, s[4].Kind);
        Assert.True(s[5].HasWhere);
        Assert.False(s[6].HasWhere);
        Assert.Equal(["reporter", "public"], s[7].Grantees.ToArray());
        Assert.Equal(["select", "insert"], s[7].Privileges.ToArray());
        Assert.Empty(facts.EqualsNullLines);
    }

    [Fact]
    public void Analyze_EqualsNullInWhereAndCase_Found()
    {
        var facts = SqlAnalyzer.Analyze("select case when a = null then 1 end as x from t\nwhere b <> null");

        Assert.Equal([1, 2], facts.EqualsNullLines.ToArray());
    }
}
