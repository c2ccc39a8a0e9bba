using ReviewBot.Agents.Context.Pipeline;

namespace ReviewBot.Agents.Tests.Context;

public sealed class PipelineScannerTests
{
    [Theory]
    [InlineData("@daily", 1)]
    [InlineData("@hourly", 24)]
    [InlineData("@weekly", 1.0 / 7)]
    [InlineData("0 * * * *", 24)]
    [InlineData("*/15 * * * *", 96)]
    [InlineData("0 */2 * * *", 12)]
    [InlineData("0 6,18 * * *", 2)]
    [InlineData("30 9 * * 1-5", 5.0 / 7)]
    [InlineData("0 9 * * MON", 1.0 / 7)]
    [InlineData("0 0 1 * *", 1 / 30.44)]
    [InlineData("0 0 0 * * ?", 1)]
    public void RunsPerDay_CronAndPresets(string expression, double expected)
    {
        Assert.Equal(expected, PipelineScanner.RunsPerDay(expression)!.Value, 3);
    }

    [Theory]
    [InlineData("not a cron")]
    [InlineData("61 * * *")]
    [InlineData("*/0 * * * *")]
    public void RunsPerDay_Unreadable_Null(string expression)
    {
        Assert.Null(PipelineScanner.RunsPerDay(expression));
    }

    [Fact]
    public void Scan_DagsterAndAirflowSchedules_NamedWithRunsPerDay()
    {
        var facts = PipelineScanner.Scan("pipelines/defs.py", """
            nightly = ScheduleDefinition(job=job, cron_schedule="0 2 * * *")

            @schedule(cron_schedule="*/30 * * * *", job=job)
            def half_hourly(context):
                return {}

            with DAG(dag_id="events", schedule_interval=timedelta(minutes=10)) as dag:
                pass

            with DAG("manual", schedule=None) as dag2:
                pass
            """);

        Assert.Equal([("nightly", 1.0), ("half_hourly", 48.0), ("events", 144.0), ("manual", 0.0)],
            facts.Schedules.Select(s => (s.Name, s.RunsPerDay!.Value)).ToArray());
    }

    [Fact]
    public void Scan_EnvVars_WithAndWithoutDefault()
    {
        var facts = PipelineScanner.Scan("app/settings.py", """
            A = os.environ["A"]
            B = os.environ.get("B")
            C = os.environ.get("C", "x")
            D = os.getenv('D', None)
            E = os.getenv("E", "1")
            F = EnvVar("F")
            # G = os.environ["G"]
            """);

        Assert.Equal([("A", false), ("B", false), ("C", true), ("D", false), ("E", true), ("F", false)], facts.EnvVars.Select(e => (e.Name, e.HasDefault)).ToArray());
    }

    [Fact]
    public void Scan_DbtEnvVarAndYamlCron()
    {
        var sql = PipelineScanner.Scan("models/m.sql", "select '{{ env_var(\"DBT_A\") }}', '{{ env_var(\"DBT_B\", \"x\") }}'");
        var yaml = PipelineScanner.Scan(".github/workflows/nightly.yml", "on:\n  schedule:\n    - cron: '0 3 * * *'\n");

        Assert.Equal([("DBT_A", false), ("DBT_B", true)], sql.EnvVars.Select(e => (e.Name, e.HasDefault)).ToArray());
        Assert.Equal(1, Assert.Single(yaml.Schedules).RunsPerDay);
    }
}
