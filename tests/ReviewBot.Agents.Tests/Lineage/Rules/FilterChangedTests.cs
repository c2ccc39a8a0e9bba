using ReviewBot.Agents.Lineage.Rules;
using ReviewBot.Core.Findings;
using ReviewBot.TestUtils;

namespace ReviewBot.Agents.Tests.Lineage.Rules;

public sealed class FilterChangedTests
{
    [Fact]
    public async Task Evaluate_ConditionInvertedOnModelWithConsumers_High()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "    where orders.order_date >= '2020-01-01'\n", "    where orders.order_date < '2020-01-01'\n"));

        var finding = result.Single("filter-changed");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Equal("Filter inverted in `fct_orders`", finding.Title);
        Assert.Contains("CTE `final`", finding.Message, StringComparison.Ordinal);
        Assert.Contains("`revenue_dashboard`", finding.Message, StringComparison.Ordinal);
        Assert.Equal(43, finding.Line);
    }

    [Fact]
    public async Task Evaluate_FilterAddedOnModelWithConsumers_Medium()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "    from source\n", "    from source\n    where status != 'test'\n"));

        var finding = result.Single("filter-changed");
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Contains("`where` added: `status != 'test'`", finding.Message, StringComparison.Ordinal);
        Assert.Contains("2 downstream models", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_GroupByGainsANewOutputColumn_LowGrainRefinementNotARowChange()
    {
        // A real package shape: every aggregate gains `source_relation` in its select and its positional group by.
        var before = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: p\n",
            ["models/agg.sql"] = "select\n    email_id,\n    count(*) as opens\nfrom {{ source('raw', 'events') }}\ngroup by 1\n",
            ["models/report.sql"] = "select email_id, opens from {{ ref('agg') }}\n",
        };
        var refined = new Dictionary<string, string>(before) { ["models/agg.sql"] = "select\n    source_relation,\n    email_id,\n    count(*) as opens\nfrom {{ source('raw', 'events') }}\ngroup by 1, 2\n" };
        var regrouped = new Dictionary<string, string>(before) { ["models/agg.sql"] = "select\n    email_id,\n    count(*) as opens\nfrom {{ source('raw', 'events') }}\ngroup by 1, opens_day\n" };

        var refinement = (await Review.RunAsync(ChangeSets.FromFiles(before, refined))).Single("filter-changed");
        var change = (await Review.RunAsync(ChangeSets.FromFiles(before, regrouped))).Single("filter-changed");

        Assert.Equal(Severity.Low, refinement.Severity);
        Assert.Equal("Grain of `agg` refined by `source_relation`", refinement.Title);
        Assert.Equal(Severity.Medium, change.Severity);
        Assert.StartsWith("Rows of `agg` change: group by changed", change.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_SelectNowReadsOtherRelations_RewrittenNotRefiltered()
    {
        // A real shape: the model's filter moved into the two new models it now unions; the select reads other relations.
        var before = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: p\n",
            ["models/usage.sql"] = "select user_id, count(*) as n\nfrom {{ source('raw', 'events') }}\nwhere user_id is not null\ngroup by 1\n",
            ["models/report.sql"] = "select user_id, n from {{ ref('usage') }}\n",
            ["models/usage_web.sql"] = "select user_id, count(*) as n from {{ source('raw', 'web') }} where user_id is not null group by 1\n",
        };
        var after = new Dictionary<string, string>(before) { ["models/usage.sql"] = "select user_id, n\nfrom {{ ref('usage_web') }}\n" };

        (await Review.RunAsync(ChangeSets.FromFiles(before, after))).None("filter-changed");
    }

    [Theory]
    [InlineData("t . transaction_type = 'Payment'", "t . block_date >= date '2013-01-01' and t . transaction_type = 'Payment'", true)]
    [InlineData("status = 'ok'", "status = 'ok' and created_at > '2020-01-01 00:00:00'", true)]
    [InlineData("status = 'ok'", "status = 'ok' and amount >= 100", false)]
    [InlineData("status = 'ok'", "status <> 'ok'", false)]
    [InlineData("", "block_date >= date '2013-01-01'", false)]
    public void StartDateGuard_OnlyALowerDateBoundAdded(string before, string after, bool expected) =>
        Assert.Equal(expected, FilterChanged.StartDateGuard(before, after));

    [Fact]
    public async Task Evaluate_DistinctAddedOnModelNobodyReads_Info()
    {
        var before = new Dictionary<string, string> { ["dbt_project.yml"] = "name: p\n", ["models/a.sql"] = "select id from {{ source('raw', 'orders') }}\n" };
        var after = new Dictionary<string, string>(before) { ["models/a.sql"] = "select distinct id from {{ source('raw', 'orders') }}\n" };

        var finding = (await Review.RunAsync(ChangeSets.FromFiles(before, after))).Single("filter-changed");

        Assert.Equal(Severity.Info, finding.Severity);
    }

    [Fact]
    public async Task Evaluate_OnlyColumnsChanged_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_customers.sql", "        country_code\n", "        country_code,\n        upper(first_name) as first_name_upper\n"));

        result.None("filter-changed");
    }

    [Theory]
    [InlineData("a = 1", "a != 1", true)]
    [InlineData("a >= 1", "a < 1", true)]
    [InlineData("a in ( 1 )", "a not in ( 1 )", true)]
    [InlineData("not a", "a", true)]
    [InlineData("a = 1", "a = 2", false)]
    [InlineData("a = 1", "b != 1", false)]
    [InlineData("", "a = 1", false)]
    public void Inverted_OperatorPairs(string before, string after, bool expected) => Assert.Equal(expected, FilterChanged.Inverted(before, after));
}
