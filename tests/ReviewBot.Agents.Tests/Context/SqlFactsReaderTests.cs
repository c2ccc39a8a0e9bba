using ReviewBot.Agents.Context.Sql;
using ReviewBot.Sql;

namespace ReviewBot.Agents.Tests.Context;

public sealed class SqlFactsReaderTests
{
    private static SqlFileFacts Read(string sql, SqlDialect dialect = SqlDialect.Neutral) => SqlFactsReader.Read(sql, dialect);

    [Fact]
    public void Read_StagingModelShape_OutputColumnsThroughCtesAndNoStarLeak()
    {
        var facts = Read("""
            with source as (
                select * from raw.shop.orders
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
        Assert.Equal([6, 7, 8, 9, 10], facts.OutputColumns!.Select(c => c.Line).ToArray());
        Assert.Equal(["source", "renamed"], facts.Ctes.Select(c => c.Name).ToArray());
        Assert.All(facts.Ctes, c => Assert.True(c.Used));
        Assert.Equal(SqlCoverage.Full, facts.Coverage);
    }

    [Fact]
    public void Read_StarFromRelationThroughCte_ReachesFinalWithTheInnerStarLine()
    {
        var facts = Read("with a as (select * from analytics.orders)\nselect a.* from a");

        Assert.True(facts.StarReachesFinal);
        Assert.Equal(1, facts.StarLine);
        Assert.Equal((RelationKind.Table, "analytics.orders"), (facts.StarRelation!.Kind, facts.StarRelation.Name));
    }

    [Fact]
    public void Read_StarExceptAndReplaceOverKnownCte_ExpandsToTheRemainingColumns()
    {
        var facts = Read("with p as (select id, email, lower(name) as name from t)\nselect * except (email) replace (upper(name) as name) from p", SqlDialect.BigQuery);

        Assert.False(facts.StarReachesFinal);
        Assert.Equal(["id", "name"], facts.OutputColumns!.Select(c => c.Name!).ToArray());
        Assert.Equal("upper(name)", facts.OutputColumns![1].Expression);
    }

    [Fact]
    public void Read_JoinKinds_ConditionsAndImplicitComma()
    {
        var facts = Read("select 1 from a left join b on a.id = b.id cross join c join d, e natural join f full outer join g using (id)");
        var joins = facts.Final!.Joins;

        Assert.Equal(["left", "cross", "inner", "implicit", "natural inner", "full"], joins.Select(j => j.Kind).ToArray());
        Assert.Equal([true, false, false, false, true, true], joins.Select(j => j.HasCondition).ToArray());
        Assert.True(joins[3].Implicit);
        Assert.Equal("a", joins[0].Left!.Name);
        Assert.All(joins, j => Assert.False(j.NotARealJoin));
    }

    [Fact]
    public void Read_BigQueryImplicitArrayJoin_IsAnExpansionNotATable()
    {
        var facts = Read("select o.id, item.sku from shop.orders o, o.items as item\ncross join unnest(o.tags) as tag", SqlDialect.BigQuery);
        var joins = facts.Final!.Joins;

        Assert.Equal(2, joins.Count);
        Assert.All(joins, j => Assert.True(j.NotARealJoin));
        Assert.Equal(["shop.orders"], facts.Selects.SelectMany(s => s.Relations).Where(r => r.Kind == RelationKind.Table).Select(r => r.Name).ToArray());
    }

    [Fact]
    public void Read_SnowflakeLateralFlatten_IsAnExpansion()
    {
        var facts = Read("select e.id, f.value from raw.events e, lateral flatten(input => e.payload:items) f", SqlDialect.Snowflake);

        Assert.True(Assert.Single(facts.Final!.Joins).NotARealJoin);
    }

    [Fact]
    public void Read_EveryHardCodedRelationOnALine_OpaqueAndCtesAreNot()
    {
        var facts = Read("with c as (select 1 as id)\nselect * from __rb_opaque_1__ o join analytics.marts.orders x on x.id = o.id, raw.crm.people p, c, generate_series(1, 3) g");

        var tables = facts.Selects.SelectMany(s => s.Relations).Where(r => r.Kind == RelationKind.Table).ToList();
        Assert.Equal(["analytics.marts.orders", "raw.crm.people"], tables.Select(t => t.Name).ToArray());
        Assert.All(tables, t => Assert.Equal(2, t.Line));
        Assert.Contains(facts.Final!.Relations, r => r is { Kind: RelationKind.Opaque, Name: "__rb_opaque_1__" });
        Assert.Contains(facts.Final!.Relations, r => r is { Kind: RelationKind.Cte, Name: "c" });
    }

    [Fact]
    public void Read_RelationSpans_RefAndSourceBySpanAndLinesThroughTheMap()
    {
        const string sql = "select * from warehouse.analytics.stg_orders o join raw.shop.payments p on p.order_id = o.id";
        var refAt = sql.IndexOf("warehouse", StringComparison.Ordinal);
        var sourceAt = sql.IndexOf("raw.shop", StringComparison.Ordinal);
        var facts = SqlFactsReader.Read(sql, SqlDialect.Snowflake, _ => 7,
            [new SqlRelationSpan(refAt, "warehouse.analytics.stg_orders".Length, RelationKind.Ref, "ref('stg_orders')", "stg_orders"),
             new SqlRelationSpan(sourceAt, "raw.shop.payments".Length, RelationKind.Source, "source('shop', 'payments')", "shop.payments")]);

        var relations = facts.Final!.Relations.ToList();
        Assert.Equal([RelationKind.Ref, RelationKind.Source], relations.Select(r => r.Kind).ToArray());
        Assert.Equal(["stg_orders", "shop.payments"], relations.Select(r => r.Target!).ToArray());
        Assert.All(relations, r => Assert.Equal(7, r.Line));
    }

    [Fact]
    public void Read_NameAnExpressionProduced_IsOpaqueNotHardCoded()
    {
        // {{ this }} renders a relation name; the source map says it was not written literally.
        const string sql = "select max(updated_at) from warehouse.analytics.fct_orders";
        var facts = SqlFactsReader.Read(sql, SqlDialect.Snowflake, isLiteral: (offset, _) => offset < sql.IndexOf("warehouse", StringComparison.Ordinal));

        Assert.Equal(RelationKind.Opaque, Assert.Single(facts.Final!.Relations).Kind);
    }

    [Fact]
    public void Read_Limits_ZeroIdiomAndOrderBy()
    {
        var facts = Read("select * from t limit 0;\nselect * from t order by id limit 10;\nselect * from (select id from t limit 5) s;\nselect top 3 id from t");

        Assert.Equal([("0", true, false), ("10", false, true), ("5", false, false), ("3", false, false)],
            facts.Limits.Select(l => (l.Count, l.IsZero, l.HasOrderBy)).ToArray());
        Assert.Equal([1, 2, 3, 4], facts.Limits.Select(l => l.Line).ToArray());
    }

    [Fact]
    public void Read_EqualsNull_InWhereCaseAndSimpleCaseButNotInAssignments()
    {
        var facts = Read("select case when a = null then 1 end as x, case b when null then 0 end as y from t\nwhere c <> null;\nupdate t set d = null where e = 1");

        Assert.Equal([1, 1, 2], facts.EqualsNullLines.ToArray());
    }

    [Fact]
    public void Read_UnusedCte_RecursiveSelfReferenceIsNotAUse()
    {
        var facts = Read("with recursive spine (n) as (select 1 union all select n + 1 from spine where n < 10),\nunused as (select 2 as m),\nused as (select n from spine)\nselect n from used");

        Assert.Equal([("spine", true), ("unused", false), ("used", true)], facts.Ctes.Select(c => (c.Name, c.Used)).ToArray());
        Assert.DoesNotContain(facts.Selects.SelectMany(s => s.Relations), r => r.Kind == RelationKind.Table);
    }

    [Fact]
    public void Read_CteReadOnlyInsideAnUnrenderedTemplate_CountsAsUsed()
    {
        var facts = Read("with a as (select 1 as x)\nselect * from {{ union_all(['a']) }}");

        Assert.True(Assert.Single(facts.Ctes).Used);
    }

    [Fact]
    public void Read_SingleRowSides_ConstantAggregateAndLimitOne()
    {
        var facts = Read("with bounds as (select min(d) as lo, max(d) as hi from t),\nnow_row as (select current_date as d),\nmany as (select d from t group by d)\nselect 1 from x cross join (select max(d) as m from t) s");

        Assert.Equal([true, true, false], facts.Ctes.Select(c => c.SingleRow).ToArray());
        Assert.True(Assert.Single(facts.Final!.Joins).Right.SingleRow);
    }

    [Fact]
    public void Read_DdlAndDml_StatementFacts()
    {
        var facts = Read("""
            create or replace transient table analytics.orders (id int, email varchar, primary key (id));
            drop table if exists analytics.old;
            alter table analytics.orders drop column email;
            alter table analytics.orders add column phone varchar;
            truncate analytics.orders;
            delete from analytics.orders where id = 1;
            update analytics.orders set email = null;
            grant select, insert on table analytics.orders to role reporter, public;
            """, SqlDialect.Snowflake);
        var s = facts.Statements;

        Assert.Equal(8, s.Count);
        Assert.Equal((StatementKind.Create, "table", true, "analytics.orders"), (s[0].Kind, s[0].ObjectType, s[0].OrReplace, s[0].ObjectName));
        Assert.Equal(new string?[] { "id", "email" }, s[0].DefinedColumns.Select(c => c.Name));
        Assert.True(s[1].IfExists);
        Assert.Equal("email", s[2].DroppedColumn);
        Assert.Equal("phone", Assert.Single(s[3].DefinedColumns).Name);
        Assert.Equal(StatementKind.Truncate, s[4].Kind);
        Assert.True(s[5].HasWhere);
        Assert.False(s[6].HasWhere);
        Assert.Equal(["reporter", "public"], s[7].Grantees.ToArray());
        Assert.Equal(["select", "insert"], s[7].Privileges.ToArray());
        Assert.Equal(Enumerable.Range(1, 8).ToArray(), s.Select(x => x.Line).ToArray());
        Assert.Empty(facts.EqualsNullLines);
    }

    [Fact]
    public void Read_OneStatementDoesNotParse_PartialWithItsLineAndTheDeleteStillSeen()
    {
        var facts = Read("select 1 as a;\ndelete from analytics.orders o p q r (;\nselect 2 as b;", SqlDialect.Postgres);

        Assert.Equal(SqlCoverage.Partial, facts.Coverage);
        var issue = Assert.Single(facts.Issues);
        Assert.Equal((2, SqlIssueKind.Syntax), (issue.Line, issue.Kind));
        Assert.Equal((StatementKind.Delete, false, "analytics.orders"), (facts.Statements[1].Kind, facts.Statements[1].HasWhere, facts.Statements[1].ObjectName));
    }

    [Fact]
    public void Read_NothingParses_NotAnalysed()
    {
        var facts = Read("select count(id from t");

        Assert.Equal(SqlCoverage.NotAnalysed, facts.Coverage);
        Assert.Equal(1, Assert.Single(facts.Issues).Line);
    }

    [Fact]
    public void Read_TenThousandTermOrChain_WalkedWithoutRecursion()
    {
        var sql = "select id from t where " + string.Join(" or ", Enumerable.Range(0, 10_000).Select(i => $"x = {i}")) + " or y = null";

        var facts = Read(sql);

        Assert.Equal(SqlCoverage.Full, facts.Coverage);
        Assert.Single(facts.EqualsNullLines);
    }

    [Fact]
    public void Read_ThousandsOfCommaJoins_FlattenedWithoutRecursion()
    {
        var sql = "select 1 from " + string.Join(", ", Enumerable.Range(0, 5_000).Select(i => $"t{i}")) + " where t0.id = t1.id";

        Assert.Equal(4_999, Read(sql).Final!.Joins.Count);
    }
}

public sealed class SqlFactsReaderRealShapesTests
{
    [Theory]
    [InlineData(SqlDialect.Trino)]
    [InlineData(SqlDialect.Databricks)]
    [InlineData(SqlDialect.Neutral)]
    public void Read_CteNamedLikeADbtWord_ParsesAndIsUsed(SqlDialect dialect)
    {
        var facts = SqlFactsReader.Read("-- a comment\n\nwith\n\nincremental as (\n    select hashlock from t where true group by 1\n)\n\n, iterations as (select * from u where hashlock in (select hashlock from incremental))\nselect * from iterations", dialect);

        Assert.Empty(facts.Issues);
        Assert.All(facts.Ctes, c => Assert.True(c.Used));
    }
}
