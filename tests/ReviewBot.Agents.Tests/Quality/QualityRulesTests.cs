using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Tests.Quality;

public sealed class QualityRulesTests
{
    private const string NewModelYaml = """

          - name: int_order_items
            description: Order items.
            columns:
              - name: order_item_id
                description: Primary key.
                data_tests: [unique, not_null]

        """;

    private static (string, string?)[] NewModel(string sql) =>
    [
        ("models/marts/int_order_items.sql", sql),
        ("models/marts/_marts__models.yml", Review.Fixture("shop")["models/marts/_marts__models.yml"] + NewModelYaml),
    ];

    [Fact]
    public async Task HardCodedRelation_SchemaQualifiedTable_SuggestsSource()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "select * from {{ source('shop', 'orders') }}", "select * from raw.shop.orders"));

        var finding = result.Single("hard-coded-relation");
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Equal(3, finding.Line);
        Assert.Contains("source('shop', 'orders')", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HardCodedRelation_TwoOnOneLine_OneFindingNamingBoth()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "select * from {{ source('shop', 'orders') }}", "select * from raw.shop.orders o, analytics.marts.customers c"));

        var finding = result.Single("hard-coded-relation");
        Assert.Equal("Hard-coded relations `raw.shop.orders` and `analytics.marts.customers`", finding.Title);
        Assert.Contains("`{{ source('shop', 'orders') }}` for `raw.shop.orders`", finding.Message, StringComparison.Ordinal);
        Assert.Contains("for `analytics.marts.customers`", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HardCodedRelation_CtesRefsAndTableFunctions_NoFinding()
    {
        var result = await Review.RunAsync(NewModel("""
            with items as (
                select order_item_id, value as sku from {{ ref('stg_orders') }}, lateral flatten(input => skus)
            ),
            spine as (
                select * from table(generator(rowcount => 10))
            )
            select order_item_id, sku from items

            """));

        result.None("hard-coded-relation");
    }

    [Fact]
    public async Task RefMissingModel_TypoInRef_HighWithSuggestion()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/dim_customers.sql", "{{ ref('stg_orders') }}", "{{ ref('stg_order') }}"));

        var finding = result.Single("ref-missing-model");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Contains("Did you mean `stg_orders`", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefMissingModel_SeedSnapshotAndTwoArgumentRef_Resolve()
    {
        var result = await Review.RunAsync(NewModel("""
            select o.order_id as order_item_id, c.country_name, s.dbt_valid_from
            from {{ ref('shop', 'stg_orders') }} as o
            left join {{ ref('country_codes') }} as c on o.status = c.country_code
            left join {{ ref('customers_snapshot') }} as s on s.id = o.customer_id

            """));

        result.None("ref-missing-model");
    }

    [Fact]
    public async Task SourceMissing_UndeclaredTable_High()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "{{ source('shop', 'orders') }}", "{{ source('shop', 'order_lines') }}"));

        Assert.Contains("no table `order_lines`", result.Single("source-missing").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingPrimaryKeyTest_NewModelWithoutTestsDocsAgentOff_Medium()
    {
        var config = Core.Configuration.ConfigLoader.Parse("agents:\n  docs: false\n", ".github/reviewbot.yml");
        var result = await Review.RunAsync(Review.Shop(("models/marts/fct_refunds.sql", "select payment_id, amount from {{ ref('stg_payments') }} where amount < 0\n")), config);

        var finding = result.Single("missing-primary-key-test");
        Assert.Contains("Add `unique` and `not_null` tests on `payment_id` in a new properties YAML entry for the model", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingPrimaryKeyTest_NewModelWithoutPropertiesEntry_OneFindingAsksForTheEntryAndItsKeyTests()
    {
        var result = await Review.RunAsync(("models/marts/fct_refunds.sql", "select payment_id, amount from {{ ref('stg_payments') }} where amount < 0\n"));

        result.None("missing-primary-key-test");
        Assert.Contains("`unique` and `not_null` tests on `payment_id`", result.Single("model-undocumented").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingPrimaryKeyTest_UniqueOnlyOrPackageUniqueTest_CountsAsAGrainTest()
    {
        var yaml = Review.Fixture("shop")["models/marts/_marts__models.yml"]
            + "  - name: fct_refunds\n    description: Refunds.\n    columns:\n      - name: payment_id\n        description: Key.\n        data_tests:\n          - dbt_expectations.expect_column_values_to_be_unique\n";
        var result = await Review.RunAsync(("models/marts/fct_refunds.sql", "select payment_id, amount from {{ ref('stg_payments') }} where amount < 0\n"), ("models/marts/_marts__models.yml", yaml));

        result.None("missing-primary-key-test");
    }

    [Fact]
    public async Task MissingPrimaryKeyTest_EntryWithoutKeyTests_MessageIsOneGrammaticalSentence()
    {
        var yaml = Review.Fixture("shop")["models/marts/_marts__models.yml"]
            + "  - name: fct_refunds\n    description: Refunds.\n    columns:\n      - name: payment_id\n        description: Key.\n";
        var result = await Review.RunAsync(("models/marts/fct_refunds.sql", "select payment_id, amount from {{ ref('stg_payments') }} where amount < 0\n"), ("models/marts/_marts__models.yml", yaml));

        var message = result.Single("missing-primary-key-test").Message;
        Assert.Contains("Add `unique` and `not_null` tests on `payment_id` in `models/marts/_marts__models.yml`", message, StringComparison.Ordinal);
        Assert.DoesNotContain("In `", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingPrimaryKeyTest_NewModelWithUniqueNotNull_NoFinding()
    {
        var result = await Review.RunAsync(NewModel("select order_id as order_item_id from {{ ref('stg_orders') }}\n"));

        result.None("missing-primary-key-test");
    }

    [Fact]
    public async Task SelectStarFinal_StarFromRef_Medium()
    {
        var result = await Review.RunAsync(NewModel("select * from {{ ref('stg_orders') }}\n"));

        Assert.Equal(1, result.Single("select-star-final").Line);
    }

    [Fact]
    public async Task SelectStarFinal_StarFromExplicitCte_NoFinding()
    {
        // The fixture's dbt-style models end with "select * from final" over explicit columns.
        var result = await Review.RunAsync(Review.Edit("models/marts/dim_customers.sql", "select * from final", "select * from final\n"));

        result.None("select-star-final");
    }

    [Fact]
    public async Task JoinWithoutCondition_JoinWithoutOn_High()
    {
        var result = await Review.RunAsync(NewModel("select o.order_id as order_item_id\nfrom {{ ref('stg_orders') }} o\njoin {{ ref('stg_payments') }} p\nwhere p.amount > 0\n"));

        var finding = result.Single("join-without-condition");
        Assert.Equal(3, finding.Line);
        Assert.Equal(Severity.High, finding.Severity);
    }

    [Fact]
    public async Task JoinWithoutCondition_ImplicitCrossJoinWithoutWhere_Found()
    {
        var result = await Review.RunAsync(NewModel("select o.order_id as order_item_id\nfrom {{ ref('stg_orders') }} o, {{ ref('stg_payments') }} p\n"));

        Assert.Contains("Implicit cross join", result.Single("join-without-condition").Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task JoinWithoutCondition_JoinOnUsingAndCommaJoinWithWhere_NotHigh()
    {
        var result = await Review.RunAsync(NewModel("""
            select o.order_id as order_item_id
            from {{ ref('stg_orders') }} o
            join {{ ref('stg_payments') }} p on p.order_id = o.order_id
            left join {{ ref('stg_customers') }} c using (customer_id), {{ ref('country_codes') }} cc
            where cc.country_code = c.country_code

            """));

        result.None("join-without-condition");
        Assert.Equal(Severity.Low, result.Single("implicit-join").Severity);
    }

    [Fact]
    public async Task EqualsNull_ComparisonWithNull_High()
    {
        var result = await Review.RunAsync(NewModel("select order_id as order_item_id from {{ ref('stg_orders') }}\nwhere status = null\n"));

        Assert.Equal(2, result.Single("equals-null").Line);
    }

    [Fact]
    public async Task EqualsNull_IsNullAndUpdateSetNull_NoFinding()
    {
        var result = await Review.RunAsync(
            NewModel("select order_id as order_item_id from {{ ref('stg_orders') }}\nwhere status is null or status is not null\n")
                .Append(("migrations/V3__fix.sql", "update raw.shop.orders set status = null where status = '';\n")).ToArray());

        result.None("equals-null");
    }

    [Fact]
    public async Task LimitWithoutOrderBy_Limit_Medium()
    {
        var result = await Review.RunAsync(NewModel("select order_id as order_item_id from {{ ref('stg_orders') }}\nlimit 100\n"));

        Assert.Equal(2, result.Single("limit-without-order-by").Line);
    }

    [Fact]
    public async Task LimitWithoutOrderBy_OrderedLimit_NoFinding()
    {
        var result = await Review.RunAsync(NewModel("select order_id as order_item_id from {{ ref('stg_orders') }}\norder by order_id\nlimit 100\n"));

        result.None("limit-without-order-by");
    }

    [Fact]
    public async Task UnusedCte_DefinedNeverRead_Low()
    {
        var result = await Review.RunAsync(NewModel("with a as (select 1 as x),\nb as (select order_id as order_item_id from {{ ref('stg_orders') }})\nselect order_item_id from b\n"));

        var finding = result.Single("unused-cte");
        Assert.Equal(1, finding.Line);
        Assert.Equal(Severity.Low, finding.Severity);
    }

    [Fact]
    public async Task UnusedCte_CteReadInSubquery_NoFinding()
    {
        var result = await Review.RunAsync(NewModel("with paid as (select order_id from {{ ref('stg_payments') }})\nselect order_id as order_item_id from {{ ref('stg_orders') }}\nwhere order_id in (select order_id from paid)\n"));

        result.None("unused-cte");
    }

    [Fact]
    public async Task UnparseableSql_UnclosedIfBlock_ReportedAndNotAnalysed()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "    {% endif %}\n", ""));

        var finding = result.Single("unparseable-sql");
        Assert.Contains("missing '{% endif %}'", finding.Message, StringComparison.Ordinal);
        Assert.Equal("Jinja does not parse", finding.Title);
        Assert.Contains(result.Outputs[Core.Agents.AgentName.Quality].NotAnalysed, s => s.File == "models/marts/fct_orders.sql");
    }

    [Fact]
    public async Task UnparseableSql_UnbalancedParenthesis_Reported()
    {
        var result = await Review.RunAsync(NewModel("select count(order_id as order_item_id from {{ ref('stg_orders') }}\n"));

        var finding = result.Single("unparseable-sql");
        Assert.Equal(("SQL does not parse", 1), (finding.Title, finding.Line));
        Assert.Contains("expected ')'", finding.Message, StringComparison.Ordinal);
        // Every agent that reads SQL says it could not analyse the model, with the parser's reason and line.
        Assert.Contains(result.Outputs[Core.Agents.AgentName.Governance].NotAnalysed, s => s.File == "models/marts/int_order_items.sql" && s.Reason.Contains("does not parse at line 1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnparseableSql_WellFormedJinja_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "    {% endif %}\n", "    {% endif %}\n    {# a comment with a ) and {% raw %} #}\n"));

        result.None("unparseable-sql");
    }
}

public sealed class PythonRulesTests
{
    [Fact]
    public async Task PythonSqlFromStrings_FStringQuery_High()
    {
        var result = await Review.RunAsync(("orchestration/airflow/dags/export.py",
            "def export(cursor, day):\n    cursor.execute(f\"select * from analytics.orders where order_date = '{day}'\")\n"));

        var finding = result.Single("python-sql-from-strings");
        Assert.Equal((Severity.High, 2), (finding.Severity, finding.Line));
    }

    [Fact]
    public async Task PythonSqlFromStrings_ParametersPassedSeparately_NoFinding()
    {
        var result = await Review.RunAsync(("orchestration/airflow/dags/export.py",
            "def export(cursor, day):\n    cursor.execute(\"select * from analytics.orders where order_date = %s\", (day,))\n"));

        result.None("python-sql-from-strings");
    }

    [Fact]
    public async Task PythonSwallowedException_BareExceptAndPassHandler_Found()
    {
        var result = await Review.RunAsync(("orchestration/dagster/ops.py",
            "def load():\n    try:\n        run()\n    except:\n        log()\n\ndef other():\n    try:\n        run()\n    except Exception:\n        pass\n"));

        Assert.Equal([4, 10], result.Of("python-swallowed-exception").Select(f => f.Line!.Value).ToArray());
    }

    [Fact]
    public async Task PythonSwallowedException_SpecificOrReraised_NoFinding()
    {
        var result = await Review.RunAsync(("orchestration/dagster/ops.py",
            "def load():\n    try:\n        run()\n    except KeyError:\n        pass\n    except Exception as error:\n        logger.error(error)\n        raise\n"));

        result.None("python-swallowed-exception");
    }
}
