using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Tests.Cost;

public sealed class CostRulesTests
{
    [Fact]
    public async Task IncrementalToFullRebuild_MaterializationChangedToTable_HighOnConfigLine()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "materialized='incremental'", "materialized='table'"));

        var finding = result.Single("incremental-to-full-rebuild");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Equal(3, finding.Line);
        Assert.Contains("×", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncrementalToFullRebuild_IsIncrementalFilterRemoved_High()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql",
            "    {% if is_incremental() %}\n        and orders.order_date >= (select max(order_date) - interval '3 days' from {{ this }})\n    {% endif %}\n", ""));

        Assert.Contains("filter removed", result.Single("incremental-to-full-rebuild").Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IncrementalToFullRebuild_SqlConfigRemovedFolderSaysTable_ReportedOnModel()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "        materialized='incremental',\n", ""));

        var finding = result.Single("incremental-to-full-rebuild");
        Assert.Equal("models/marts/fct_orders.sql", finding.File);
        Assert.Null(finding.Line); // a pure deletion has no added line to point at
    }

    [Fact]
    public async Task IncrementalToFullRebuild_SqlConfigRemovedWhileTheProjectFileOnlyBumpsItsVersion_ReportedOnTheModel()
    {
        // A real shape: the release PR removes the model's incremental config and bumps the project version; the
        // folder's `+materialized: table` (unchanged) now wins, but the cause is the model file, not dbt_project.yml.
        var result = await Review.RunAsync(
            Review.Edit("models/marts/fct_orders.sql", "        materialized='incremental',\n", ""),
            Review.Edit("dbt_project.yml", "version: \"1.0.0\"", "version: \"1.1.0\""));

        Assert.Equal("models/marts/fct_orders.sql", result.Single("incremental-to-full-rebuild").File);
    }

    [Fact]
    public async Task IncrementalToFullRebuild_IncrementalKept_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "unique_key='order_id'", "unique_key=['order_id']"));

        result.None("incremental-to-full-rebuild");
    }

    [Fact]
    public async Task ViewToTable_StagingModelMaterializedAsTable_Low()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "with source as (", "{{ config(materialized='table') }}\n\nwith source as ("));

        Assert.Equal(Severity.Low, result.Single("view-to-table").Severity);
    }

    [Fact]
    public async Task ViewToTable_ProjectFolderDefaultChanged_OneFindingOnDbtProject()
    {
        var result = await Review.RunAsync(Review.Edit("dbt_project.yml", "      +materialized: view\n      +schema: staging", "      +materialized: table\n      +schema: staging"));

        var finding = result.Single("view-to-table");
        Assert.Equal("dbt_project.yml", finding.File);
        Assert.Equal(19, finding.Line);
        Assert.Contains("stg_customers", finding.Message, StringComparison.Ordinal);
        Assert.Contains("stg_payments", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TableWithCrossJoin_TableModelCrossJoins_Medium()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/dim_customers.sql", "    left join customer_orders\n        on customers.customer_id = customer_orders.customer_id\n",
            "    cross join customer_orders\n"));

        var finding = result.Single("table-with-cross-join");
        Assert.Contains("table", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TableWithCrossJoin_ViewModel_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "    from source\n", "    from source\n    cross join (select 1 as one) as one\n"));

        result.None("table-with-cross-join");
    }

    [Fact]
    public async Task SelectStarFromSource_TableCopiesSource_Medium()
    {
        var result = await Review.RunAsync(("models/marts/raw_orders_copy.sql", "select * from {{ source('shop', 'orders') }}\n"));

        Assert.Equal(1, result.Single("select-star-from-source").Line);
    }

    [Fact]
    public async Task SelectStarFromSource_ViewOverSource_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "        status\n", "        status,\n        1 as version\n"));

        result.None("select-star-from-source");
    }

    [Fact]
    public async Task PartitionConfigDropped_PartitionByRemoved_High()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "        partition_by={'field': 'order_date', 'data_type': 'date'},\n", ""));

        var finding = result.Single("partition-config-dropped");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Contains("partition_by", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PartitionConfigDropped_ClusterByRemoved_MediumNotBlocking()
    {
        var before = Review.Fixture("shop");
        before["models/marts/fct_orders.sql"] = before["models/marts/fct_orders.sql"].Replace(
            "        partition_by={'field': 'order_date', 'data_type': 'date'},\n",
            "        partition_by={'field': 'order_date', 'data_type': 'date'},\n        cluster_by=['order_id'],\n", StringComparison.Ordinal);
        var after = new Dictionary<string, string>(before, StringComparer.Ordinal)
        {
            ["models/marts/fct_orders.sql"] = Review.Fixture("shop")["models/marts/fct_orders.sql"],
        };

        var result = await Review.RunAsync(TestUtils.ChangeSets.FromFiles(before, after));

        var finding = result.Single("partition-config-dropped");
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Contains("cluster_by", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PartitionConfigDropped_PartitionChangedNotRemoved_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "'data_type': 'date'", "'data_type': 'date', 'granularity': 'month'"));

        result.None("partition-config-dropped");
    }

    [Fact]
    public async Task FilterRemoved_PartitionFilterDropped_High()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql",
            "    where orders.order_date >= '2020-01-01'\n    {% if is_incremental() %}\n        and orders.order_date", "    {% if is_incremental() %}\n        where orders.order_date"));

        result.None("filter-removed");
    }

    [Fact]
    public async Task LookbackWidened_ThreeToThirtyDays_HighWithRatio()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "interval '3 days'", "interval '30 days'"));

        var finding = result.Single("lookback-widened");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Contains("10×", finding.Title, StringComparison.Ordinal);
        Assert.Equal(45, finding.Line);
    }

    [Fact]
    public async Task LookbackWidened_SmallIncrease_Medium()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "interval '3 days'", "interval '5 days'"));

        Assert.Equal(Severity.Medium, result.Single("lookback-widened").Severity);
    }

    [Fact]
    public async Task LookbackWidened_Narrowed_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "interval '3 days'", "interval '2 days'"));

        result.None("lookback-widened");
    }

    [Fact]
    public async Task ScheduleTightened_DagsterDailyToHourly_High24x()
    {
        var result = await Review.RunAsync(Review.Edit("orchestration/dagster/schedules.py", "cron_schedule=\"0 6 * * *\"", "cron_schedule=\"0 * * * *\""));

        var finding = result.Single("schedule-tightened");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Contains("24×", finding.Title, StringComparison.Ordinal);
        Assert.Contains("shop_daily", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduleTightened_AirflowDailyToTwiceDaily_Medium()
    {
        var result = await Review.RunAsync(Review.Edit("orchestration/airflow/dags/daily_refresh.py", "schedule=\"@daily\"", "schedule=\"0 6,18 * * *\""));

        var finding = result.Single("schedule-tightened");
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Contains("2×", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ScheduleTightened_Relaxed_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("orchestration/airflow/dags/daily_refresh.py", "schedule=\"@daily\"", "schedule=\"@weekly\""));

        result.None("schedule-tightened");
    }

    [Fact]
    public async Task WarehouseUpsized_SmallToXLarge_High8x()
    {
        var result = await Review.RunAsync(Review.Edit("profiles.yml", "warehouse: TRANSFORM_WH_SMALL", "warehouse: TRANSFORM_WH_XLARGE"));

        var finding = result.Single("warehouse-upsized");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Contains("8×", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WarehouseUpsized_Downsized_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("profiles.yml", "warehouse: TRANSFORM_WH_SMALL", "warehouse: TRANSFORM_WH_XSMALL"));

        result.None("warehouse-upsized");
    }
}
