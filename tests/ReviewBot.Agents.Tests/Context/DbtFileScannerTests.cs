using ReviewBot.Agents.Context.Dbt;

namespace ReviewBot.Agents.Tests.Context;

public sealed class DbtFileScannerTests
{
    [Fact]
    public void Scan_RefsEverywhere_TwoArgumentVersionedDependsOnAndDynamic()
    {
        var file = DbtFileScanner.Scan("models/m.sql", """
            -- depends_on: {{ ref('audit_log') }}
            {% set parent = ref("stg_a") %}
            select * from {{ ref('pkg', 'model_b') }}
            join {{ ref('dim_c', v=2) }} using (id)
            join {{ ref("dim_d", version='3') }} using (id)
            join {{ ref(var('dynamic_model')) }} using (id)
            join {{ source('raw', "events") }} using (id)
            """);

        Assert.Equal(["audit_log", "stg_a", "model_b", "dim_c", "dim_d"], file.Refs.Select(r => r.Name).ToArray());
        Assert.Equal("pkg", file.Refs[2].Package);
        Assert.Equal("2", file.Refs[3].Version);
        Assert.Equal("3", file.Refs[4].Version);
        Assert.Equal([1, 2, 3, 4, 5], file.Refs.Select(r => r.Line).ToArray());
        Assert.Equal([6], file.DynamicRefLines.ToArray());
        Assert.Equal("raw.events", Assert.Single(file.Sources).Key);
    }

    [Fact]
    public void Scan_ConfigKwargs_ScalarsDictsAndLines()
    {
        var file = DbtFileScanner.Scan("models/m.sql", """
            {{
              config(
                materialized = "incremental",
                unique_key=['id', 'day'],
                partition_by={'field': 'day', 'data_type': 'date'},
                full_refresh=false,
                post_hook="grant select on {{ this }} to role x"
              )
            }}
            select 1 as id
            """);

        Assert.Equal("incremental", file.Config["materialized"].Text);
        Assert.Equal(3, file.Config["materialized"].Line);
        Assert.Null(file.Config["partition_by"].Text);
        Assert.Contains("'field': 'day'", file.Config["partition_by"].Raw, StringComparison.Ordinal);
        Assert.Equal("false", file.Config["full_refresh"].Text);
        Assert.Equal(7, file.Config["post_hook"].Line);
    }

    [Fact]
    public void Scan_IncrementalBlocks_LookbackAndFilter()
    {
        var file = DbtFileScanner.Scan("models/m.sql", """
            select * from {{ ref('e') }}
            {% if is_incremental() %}
              where ts > (select dateadd(day, -7, max(ts)) from {{ this }})
            {% else %}
              where ts > '2020-01-01'
            {% endif %}
            """);

        var block = Assert.Single(file.IncrementalBlocks);
        Assert.Equal(2, block.StartLine);
        Assert.Equal(168, block.LookbackHours);
        Assert.True(block.Filters);
    }

    [Fact]
    public void Scan_PythonModel_RefsConfigAndIncremental()
    {
        var file = DbtFileScanner.Scan("models/py_model.py", """
            def model(dbt, session):
                dbt.config(materialized="incremental", unique_key="id")
                orders = dbt.ref("stg_orders")
                if dbt.is_incremental:
                    orders = orders.filter(orders.ts > session.sql("select max(ts) from {{ this }}"))
                return orders
            """);

        Assert.Equal("python", file.Language);
        Assert.Equal("stg_orders", Assert.Single(file.Refs).Name);
        Assert.Equal("incremental", file.Config["materialized"].Text);
        Assert.True(Assert.Single(file.IncrementalBlocks).Filters);
    }

    [Fact]
    public void Scan_SnapshotBlock_Named()
    {
        var file = DbtFileScanner.Scan("snapshots/s.sql", "{% snapshot orders_snapshot %}\nselect 1\n{% endsnapshot %}");

        Assert.Equal("orders_snapshot", Assert.Single(file.SnapshotBlocks).Name);
    }

    [Theory]
    [InlineData("interval '3 days'", 72.0)]
    [InlineData("INTERVAL 12 HOUR", 12.0)]
    [InlineData("timestamp_sub(current_timestamp(), interval 2 week)", 336.0)]
    [InlineData("dateadd('hour', -6, max(ts))", 6.0)]
    [InlineData("no window here", null)]
    public void LookbackHours_CommonDialects(string text, double? hours)
    {
        Assert.Equal(hours, DbtFileScanner.LookbackHours(text));
    }
}
