using ReviewBot.Core.Findings;
using ReviewBot.TestUtils;

namespace ReviewBot.Agents.Tests.Lineage.Rules;

public sealed class LeftJoinToInnerTests
{
    [Fact]
    public async Task Evaluate_LeftJoinBecameInnerOnModelWithExposure_HighOnTheJoinLine()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "    left join order_payments\n", "    inner join order_payments\n"));

        var finding = result.Single("left-join-to-inner");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Equal(41, finding.Line);
        Assert.Contains("`left join order_payments` became `inner join`", finding.Title, StringComparison.Ordinal);
        Assert.Contains("rows without a match in `order_payments` are dropped", finding.Message, StringComparison.Ordinal);
        Assert.Contains("`revenue_dashboard`", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_PlainJoinKeywordOnModelNobodyReads_Low()
    {
        var before = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: p\n",
            ["models/a.sql"] = "select o.id, p.amount from {{ source('raw', 'orders') }} o left outer join {{ source('raw', 'payments') }} p on p.order_id = o.id\n",
        };
        var after = new Dictionary<string, string>(before) { ["models/a.sql"] = before["models/a.sql"].Replace("left outer join", "join", StringComparison.Ordinal) };

        var finding = (await Review.RunAsync(ChangeSets.FromFiles(before, after))).Single("left-join-to-inner");

        Assert.Equal(Severity.Low, finding.Severity);
    }

    [Fact]
    public async Task Evaluate_InnerBecameLeft_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/dim_customers.sql", "    left join customer_orders\n", "    full outer join customer_orders\n"));

        result.None("left-join-to-inner");
    }

    [Fact]
    public async Task Evaluate_JoinConditionChangedKindKept_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "        on orders.order_id = order_payments.order_id\n", "        on order_payments.order_id = orders.order_id\n"));

        result.None("left-join-to-inner");
    }
}
