using ReviewBot.Core.Findings;
using ReviewBot.TestUtils;

namespace ReviewBot.Agents.Tests;

/// <summary>
/// A second realistic repository: two dbt projects (BigQuery platform with a Python model and packages,
/// finance with custom model paths), an Airflow DAG scheduled with timedelta, and docs.
/// </summary>
public sealed class EventsProjectTests
{
    private static Task<RunResult> RunAsync(params (string Path, string? Text)[] edits) =>
        Review.RunAsync(ChangeSets.FromEdits(Review.Fixture("events"), edits.ToDictionary(e => e.Path, e => e.Text, StringComparer.Ordinal)));

    private static (string, string?) Edit(string path, string find, string replace)
    {
        var text = Review.Fixture("events")[path];
        Assert.Contains(find, text, StringComparison.Ordinal);
        return (path, text.Replace(find, replace, StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_CleanChangeAcrossBothProjects_NoFindingAtMediumOrAbove()
    {
        var result = await RunAsync(
            ("platform/models/marts/fct_weekly_active_users.sql", """
                select
                    date_trunc(occurred_at, week) as activity_week,
                    count(distinct user_id) as active_users
                from {{ ref('stg_events') }}
                {% if is_incremental() %}
                where date(occurred_at) >= date_sub(current_date(), interval 14 day)
                {% endif %}
                group by 1

                """),
            Edit("platform/models/marts/_marts.yml", "  - name: user_sessions\n",
                "  - name: fct_weekly_active_users\n    description: Weekly active users, one row per ISO week.\n    config:\n      partition_by:\n        field: activity_week\n        data_type: date\n    columns:\n      - name: activity_week\n        description: Monday of the week (UTC).\n        data_tests: [unique, not_null]\n      - name: active_users\n        description: Distinct users with an event that week.\n\n  - name: user_sessions\n"),
            Edit("finance/transform/revenue/revenue_by_day.sql", "    sum(total_eur) as revenue\n", "    sum(total_eur) as revenue,\n    count(*) as invoices\n"),
            Edit("finance/transform/revenue/_revenue.yml", "        description: Sum of invoice totals in EUR.\n", "        description: Sum of invoice totals in EUR.\n      - name: invoices\n        description: Number of paid invoices.\n"),
            Edit("airflow/dags/events_pipeline.py", "    catchup=False,\n", "    catchup=False,\n    tags=[\"events\"],\n"));

        Assert.True(result.Findings.All(f => f.Severity < Severity.Medium), result.Describe());
        Assert.Contains(result.Findings, f => f.Rule == "downstream-impact" && f.Message.Contains("finance_weekly", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunAsync_RiskyChange_CostLineageAndQualityFindingsWithRatios()
    {
        var result = await RunAsync(
            Edit("airflow/dags/events_pipeline.py", "schedule=timedelta(hours=6)", "schedule=timedelta(minutes=30)"),
            Edit("platform/models/marts/fct_daily_active_users.sql", "interval 2 day", "interval 14 day"),
            Edit("platform/models/marts/_marts.yml", "    config:\n      partition_by:\n        field: activity_date\n        data_type: date\n", ""),
            Edit("platform/models/staging/stg_events.sql", "    user_id,\n", "    anonymous_id,\n"),
            Edit("platform/models/marts/user_sessions.py", "dbt.ref(\"stg_events\")", "dbt.ref(\"stg_event\")"));

        var schedule = result.Single("schedule-tightened");
        Assert.Equal(Severity.High, schedule.Severity);
        Assert.Contains("12×", schedule.Title, StringComparison.Ordinal);
        Assert.Contains("7×", result.Single("lookback-widened").Title, StringComparison.Ordinal);
        Assert.Equal("platform/models/marts/_marts.yml", result.Single("partition-config-dropped").File);
        var removed = result.Single("column-removed-referenced");
        Assert.Contains("`fct_daily_active_users`", removed.Message, StringComparison.Ordinal);
        var missing = result.Single("ref-missing-model");
        Assert.Equal(Severity.Low, missing.Severity); // packages.yml: it may come from a package
        Assert.Contains("stg_events", missing.Message, StringComparison.Ordinal);
    }
}
