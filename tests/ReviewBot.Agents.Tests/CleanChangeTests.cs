using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Tests;

public sealed class CleanChangeTests
{
    private const string DailyRevenue = """
        {{ config(materialized='incremental', unique_key='order_date') }}

        with orders as (

            select * from {{ ref('fct_orders') }}
            {% if is_incremental() %}
            where order_date >= (select max(order_date) - interval '3 days' from {{ this }})
            {% endif %}

        ),

        daily as (

            select
                order_date,
                count(order_id) as orders,
                sum(amount) as revenue
            from orders
            group by order_date

        )

        select * from daily

        """;

    private const string DailyRevenueYaml = """

          - name: fct_daily_revenue
            description: One row per day with order count and revenue.
            columns:
              - name: order_date
                description: Day of the orders (UTC).
                data_tests: [unique, not_null]
              - name: orders
                description: Number of orders placed that day.
              - name: revenue
                description: Paid amount in dollars.

        """;

    [Fact]
    public async Task RunAsync_CleanDocumentedTestedChange_NoFindingAtMediumOrAbove()
    {
        var marts = Review.Fixture("shop")["models/marts/_marts__models.yml"];
        var result = await Review.RunAsync(
            ("models/marts/fct_daily_revenue.sql", DailyRevenue),
            ("models/marts/_marts__models.yml", marts + DailyRevenueYaml),
            Review.Edit("models/staging/stg_orders.sql", "        status\n", "        status,\n        coalesce(channel, 'web') as channel\n"),
            Review.Edit("models/staging/_staging__models.yml", "      - name: status\n        description: Order status.\n",
                "      - name: status\n        description: Order status.\n      - name: channel\n        description: Sales channel (web, app, store); web when unknown.\n"),
            Review.Edit("orchestration/dagster/schedules.py", "DBT_TARGET = os.getenv(\"DAGSTER_DBT_TARGET\", \"dev\")\n",
                "DBT_TARGET = os.getenv(\"DAGSTER_DBT_TARGET\", \"dev\")\nDBT_THREADS = int(os.getenv(\"DAGSTER_DBT_THREADS\", \"4\"))\n"),
            Review.Edit(".env.example", "DAGSTER_DBT_TARGET=dev\n", "DAGSTER_DBT_TARGET=dev\nDAGSTER_DBT_THREADS=4\n"),
            Review.Edit("README.md", "- [Orders mart](models/marts/fct_orders.sql)\n", "- [Orders mart](models/marts/fct_orders.sql)\n- [Daily revenue](models/marts/fct_daily_revenue.sql)\n"));

        var serious = result.Findings.Where(f => f.Severity >= Severity.Medium).ToList();
        Assert.True(serious.Count == 0, result.Describe());
        Assert.All(result.Outputs.Values, o => Assert.Null(o.DegradedReason));
    }

    [Fact]
    public async Task RunAsync_DocsOnlyChange_NoFindings()
    {
        var result = await Review.RunAsync(Review.Edit("docs/architecture.md", "marts join it for reporting.", "marts join it for reporting and finance."));

        Assert.True(result.Findings.Count == 0, result.Describe());
        Assert.All(result.Outputs.Values, o => Assert.Contains("rules only (no LLM configured)", o.Notes));
    }
}
