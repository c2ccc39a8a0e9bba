using ReviewBot.Agents.Lineage;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Tests.Lineage;

public sealed class LineageRulesTests
{
    [Fact]
    public async Task DownstreamImpact_ChangedStagingModel_ListsModelsExposuresAndDepth()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "        status\n", "        lower(status) as status\n"));

        var finding = result.Single("downstream-impact");
        Assert.Equal(Severity.Low, finding.Severity);
        Assert.Contains("2 downstream models", finding.Message, StringComparison.Ordinal);
        Assert.Contains("`revenue_dashboard`", finding.Message, StringComparison.Ordinal);
        Assert.Equal(13, finding.Line);
        var graph = Assert.Single(result.Outputs[AgentName.Lineage].Notes, n => n.StartsWith(LineageRules.MermaidNotePrefix, StringComparison.Ordinal));
        Assert.Contains("graph LR", graph, StringComparison.Ordinal);
        Assert.Contains("[\"stg_orders\"]:::changed", graph, StringComparison.Ordinal);
        Assert.Contains("([\"revenue_dashboard\"])", graph, StringComparison.Ordinal);
        Assert.EndsWith("```", graph, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DownstreamImpact_LeafModelWithoutDependants_NoFinding()
    {
        var result = await Review.RunAsync(("models/marts/fct_refunds.sql", "select payment_id from {{ ref('stg_payments') }}\n"));

        result.None("downstream-impact");
    }

    [Fact]
    public async Task Mermaid_LargeGraph_CappedWithMoreNode()
    {
        var files = new Dictionary<string, string> { ["dbt_project.yml"] = "name: big\n" };
        files["models/root.sql"] = "select 1 as id";
        for (var i = 0; i < 100; i++)
        {
            files[$"models/m{i}.sql"] = "select id from {{ ref('root') }}";
        }

        var state = await Context.ContextTestHelpers.HeadAsync(files);
        var graph = LineageRules.Mermaid(state, ["root"], 20)!;

        Assert.Contains("… 81 more", graph, StringComparison.Ordinal);
        Assert.True(graph.Split('\n').Count(l => l.Contains("-->", StringComparison.Ordinal)) <= 20);
    }

    [Fact]
    public async Task ColumnRemovedReferenced_RenamedColumnStillSelectedDownstream_High()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "        order_date,\n", "        order_date as ordered_on,\n"));

        var finding = result.Single("column-removed-referenced");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Contains("renamed to `ordered_on`", finding.Title, StringComparison.Ordinal);
        Assert.Contains("`dim_customers`", finding.Message, StringComparison.Ordinal);
        Assert.Contains("`fct_orders`", finding.Message, StringComparison.Ordinal);
        Assert.Equal(12, finding.Line);
    }

    [Fact]
    public async Task ColumnRemovedReferenced_RemovedColumnNobodyReads_NoFinding()
    {
        var result = await Review.RunAsync(
            Review.Edit("models/staging/stg_customers.sql", "        lower(email) as email,\n", ""),
            Review.Edit("models/staging/_staging__models.yml", "      - name: email\n        description: Contact email, lower-cased.\n        config:\n          meta:\n            contains_pii: true\n", ""));

        result.None("column-removed-referenced");
    }

    [Fact]
    public async Task RemovedNodeReferenced_DeletedModelStillReffed_HighOnDeletedFile()
    {
        var result = await Review.RunAsync(("models/staging/stg_payments.sql", null));

        var finding = result.Single("removed-node-referenced");
        Assert.Equal("models/staging/stg_payments.sql", finding.File);
        Assert.Null(finding.Line);
        Assert.Contains("`fct_orders`", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RemovedNodeReferenced_DeletedWithItsReaderUpdated_NoFinding()
    {
        var result = await Review.RunAsync(
            ("models/staging/stg_payments.sql", null),
            Review.Edit("models/marts/fct_orders.sql", "select * from {{ ref('stg_payments') }}", "select * from {{ ref('stg_orders') }}"));

        result.None("removed-node-referenced");
    }

    [Fact]
    public async Task RemovedNodeReferenced_SourceTableRemoved_High()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/_sources.yml", "      - name: payments\n        description: One row per payment attempt.\n", ""));

        Assert.Contains("shop.payments", result.Single("removed-node-referenced").Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContractBreakingChange_ContractedColumnRemoved_High()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/_marts__models.yml",
            "      - name: number_of_orders\n        description: Count of orders placed.\n        data_type: int\n", ""));

        var finding = result.Single("contract-breaking-change");
        Assert.Contains("number_of_orders", finding.Title, StringComparison.Ordinal);
        Assert.Contains("new model version", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContractBreakingChange_TypeChanged_High()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/_marts__models.yml",
            "        description: Count of orders placed.\n        data_type: int\n", "        description: Count of orders placed.\n        data_type: bigint\n"));

        Assert.Contains("changes from `int` to `bigint`", result.Single("contract-breaking-change").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ContractBreakingChange_ColumnAddedToContract_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/_marts__models.yml",
            "        description: Count of orders placed.\n        data_type: int\n",
            "        description: Count of orders placed.\n        data_type: int\n      - name: country_code\n        description: ISO country.\n        data_type: varchar\n"));

        result.None("contract-breaking-change");
    }
}
