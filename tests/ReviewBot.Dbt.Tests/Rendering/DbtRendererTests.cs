using ReviewBot.Dbt.Projects;
using ReviewBot.Dbt.Rendering;

namespace ReviewBot.Dbt.Tests.Rendering;

public sealed class DbtRendererTests
{
    private const string Project = "name: shop\nconfig-version: 2\nprofile: shop\nmodel-paths: ['models']\n";

    private static RenderedModel Render(Dictionary<string, string> files, string path, DbtRenderOptions? options = null, string? adapter = null)
    {
        files.TryAdd("dbt_project.yml", Project);
        var repository = DbtRepository.Load(new InMemoryFiles(files), adapter);
        return new DbtRenderer(repository, options).Render(path);
    }

    [Fact]
    public void Render_MultiLineConfigAndBranchedCteHeader_RendersBothWaysWithConfigLinesAndSpans()
    {
        const string model = """
            {{
                config(
                    materialized='incremental',
                    unique_key='order_id',
                    incremental_strategy='merge',
                    on_schema_change='append_new_columns',
                    tags=['finance', 'daily'],
                    meta={'owner': 'data-eng'},
                    post_hook="grant select on {{ this }}
                               to role reporter"
                )
            }}

            {% if is_incremental() %}
            with recent as (
                select * from {{ ref('stg_orders') }}
                where updated_at > (select max(updated_at) from {{ this }})
            ),
            {% else %}
            with recent as (
                select * from {{ ref('stg_orders') }}
            ),
            {% endif %}
            customers as (
                select customer_id,
                       listagg(email, ',') within group (order by email) as email
                from {{ source('crm', 'contacts') }}
                group by 1
            )
            select * from recent join customers using (customer_id)

            """;
        var result = Render(new() { ["models/orders.sql"] = model }, "models/orders.sql");

        Assert.Equal(RenderStatus.Rendered, result.Status);
        const string expected = "\n\n\nwith recent as (\n    select * from analytics.stg_orders\n),\n\ncustomers as (\n    select customer_id,\n           listagg(email, ',') within group (order by email) as email\n    from crm.contacts\n    group by 1\n)\nselect * from recent join customers using (customer_id)";
        Assert.Equal(expected, result.Sql);
        Assert.Equal("\n\n\nwith recent as (\n    select * from analytics.stg_orders\n    where updated_at > (select max(updated_at) from analytics.orders)\n),\n\ncustomers as (\n    select customer_id,\n           listagg(email, ',') within group (order by email) as email\n    from crm.contacts\n    group by 1\n)\nselect * from recent join customers using (customer_id)", result.IncrementalSql);

        Assert.Equal(["materialized", "unique_key", "incremental_strategy", "on_schema_change", "tags", "meta", "post_hook"], result.Config.Select(c => c.Key));
        // Each keyword keeps the line it is written on (a post_hook added to an existing block is on its own line).
        Assert.Equal([3, 4, 5, 6, 7, 8, 9], result.Config.Select(c => c.Line));
        Assert.Equal("incremental", result.ConfigValue("materialized"));
        Assert.Equal(new List<object?> { "finance", "daily" }, result.ConfigValue("tags"));
        Assert.Equal("grant select on {{ this }}\n                   to role reporter", result.ConfigValue("post_hook"));

        var reference = Assert.Single(result.Refs);
        Assert.Equal(("stg_orders", 21), (reference.Name, reference.Line));
        Assert.Equal("analytics.stg_orders", result.Sql.Substring(reference.Offset!.Value, reference.Length!.Value));
        var source = Assert.Single(result.Sources);
        Assert.Equal(("crm", "contacts", 27), (source.SourceName, source.Name, source.Line));
        Assert.Equal("crm.contacts", result.Sql.Substring(source.Offset!.Value, source.Length!.Value));
        Assert.Equal(27, result.SourceMap.LineAt(source.Offset.Value));
        Assert.Equal(26, result.SourceMap.LineAt(result.Sql.IndexOf("listagg", StringComparison.Ordinal)));
        Assert.Equal(30, result.SourceMap.LineAt(result.Sql.IndexOf("select * from recent", StringComparison.Ordinal)));
    }

    private static Dictionary<string, string> DispatchProject() => new()
    {
        ["macros/text.sql"] = """
            {% macro safe_text(col) %}{{ return(adapter.dispatch('safe_text')(col)) }}{% endmacro %}
            {% macro default__safe_text(col) %}cast({{ col }} as text){% endmacro %}
            {% macro snowflake__safe_text(col) %}to_varchar({{ col }}){% endmacro %}
            {% macro people() %}
            select *
            from {{ ref('people') }}
            {% endmacro %}
            """,
        ["models/names.sql"] = "select\n  {{ safe_text('name') }} as name\nfrom (\n{{ people() }}\n) p",
    };

    [Fact]
    public void Dispatch_PicksAdapterMacroThenDefault()
    {
        var neutral = Render(DispatchProject(), "models/names.sql");
        Assert.Equal("select\n  cast(name as text) as name\nfrom (\n\nselect *\nfrom analytics.people\n\n) p", neutral.Sql);

        var files = DispatchProject();
        files["profiles.yml"] = "shop:\n  target: dev\n  outputs:\n    dev:\n      type: snowflake\n      account: x\n";
        var snowflake = Render(files, "models/names.sql");
        Assert.Equal("snowflake", snowflake.Adapter);
        Assert.StartsWith("select\n  to_varchar(name) as name", snowflake.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void MacroOutput_MapsToTheCallingLine_AndRefInsideMacroIsLocated()
    {
        var result = Render(DispatchProject(), "models/names.sql");
        var reference = Assert.Single(result.Refs);
        Assert.Equal(4, reference.Line);
        Assert.Equal("analytics.people", result.Sql.Substring(reference.Offset!.Value, reference.Length!.Value));
        Assert.Equal(4, result.SourceMap.LineAt(reference.Offset.Value));
        Assert.Equal(2, result.SourceMap.LineAt(result.Sql.IndexOf("cast(", StringComparison.Ordinal)));
        Assert.Equal(5, result.SourceMap.LineAt(result.Sql.IndexOf(") p", StringComparison.Ordinal)));
    }

    [Fact]
    public void VarAndEnvVar_WithAndWithoutDefaults()
    {
        var files = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = Project + "vars:\n  start_date: '2020-01-01'\n  shop:\n    region: eu\n  other_package:\n    region: us\n  lookback: 3\n",
            ["packages.yml"] = "packages:\n  - package: acme/other_package\n    version: 1.0.0\n",
            ["models/v.sql"] = "{{ var('start_date') }} {{ var('region') }} {{ var('lookback') + 1 }} {{ var('missing', 'dflt') }} {{ var('nope') }} {{ env_var('DBT_X', 'dx') }} {{ env_var('DBT_Y') }}",
        };
        var result = Render(files, "models/v.sql");
        Assert.Equal("2020-01-01 eu 4 dflt __rb_opaque_1__ dx __rb_opaque_env_DBT_Y__", result.Sql);
        Assert.Equal(RenderStatus.Partial, result.Status);
        Assert.Equal(["var('nope')", "env_var('DBT_Y')"], result.Unresolved);
    }

    [Fact]
    public void PackageMacros_PresentAbsentAndBuiltIn()
    {
        var files = new Dictionary<string, string>
        {
            ["dbt_packages/helpers/dbt_project.yml"] = "name: helpers\nversion: 1.0.0\n",
            ["dbt_packages/helpers/macros/twice.sql"] = "{% macro twice(x) %}({{ x }} * 2){% endmacro %}",
            ["models/p.sql"] = "select {{ helpers.twice('amount') }} as a,\n  {{ dbt_utils.generate_surrogate_key(['id', 'day']) }} as k,\n  {{ dbt_expectations.something(1) }} as u\nfrom t",
        };
        var result = Render(files, "models/p.sql");
        Assert.Equal(
            "select (amount * 2) as a,\n  md5(cast(coalesce(cast(id as varchar), '_dbt_utils_surrogate_key_null_') || '-' || coalesce(cast(day as varchar), '_dbt_utils_surrogate_key_null_') as varchar)) as k,\n  __rb_opaque_1__ as u\nfrom t",
            result.Sql);
        Assert.Equal(RenderStatus.Partial, result.Status);
        Assert.Equal(["dbt_expectations.something"], result.Unresolved);
    }

    [Fact]
    public void DbtUtilsStar_UsesKnownColumnsElseOpaque()
    {
        var files = new Dictionary<string, string> { ["models/s.sql"] = "select {{ dbt_utils.star(from=ref('orders'), except=['secret'], relation_alias='o') }} from {{ ref('orders') }} o" };
        var unknown = Render(files, "models/s.sql");
        Assert.Equal("select __rb_opaque_1__ from analytics.orders o", unknown.Sql);
        Assert.Equal(RenderStatus.Partial, unknown.Status);

        var known = Render(new Dictionary<string, string>(files), "models/s.sql", new DbtRenderOptions { Columns = r => r == "analytics.orders" ? ["id", "secret", "amount"] : null });
        Assert.Equal("select o.\"id\",\n  o.\"amount\" from analytics.orders o", known.Sql);
        Assert.Equal(2, known.Refs.Count);
        Assert.Equal("analytics.orders", known.Sql.Substring(known.Refs[1].Offset!.Value, known.Refs[1].Length!.Value));
    }

    [Fact]
    public void UnionRelations_HasTheRealShapeWithOpaqueColumns()
    {
        var files = new Dictionary<string, string> { ["models/u.sql"] = "{{ dbt_utils.union_relations(relations=[ref('a'), ref('b')]) }}" };
        var result = Render(files, "models/u.sql");
        Assert.Equal(
            "(\n    select\n        cast('analytics.a' as varchar) as _dbt_source_relation,\n        __rb_opaque_1__\n    from analytics.a\n)\n\nunion all\n\n(\n    select\n        cast('analytics.b' as varchar) as _dbt_source_relation,\n        __rb_opaque_1__\n    from analytics.b\n)",
            result.Sql);
        Assert.All(result.Refs, r => Assert.Equal(r.RenderedName, result.Sql.Substring(r.Offset!.Value, r.Length!.Value)));
        Assert.NotEqual(result.Refs[0].Offset, result.Refs[1].Offset);
    }

    [Fact]
    public void UnionRelations_SourceColumnNameNone_LeavesTheColumnOut()
    {
        var files = new Dictionary<string, string> { ["models/u.sql"] = "{{ dbt_utils.union_relations(relations=[ref('a'), ref('b')], source_column_name=None) }}" };

        var result = Render(files, "models/u.sql");

        Assert.DoesNotContain("_dbt_source_relation", result.Sql, StringComparison.Ordinal);
        Assert.StartsWith("(\n    select\n        __rb_opaque_1__\n    from analytics.a\n)", result.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void Ref_TwoArgumentsAndVersions()
    {
        var result = Render(new() { ["models/r.sql"] = "{{ ref('pkg', 'model') }} {{ ref('m', v=2) }} {{ ref('n', version='3') }}" }, "models/r.sql");
        Assert.Equal("analytics.model analytics.m_v2 analytics.n_v3", result.Sql);
        Assert.Equal(("pkg", "model", (string?)null), (result.Refs[0].Package, result.Refs[0].Name, result.Refs[0].Version));
        Assert.Equal("2", result.Refs[1].Version);
        Assert.Equal("3", result.Refs[2].Version);
    }

    [Fact]
    public void WarehouseCalls_AreOpaqueAndPartial()
    {
        const string model = """
            {% set rows = run_query('select distinct method from payments') %}
            {% set methods = rows.columns[0].values() if execute else [] %}
            select
            {% for m in methods %}sum(case when method = '{{ m }}' then amount end) as {{ m }}_amount,{% endfor %}
              order_id
            from {{ ref('payments') }}
            """;
        var result = Render(new() { ["models/w.sql"] = model }, "models/w.sql");
        Assert.Equal(RenderStatus.Partial, result.Status);
        Assert.Contains("run_query (needs the warehouse)", result.PartialReasons);
        // The loop over the unknown rows renders once with placeholders, so the select keeps its shape.
        Assert.Matches(@"select\nsum\(case when method = '__rb_opaque_\d+__' then amount end\) as __rb_opaque_\d+___amount,\n  order_id\nfrom analytics.payments$", result.Sql);
    }

    [Fact]
    public void WarehouseResultInAConditionLoop_RendersOnceWithPlaceholders_SoTheSqlStillParses()
    {
        // A real shape: excluded values come from the warehouse; an empty loop would leave `not ()`.
        const string model = """
            {% set excluded = dbt_utils.get_column_values(ref('blocklist'), 'server_id') %}
            {% set rules = load_rules() %}
            select server_id, {% for name, rule in rules.items() %}{{ rule }} as {{ name }}, {% endfor %}event_id
            from {{ ref('events') }}
            where not ({% for s in excluded %}server_id = '{{ s }}'{% if not loop.last %} or {% endif %}{% endfor %})
              and server_id in ({{ "', '".join(excluded) }})
            """;
        var result = Render(new() { ["models/w.sql"] = model, ["macros/rules.sql"] = "{% macro load_rules() %}{{ return(run_query('select * from rules')) }}{% endmacro %}" }, "models/w.sql");

        Assert.Equal(RenderStatus.Partial, result.Status);
        var parse = ReviewBot.Sql.Parsing.SqlParser.Parse(result.Sql);
        Assert.True(parse.Succeeded, string.Join("; ", parse.Diagnostics) + "\n" + result.Sql);
        Assert.Matches(@"where not \(server_id = '__rb_opaque_\d+__'\)", result.Sql);
    }

    [Fact]
    public void Snapshot_RendersItsBlock()
    {
        var files = new Dictionary<string, string>
        {
            ["snapshots/orders_snap.sql"] = "{% snapshot orders_snapshot %}\n{{ config(target_schema='snapshots', unique_key='id', strategy='timestamp', updated_at='updated_at') }}\nselect * from {{ source('shop', 'orders') }}\n{% endsnapshot %}\n",
        };
        var result = Render(files, "snapshots/orders_snap.sql");
        Assert.Equal(DbtFileKind.Snapshot, result.Kind);
        Assert.Equal("orders_snapshot", result.SnapshotName);
        Assert.Equal("\n\nselect * from shop.orders\n", result.Sql);
        Assert.Equal("timestamp", result.ConfigValue("strategy"));
        Assert.Equal(2, result.Config[0].Line);
    }

    [Fact]
    public void RaiseCompilerError_IsNotRenderedWithTheModelLine()
    {
        var files = new Dictionary<string, string>
        {
            ["macros/check.sql"] = "{% macro must_be_positive(n) %}\n{% if n <= 0 %}{{ exceptions.raise_compiler_error('n must be positive') }}{% endif %}{{ n }}\n{% endmacro %}",
            ["models/e.sql"] = "select\n  {{ must_be_positive(1) }} as a,\n  {{ must_be_positive(-1) }} as b",
        };
        var result = Render(files, "models/e.sql");
        Assert.Equal(RenderStatus.NotRendered, result.Status);
        Assert.StartsWith("render error: raise_compiler_error: n must be positive", result.Reason, StringComparison.Ordinal);
        Assert.Equal(3, result.ReasonLine);
    }

    [Fact]
    public void DeepNesting_IsNotRenderedWithTheLimitNamed()
    {
        var model = string.Concat(Enumerable.Repeat("{% if true %}\n", 10_000)) + "select 1" + string.Concat(Enumerable.Repeat("{% endif %}", 10_000));
        var result = Render(new() { ["models/deep.sql"] = model }, "models/deep.sql");
        Assert.Equal(RenderStatus.NotRendered, result.Status);
        Assert.Equal("nesting depth limit (100)", result.Reason);
        Assert.Equal(100, result.ReasonLine);
    }

    [Fact]
    public void DeepParenthesesAndMacroRecursion_AreNotRendered()
    {
        var parens = Render(new() { ["models/p.sql"] = "select {{ " + new string('(', 10_000) + "1" + new string(')', 10_000) + " }}" }, "models/p.sql");
        Assert.Equal(RenderStatus.NotRendered, parens.Status);
        Assert.StartsWith("nesting depth limit", parens.Reason, StringComparison.Ordinal);

        var recursion = Render(new() { ["macros/r.sql"] = "{% macro down(n) %}{{ down(n + 1) }}{% endmacro %}", ["models/r.sql"] = "\n{{ down(0) }}" }, "models/r.sql");
        Assert.Equal(RenderStatus.NotRendered, recursion.Status);
        Assert.StartsWith("macro call depth limit (64)", recursion.Reason, StringComparison.Ordinal);
        Assert.Equal(2, recursion.ReasonLine);
    }

    [Fact]
    public void FiveMegabyteModel_IsNotRendered()
    {
        var model = "select\n" + string.Concat(Enumerable.Repeat("  column_with_a_long_name_0001,\n", 5 * 1024 * 1024 / 32)) + "  1 as x\nfrom t";
        var result = Render(new() { ["models/big.sql"] = model }, "models/big.sql");
        Assert.Equal(RenderStatus.NotRendered, result.Status);
        Assert.Equal("file size limit (4 MB)", result.Reason);
    }

    [Fact]
    public void OutputBlowUp_IsNotRenderedNotAnOutOfMemory()
    {
        var result = Render(new() { ["models/o.sql"] = "{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}" }, "models/o.sql");
        Assert.Equal(RenderStatus.NotRendered, result.Status);
        Assert.Equal("output size limit (4 MB)", result.Reason);
    }

    [Fact]
    public void SyntaxError_IsNotRenderedWithLine()
    {
        var result = Render(new() { ["models/s.sql"] = "select 1\n{% if %}\nfrom t" }, "models/s.sql");
        Assert.Equal(RenderStatus.NotRendered, result.Status);
        Assert.StartsWith("Jinja syntax error", result.Reason, StringComparison.Ordinal);
        Assert.Equal(2, result.ReasonLine);
    }

    [Fact]
    public void ProjectOverrideOfIsIncremental_StillRendersBothWays()
    {
        var files = new Dictionary<string, string>
        {
            ["macros/is_incremental.sql"] = "{% macro is_incremental() %}{% set r = adapter.get_relation(this.database, this.schema, this.table) %}{{ return(r is not none and not should_full_refresh()) }}{% endmacro %}",
            ["models/i.sql"] = "select 1{% if is_incremental() %} where x > 0{% endif %}",
        };
        var result = Render(files, "models/i.sql");
        Assert.Equal("select 1", result.Sql);
        Assert.Equal("select 1 where x > 0", result.IncrementalSql);
        Assert.Equal(RenderStatus.Rendered, result.Status);
    }

    [Fact]
    public void CrossDatabaseMacros_FollowTheAdapter()
    {
        var files = new Dictionary<string, string> { ["models/d.sql"] = "{{ dbt.dateadd('day', -3, 'created_at') }} | {{ dbt.type_string() }} | {{ current_timestamp() }} | {{ dbt.listagg('email', \"','\", 'order by email') }}" };
        Assert.Equal("dateadd(day, -3, created_at) | varchar | current_timestamp | listagg(email, ',') within group (order by email)", Render(files, "models/d.sql").Sql);
        Assert.Equal("datetime_add(cast(created_at as datetime), interval -3 day) | string | current_timestamp() | listagg(email, ',') within group (order by email)", Render(new Dictionary<string, string>(files), "models/d.sql", adapter: "bigquery").Sql);
    }
}
