using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Tests.Lineage.Rules;

/// <summary>incremental-schema-change-unhandled, incremental-key-changed and incremental-filter-removed on the shop's incremental <c>fct_orders</c>.</summary>
public sealed class IncrementalRulesTests
{
    private const string Model = "models/marts/fct_orders.sql";

    private static (string, string?) WithoutSchemaPolicy(string find, string replace)
    {
        var (path, text) = Review.Edit(Model, "        partition_by={'field': 'order_date', 'data_type': 'date'},\n        on_schema_change='append_new_columns'\n", "        partition_by={'field': 'order_date', 'data_type': 'date'}\n");
        Assert.Contains(find, text!, StringComparison.Ordinal);
        return (path, text!.Replace(find, replace, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SchemaChange_ColumnAddedWithoutOnSchemaChange_MediumNamesTheColumn()
    {
        var result = await Review.RunAsync(WithoutSchemaPolicy("        current_timestamp as updated_at\n", "        current_timestamp as updated_at,\n        orders.customer_id * 0 as channel_id\n"));

        var finding = result.Single("incremental-schema-change-unhandled");
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Contains("adds `channel_id`", finding.Message, StringComparison.Ordinal);
        Assert.Contains("not set (dbt's default is `ignore`)", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchemaChange_ColumnOnlyRedefined_NotASchemaChange()
    {
        // A real shape: a new branch in a union redefines every column's lineage without changing one type.
        var result = await Review.RunAsync(WithoutSchemaPolicy("        current_timestamp as updated_at\n", "        localtimestamp as updated_at\n"));

        result.None("incremental-schema-change-unhandled");
    }

    [Fact]
    public async Task SchemaChange_OnSchemaChangeKept_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit(Model, "        current_timestamp as updated_at\n", "        current_timestamp as updated_at,\n        orders.customer_id * 0 as channel_id\n"));

        result.None("incremental-schema-change-unhandled");
    }

    [Fact]
    public async Task SchemaChange_FullRefreshInPullRequestDescription_NoFinding()
    {
        var change = Review.Shop(WithoutSchemaPolicy("        current_timestamp as updated_at\n", "        current_timestamp as updated_at,\n        orders.customer_id * 0 as channel_id\n"));
        change = change with { PullRequest = new PullRequestInfo(7, "Add channel", "dev", "h", "b") { Body = "Needs a --full-refresh of fct_orders after deploy." } };

        (await Review.RunAsync(change)).None("incremental-schema-change-unhandled");
    }

    [Fact]
    public async Task KeyChanged_UniqueKeyChanged_HighWithConsumers()
    {
        var result = await Review.RunAsync(Review.Edit(Model, "        unique_key='order_id',\n", "        unique_key=['order_id', 'customer_id'],\n"));

        var finding = result.Single("incremental-key-changed");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Equal(4, finding.Line);
        Assert.Contains("from `order_id` to `[order_id, customer_id]`", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyChanged_UniqueKeySetForTheFirstTime_LowNote()
    {
        // A real shape: an append-only incremental model gets a unique_key and delete+insert to stop duplicates.
        var baseFiles = Review.Fixture("shop");
        baseFiles[Model] = baseFiles[Model].Replace("        unique_key='order_id',\n", "", StringComparison.Ordinal);
        var head = new Dictionary<string, string?> { [Model] = Review.Fixture("shop")[Model] };

        var finding = (await Review.RunAsync(TestUtils.ChangeSets.FromEdits(baseFiles, head))).Single("incremental-key-changed");

        Assert.Equal(Severity.Low, finding.Severity);
        Assert.Equal("`unique_key` of incremental `fct_orders` set", finding.Title);
    }

    [Fact]
    public async Task KeyChanged_PartitionFieldChanged_High()
    {
        var result = await Review.RunAsync(Review.Edit(Model, "'field': 'order_date'", "'field': 'updated_at'"));

        Assert.Contains("`partition_by`", result.Single("incremental-key-changed").Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyChanged_FullRefreshNotedOnAnAddedLine_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit(Model, "        unique_key='order_id',\n", "        unique_key=['order_id', 'customer_id'], -- full refresh with this deploy\n"));

        result.None("incremental-key-changed");
    }

    [Fact]
    public async Task FilterRemoved_IsIncrementalBlockDeleted_High()
    {
        var result = await Review.RunAsync(Review.Edit(Model,
            "    {% if is_incremental() %}\n        and orders.order_date >= (select max(order_date) - interval '3 days' from {{ this }})\n    {% endif %}\n", ""));

        var finding = result.Single("incremental-filter-removed");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Contains("no longer filters incremental runs", finding.Message, StringComparison.Ordinal);
        Assert.Contains("merges all of it", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilterRemoved_NoLongerAgainstThis_Widened()
    {
        var result = await Review.RunAsync(Review.Edit(Model, "interval '3 days' from {{ this }})", "interval '3 days' from {{ ref('stg_orders') }})"));

        Assert.Contains("widened", result.Single("incremental-filter-removed").Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FilterRemoved_LookbackChangedOnly_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit(Model, "interval '3 days'", "interval '5 days'"));

        result.None("incremental-filter-removed");
    }
}
