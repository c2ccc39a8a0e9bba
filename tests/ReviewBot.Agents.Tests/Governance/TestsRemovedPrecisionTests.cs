using ReviewBot.Agents.Governance.Rules;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Tests.Governance;

/// <summary>
/// <c>tests-removed</c> matches tests by column and kind: renames to another package's test or a project wrapper
/// are info, a real removal (also by commenting the entry out) stays medium.
/// </summary>
public sealed class TestsRemovedPrecisionTests
{
    private const string Yaml = "models/staging/_staging__models.yml";
    private const string OrderIdTests = "        tests:\n          - unique\n          - not_null\n";

    [Theory]
    [InlineData("unique", "unique")]
    [InlineData("dbt_expectations.expect_column_values_to_be_unique", "unique")]
    [InlineData("assert_unique_key", "unique")]
    [InlineData("dbt_utils.unique_combination_of_columns", "compound_unique")]
    [InlineData("dbt_expectations.expect_compound_columns_to_be_unique", "compound_unique")]
    [InlineData("dbt_expectations.expect_column_values_to_not_be_null", "not_null")]
    [InlineData("accepted_values", "accepted_values")]
    [InlineData("dbt_expectations.expect_column_values_to_be_in_set", "accepted_values")]
    [InlineData("relationships", "relationships")]
    [InlineData("dbt_utils.accepted_range", "range")]
    [InlineData("my_project.freshness_guard", "freshness_guard")]
    public void KindOf_PackageAndWrapperSpellings_SameKind(string test, string kind) => Assert.Equal(kind, TestsRemoved.KindOf(test));

    [Fact]
    public async Task TestsRemoved_UniqueReplacedByPackageTestWithCondition_InfoOnly()
    {
        var result = await Review.RunAsync(Review.Edit(Yaml, OrderIdTests,
            "        tests:\n          - dbt_expectations.expect_column_values_to_be_unique:\n              row_condition: \"not is_deleted\"\n          - not_null\n"));

        var finding = result.Single("tests-removed");
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains("`unique` is replaced by `dbt_expectations.expect_column_values_to_be_unique`", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestsRemoved_BothRenamedToProjectWrappers_OneInfoFinding()
    {
        var result = await Review.RunAsync(Review.Edit(Yaml, OrderIdTests, "        data_tests:\n          - shop_unique\n          - shop_not_null\n"));

        var finding = result.Single("tests-removed");
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains("`not_null` is replaced by `shop_not_null`", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestsRemoved_UniqueMovedIntoCompoundKeyTest_InfoNamingTheColumns()
    {
        var result = await Review.RunAsync(Review.Edit(Yaml, "  - name: stg_orders\n    description: Orders, one row per order.\n    columns:\n" + "      - name: order_id\n        description: Primary key.\n" + OrderIdTests,
            "  - name: stg_orders\n    description: Orders, one row per order.\n    data_tests:\n      - dbt_utils.unique_combination_of_columns:\n          combination_of_columns:\n            - source_relation\n            - order_id\n    columns:\n      - name: order_id\n        description: Primary key.\n        tests:\n          - not_null\n"));

        var finding = result.Single("tests-removed");
        Assert.Equal(Severity.Info, finding.Severity);
        Assert.Contains("(source_relation, order_id)", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestsRemoved_NotNullSwappedForAConditionalUniqueTest_StillARemoval()
    {
        var result = await Review.RunAsync(Review.Edit(Yaml, OrderIdTests,
            "        tests:\n          - unique\n          - dbt_expectations.expect_column_values_to_be_unique:\n              row_condition: \"not is_deleted\"\n"));

        var finding = result.Single("tests-removed");
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Contains("`not_null` test was removed", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestsRemoved_TestLineCommentedOut_MediumRemoval()
    {
        var result = await Review.RunAsync(Review.Edit(Yaml, OrderIdTests, "        tests:\n          # - unique\n          - not_null\n"));

        Assert.Equal(Severity.Medium, result.Single("tests-removed").Severity);
    }

    [Fact]
    public async Task TestsRemoved_WholeColumnEntryCommentedOutWhileStillSelected_MediumRemoval()
    {
        var result = await Review.RunAsync(Review.Edit(Yaml, "      - name: order_id\n        description: Primary key.\n" + OrderIdTests,
            "      # - name: order_id\n      #   description: Primary key.\n      #   tests:\n      #     - unique\n      #     - not_null\n"));

        var finding = result.Single("tests-removed");
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Contains("commented out while `stg_orders` still selects it", finding.Message, StringComparison.Ordinal);
        Assert.Contains("`unique`, `not_null` tests were removed", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestsRemoved_ColumnDroppedFromModelAndYaml_NotThisRule()
    {
        var result = await Review.RunAsync(
            Review.Edit("models/staging/stg_orders.sql", "        order_date,\n", ""),
            Review.Edit(Yaml, "      - name: order_date\n        description: Date the order was placed (UTC).\n", ""));

        result.None("tests-removed");
    }
}
