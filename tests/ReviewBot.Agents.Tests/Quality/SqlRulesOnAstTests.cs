using ReviewBot.Core.Agents;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Tests.Quality;

/// <summary>
/// The single-file SQL rules read the rendered, parsed model: shapes real dbt projects write (Jinja loops building
/// select lists, incremental filters on <c>{{ this }}</c>, dev-only limits, date spines) must not be misread.
/// </summary>
public sealed class SqlRulesOnAstTests
{
    private const string Yaml = """

          - name: int_order_items
            description: Order items.
            columns:
              - name: order_item_id
                description: Primary key.
                data_tests: [unique, not_null]

        """;

    private static (string, string?)[] NewModel(string sql, string? config = null) =>
    [
        ("models/marts/int_order_items.sql", (config ?? "") + sql),
        ("models/marts/_marts__models.yml", Review.Fixture("shop")["models/marts/_marts__models.yml"] + Yaml),
    ];

    [Fact]
    public async Task HardCodedRelation_SecondRelationOfAJoin_Found()
    {
        var result = await Review.RunAsync(NewModel("select o.order_id as order_item_id\nfrom {{ ref('stg_orders') }} o join analytics.marts.orders x on x.order_id = o.order_id\n"));

        var finding = result.Single("hard-coded-relation");
        Assert.Equal(("Hard-coded relation `analytics.marts.orders`", 2), (finding.Title, finding.Line));
    }

    [Fact]
    public async Task HardCodedRelation_ThisInAnIncrementalFilter_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "interval '3 days' from {{ this }})", "interval '3 days' from {{ this }} where order_date is not null)"));

        result.None("hard-coded-relation");
    }

    [Fact]
    public async Task JoinWithoutCondition_JinjaLoopBuildingTheSelectList_NotAJoin()
    {
        var result = await Review.RunAsync(NewModel("""
            select
                order_id as order_item_id,
                {% for method in ['card', 'cash', 'voucher'] %}
                sum(case when method = '{{ method }}' then amount end) as {{ method }}_amount{% if not loop.last %},{% endif %}
                {% endfor %}
            from {{ ref('stg_payments') }}
            group by 1

            """));

        result.None("join-without-condition");
        result.None("implicit-join");
        result.None("unparseable-sql");
    }

    [Fact]
    public async Task JoinWithoutCondition_LateralFlattenAndCrossJoinToASpine_NoFinding()
    {
        var result = await Review.RunAsync(NewModel("""
            with spine as (
                select dateadd(day, seq4(), '2020-01-01'::date) as day from table(generator(rowcount => 3650))
            )
            select o.order_id as order_item_id, f.value as sku, spine.day
            from {{ ref('stg_orders') }} o, lateral flatten(input => o.skus) f
            cross join spine

            """));

        result.None("join-without-condition");
        result.None("table-with-cross-join");
        result.None("hard-coded-relation");
    }

    [Fact]
    public async Task TableWithCrossJoin_TwoModelsMultiplied_Medium()
    {
        var result = await Review.RunAsync(NewModel("select o.order_id as order_item_id, c.customer_id\nfrom {{ ref('stg_orders') }} o\ncross join {{ ref('stg_customers') }} c\n"));

        var finding = result.Single("table-with-cross-join");
        Assert.Equal((Severity.Medium, 3), (finding.Severity, finding.Line));
    }

    [Fact]
    public async Task TableWithCrossJoin_SeedOrSingleRowCte_NoFinding()
    {
        var result = await Review.RunAsync(NewModel("""
            with latest as (
                select max(order_date) as as_of from {{ ref('stg_orders') }}
            )
            select o.order_id as order_item_id, cc.country_name, latest.as_of
            from {{ ref('stg_orders') }} o
            cross join {{ ref('country_codes') }} cc
            cross join latest

            """));

        result.None("table-with-cross-join");
    }

    [Fact]
    public async Task LimitWithoutOrderBy_LimitZeroEmptyTableIdiom_NoFinding()
    {
        var result = await Review.RunAsync(NewModel("select order_id as order_item_id from {{ ref('stg_orders') }}\nlimit 0\n"));

        result.None("limit-without-order-by");
    }

    [Fact]
    public async Task LimitWithoutOrderBy_DevOnlyLimit_NoFinding()
    {
        var result = await Review.RunAsync(NewModel("select order_id as order_item_id from {{ ref('stg_orders') }}\n{% if target.name == 'dev' %}\nlimit 100\n{% endif %}\n"));

        result.None("limit-without-order-by");
    }

    [Fact]
    public async Task LimitWithoutOrderBy_ViewModel_Low()
    {
        var result = await Review.RunAsync(NewModel("select order_id as order_item_id from {{ ref('stg_orders') }}\nlimit 10\n", "{{ config(materialized='view') }}\n"));

        var finding = result.Single("limit-without-order-by");
        Assert.Equal((Severity.Low, 3), (finding.Severity, finding.Line));
    }

    [Fact]
    public async Task SelectStarFinal_StarThroughCteChainFromRef_Found()
    {
        var result = await Review.RunAsync(NewModel("with o as (\n    select * from {{ ref('stg_orders') }}\n),\nfinal as (select * from o)\nselect * from final\n"));

        Assert.Equal(2, result.Single("select-star-final").Line);
    }

    [Fact]
    public async Task SelectStarFinal_StarFromAnUnresolvedMacro_NoFinding()
    {
        var result = await Review.RunAsync(NewModel("select * from {{ some_package.union_everything(['a', 'b']) }}\n"));

        result.None("select-star-final");
        result.None("hard-coded-relation");
    }

    [Fact]
    public async Task PiiColumnUntagged_PhoneAddedInsideACteReachingTheOutput_OnTheCteLine()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_customers.sql", "        id as customer_id,", "        id as customer_id,\n        mobile as phone_number,"));

        var finding = result.Single("pii-column-untagged");
        Assert.Contains("`stg_customers.phone_number`", finding.Message, StringComparison.Ordinal);
        Assert.Equal("mobile as phone_number,", finding.Anchor);
    }

    [Fact]
    public async Task PiiColumnUntagged_HashedByAProjectMacro_NoFinding()
    {
        var result = await Review.RunAsync(
            ("macros/hash_pii.sql", "{% macro hash_pii(column) %}sha2(lower({{ column }}), 256){% endmacro %}\n"),
            Review.Edit("models/staging/stg_customers.sql", "        id as customer_id,", "        id as customer_id,\n        {{ hash_pii('mobile') }} as phone_number,"));

        result.None("pii-column-untagged");
    }

    [Fact]
    public async Task Coverage_ModelWhoseSqlDoesNotParse_EveryAgentSaysNotAnalysedWithTheLine()
    {
        var result = await Review.RunAsync(NewModel("select order_id as order_item_id,\nfrom {{ ref('stg_orders') }} where\n"));

        foreach (var agent in new[] { AgentName.Governance, AgentName.Cost, AgentName.Lineage })
        {
            Assert.Contains(result.Outputs[agent].NotAnalysed, s => s.File == "models/marts/int_order_items.sql" && s.Reason.Contains("does not parse at line", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task BigQueryProject_ImplicitArrayJoinAndUnnest_NoJoinOrHardCodedFindings()
    {
        var before = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: chain\nversion: '1.0'\nconfig-version: 2\nprofile: chain\nmodels:\n  chain:\n    +materialized: table\n",
            ["profiles.yml"] = "chain:\n  target: prod\n  outputs:\n    prod:\n      type: bigquery\n      project: p\n      dataset: d\n",
            ["models/events.sql"] = "select 1 as event_id, [struct('a' as sku)] as items, ['x'] as tags\n",
        };
        var after = new Dictionary<string, string>(before)
        {
            ["models/event_items.sql"] = "select e.event_id, item.sku, tag\nfrom {{ ref('events') }} as e, e.items as item\ncross join unnest(e.tags) as tag\n",
        };

        var result = await Review.RunAsync(TestUtils.ChangeSets.FromFiles(before, after));

        result.None("join-without-condition");
        result.None("implicit-join");
        result.None("hard-coded-relation");
        result.None("table-with-cross-join");
        result.None("unparseable-sql");
        Assert.DoesNotContain(result.Outputs.Values.SelectMany(o => o.NotAnalysed), s => s.File == "models/event_items.sql");
        Assert.DoesNotContain(result.Outputs.Values.SelectMany(o => o.Partial), p => p.File == "models/event_items.sql");
    }

    private static Task<RunResult> BeforeAfter(string path, string before, string after, params (string Path, string Text)[] extra)
    {
        var baseFiles = new Dictionary<string, string>(Review.Fixture("shop")) { [path] = before };
        var headFiles = new Dictionary<string, string>(baseFiles) { [path] = after };
        foreach (var (p, t) in extra)
        {
            baseFiles[p] = t;
            headFiles[p] = t;
        }

        return Review.RunAsync(TestUtils.ChangeSets.FromFiles(baseFiles, headFiles));
    }

    [Fact]
    public async Task FilterRemoved_SourceStillReadWithoutItsFilter_Medium()
    {
        const string before = "{{ config(materialized='table') }}\nselect id as payment_id, amount from {{ source('shop', 'payments') }}\nwhere created_at >= '2024-01-01'\n";
        var result = await BeforeAfter("models/marts/fct_payments.sql", before, before.Replace("where created_at >= '2024-01-01'\n", "", StringComparison.Ordinal));

        Assert.Contains("`shop.payments`", result.Single("filter-removed").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilterRemoved_FilterLeftWithTheSourceItBounded_NoFinding()
    {
        // The filtered source moved to another model: this one reads a ref now, and its scan did not widen.
        const string before = "{{ config(materialized='table') }}\nselect id as payment_id, amount from {{ source('shop', 'payments') }}\nwhere created_at >= '2024-01-01'\n";
        var result = await BeforeAfter("models/marts/fct_payments.sql", before, "{{ config(materialized='table') }}\nselect payment_id, amount from {{ ref('stg_payments') }}\n");

        result.None("filter-removed");
    }

    [Fact]
    public async Task MacroBuiltModel_MacrosUnusedCteStarAndJoin_NotTheModelsFindings()
    {
        const string macro = """
            {% macro payments_rollup(kind) %}
            with raw_rows as (select * from {{ source('shop', 'payments') }}),
            leftover as (select 1 as x)
            select r.*, o.status from raw_rows r, {{ ref('stg_orders') }} o
            {% endmacro %}

            """;
        var result = await BeforeAfter("models/marts/fct_payments.sql", "{{ config(materialized='table') }}\n{{ payments_rollup('card') }}\n",
            "{{ config(materialized='table') }}\n{{ payments_rollup('cash') }}\n", ("macros/payments_rollup.sql", macro));

        result.None("unused-cte");
        result.None("select-star-from-source");
        var baseFiles = new Dictionary<string, string>(Review.Fixture("shop")) { ["macros/payments_rollup.sql"] = macro, ["models/marts/fct_payments.sql"] = "{{ config(materialized='table') }}\n{{ payments_rollup('card') }}\n" };
        var (_, sql, _) = await Context.ContextTestHelpers.BuildAsync(baseFiles, baseFiles.ToDictionary(kv => kv.Key, kv => kv.Value.Replace("'card'", "'cash'", StringComparison.Ordinal)));
        var facts = sql.Head("models/marts/fct_payments.sql")!;
        Assert.Contains(facts.Ctes, c => c is { Name: "leftover", Used: false, Generated: true, Line: 2 });
        Assert.Contains(facts.Final!.Joins, j => j is { Implicit: true, Generated: true });
        result.None("join-without-condition");
        result.None("table-with-cross-join");
    }

    [Fact]
    public async Task HardCodedRelation_WarehouseCatalog_NoFinding()
    {
        var result = await Review.RunAsync(NewModel("select table_name as order_item_id from information_schema.tables\n"));

        result.None("hard-coded-relation");
    }

    [Fact]
    public async Task UnparseableSql_CommentSwallowsTheWithThroughWhitespaceControl_Found()
    {
        // "{{-" and "-}}" strip the newlines around the config call, so the rendered comment runs into "with": the
        // statement then starts at the CTE name, as dbt itself would compile it. A package macro stays unresolved.
        const string before = "{{ config(materialized='table') }}\n\nwith\n\nrecent as (\n    select order_id from {{ ref('stg_orders') }} where {{ some_pkg.recent('order_date') }}\n)\n\nselect order_id from recent\n";
        var after = before.Replace("{{ config(materialized='table') }}\n", "-- Merge on the whole history: late rows must update, not duplicate.\n\n{{- config(materialized='table') -}}\n", StringComparison.Ordinal);

        var result = await BeforeAfter("models/marts/fct_recent.sql", before, after);

        var finding = result.Single("unparseable-sql");
        Assert.Contains("unknown statement starting with 'recent'", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnparseableSql_WarehouseResultJoinedIntoACondition_PartialAndAnalysedNotAFinding()
    {
        var sql = "{% set keys = run_query('select k from t').columns[0].values() %}\nselect order_id as order_item_id, not ({{ ' or '.join(keys) }}) as unknown_key\nfrom {{ ref('stg_orders') }}\n";

        var result = await Review.RunAsync(NewModel(sql));

        // The unknown list joins to a placeholder (`not (__rb_opaque_N__)`), so the SQL parses: read, and partial for
        // the warehouse call, instead of an empty `not ()` that left the model unread.
        result.None("unparseable-sql");
        Assert.DoesNotContain(result.Outputs[AgentName.Governance].NotAnalysed, s => s.File == "models/marts/int_order_items.sql");
        Assert.Contains(result.Outputs[AgentName.Governance].Partial, p => p.File == "models/marts/int_order_items.sql" && p.Reason.Contains("run_query", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Coverage_MigrationThatIsNotSql_PartialForGovernanceNotUnread()
    {
        // Read as written, its statements are still read by their leading keywords (a DROP stays a DROP): partial.
        var result = await Review.RunAsync(("migrations/V9__notes.sql", "aaaa bbbb!;\ntruncate table raw.shop.legacy_orders now please;\n"));

        Assert.DoesNotContain(result.Outputs[AgentName.Governance].NotAnalysed, s => s.File == "migrations/V9__notes.sql");
        Assert.Contains(result.Outputs[AgentName.Governance].Partial, p => p.File == "migrations/V9__notes.sql");
        Assert.Contains("TRUNCATE", result.Single("destructive-ddl").Title, StringComparison.Ordinal);
    }
}
