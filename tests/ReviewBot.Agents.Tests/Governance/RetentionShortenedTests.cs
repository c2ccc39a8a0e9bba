using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Tests.Governance;

/// <summary><c>retention-shortened</c>: settings that make the warehouse delete data on its own, added or lowered.</summary>
public sealed class RetentionShortenedTests
{
    private const string Orders = "models/marts/fct_orders.sql";

    [Fact]
    public async Task PartitionExpirationAddedToModelConfig_Reported()
    {
        var result = await Review.RunAsync(Review.Edit(Orders, "on_schema_change='append_new_columns'", "on_schema_change='append_new_columns',\n        partition_expiration_days=30"));

        var finding = result.Single("retention-shortened");
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Equal(7, finding.Line);
        Assert.Equal("`partition_expiration_days` set to 30 days", finding.Title);
        Assert.Contains("BigQuery deletes every partition older than 30 days", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FolderConfigInProjectFile_Reported()
    {
        var result = await Review.RunAsync(Review.Edit("dbt_project.yml", "      +schema: marts\n", "      +schema: marts\n      +hours_to_expiration: 6\n"));

        var finding = result.Single("retention-shortened");
        Assert.Contains("deletes the whole table 6 hours after it is built", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetentionLowered_ReportedWithTheOldValue_RaisedOrEqual_Silent()
    {
        var withNinety = Review.Edit(Orders, "on_schema_change='append_new_columns'", "on_schema_change='append_new_columns',\n        partition_expiration_days=90");
        var baseFiles = Review.Fixture("shop");
        baseFiles[Orders] = withNinety.Item2!;

        var lowered = await Review.RunAsync(TestUtils.ChangeSets.FromEdits(baseFiles, new Dictionary<string, string?> { [Orders] = withNinety.Item2!.Replace("=90", "=7", StringComparison.Ordinal) }));
        var raised = await Review.RunAsync(TestUtils.ChangeSets.FromEdits(baseFiles, new Dictionary<string, string?> { [Orders] = withNinety.Item2!.Replace("=90", "=365", StringComparison.Ordinal) }));

        Assert.Contains("(it was 90 days)", lowered.Single("retention-shortened").Message, StringComparison.Ordinal);
        Assert.Equal("`partition_expiration_days` lowered to 7 days", lowered.Single("retention-shortened").Title);
        raised.None("retention-shortened");
    }

    [Fact]
    public async Task SnowflakeTimeTravelOffInYaml_SaysNoHistory()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/_marts__models.yml", "models:\n", "models:\n  - name: scratch\n    config:\n      data_retention_time_in_days: 0\n"));

        Assert.Contains("keeps no Time Travel history", result.Single("retention-shortened").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeltaVacuumWindowInPythonModel_ReadInItsUnit()
    {
        var result = await Review.RunAsync(("models/marts/events.py", "def model(dbt, session):\n    dbt.config(tblproperties={'delta.deletedFileRetentionDuration': 'interval 2 hours'})\n    return dbt.ref('stg_orders')\n"));

        Assert.Equal("`delta.deletedfileretentionduration` set to 2 hours", result.Single("retention-shortened").Title);
    }

    [Fact]
    public async Task SettingFromAVariable_OrInAMigration_NotThisRule()
    {
        var fromVar = await Review.RunAsync(Review.Edit(Orders, "on_schema_change='append_new_columns'", "on_schema_change='append_new_columns',\n        partition_expiration_days=var('expiry_days')"));
        var migration = await Review.RunAsync(("migrations/V2__expire.sql", "alter table raw.events set options (partition_expiration_days = 30);\n"));

        fromVar.None("retention-shortened");
        migration.None("retention-shortened");
    }
}
