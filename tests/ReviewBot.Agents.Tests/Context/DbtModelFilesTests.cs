using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Core.Agents;
using ReviewBot.Dbt.Rendering;

namespace ReviewBot.Agents.Tests.Context;

/// <summary>
/// The dbt graph is built from rendered models (DESIGN.md §7): refs, sources, config and incremental branches are what
/// the renderer recorded, so Jinja that a regex over raw text misreads (vars, macros, loops, strings spanning lines)
/// reads as dbt would compile it.
/// </summary>
public sealed class DbtModelFilesTests
{
    private const string Project = "name: bank\nprofile: bank\nvars:\n  ledger_model: stg_ledger\n  region: eu\n";

    [Fact]
    public async Task Refs_FromTheRender_VarsLoopsMacrosVersionsAndDependsOnComments()
    {
        var state = await ContextTestHelpers.HeadAsync(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = Project,
            ["macros/from_ledger.sql"] = "{% macro from_ledger() %}select * from {{ ref('stg_ledger') }}{% endmacro %}",
            ["models/staging/stg_ledger.sql"] = "select 1 as entry_id",
            ["models/staging/stg_eu.sql"] = "select 1 as id",
            ["models/staging/stg_us.sql"] = "select 1 as id",
            ["models/staging/dim_account_v2.sql"] = "select 1 as account_id",
            ["models/marts/balances.sql"] = """
                -- depends_on: {{ ref('stg_us') }}
                {% set regions = ['eu', 'us'] %}
                with ledger as (select * from {{ ref(var('ledger_model')) }}),
                {% for r in regions %}
                {{ r }}_rows as (select * from {{ ref('stg_' ~ r) }}),
                {% endfor %}
                accounts as (select * from {{ ref('bank', 'dim_account', v=2) }}),
                moves as ({{ from_ledger() }}),
                other as (select * from {{ ref(var('not_declared')) }})
                select * from ledger
                """,
        });

        var file = state.Nodes["balances"].File!;

        Assert.Equal(["stg_us", "stg_ledger", "stg_eu", "stg_us", "dim_account", "stg_ledger"], file.Refs.Select(r => r.Name));
        Assert.Equal([1, 3, 5, 5, 7, 8], file.Refs.Select(r => r.Line));
        Assert.Equal(("bank", "2"), (file.Refs[4].Package, file.Refs[4].Version));
        Assert.Equal([9], file.DynamicRefLines);
        Assert.Equal(["balances"], state.ChildrenOf("stg_ledger"));
        Assert.Equal(RenderStatus.Partial, file.Rendered!.Status);
        Assert.Contains("var('not_declared')", file.Rendered.Unresolved);
    }

    [Fact]
    public async Task Config_MultiLineBlockWithAStringSpanningLines_KeysValuesAndTheirLines()
    {
        var state = await ContextTestHelpers.HeadAsync(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = Project,
            ["models/marts/transfers.sql"] = """
                {{
                  config(
                    materialized = 'incremental',
                    unique_key = ['transfer_id', 'booked_on'],
                    full_refresh = false,
                    partition_by = {'field': 'booked_on', 'data_type': 'date'},
                    post_hook = "grant select on {{ this }}
                                 to role auditors",
                    tags = ['finance', var('region')]
                  )
                }}
                select 1 as transfer_id, current_date as booked_on
                """,
        });

        var node = state.Nodes["transfers"];
        var config = node.File!.Config;

        Assert.Equal(("incremental", 3), (config["materialized"].Text, config["materialized"].Line));
        Assert.Equal(("sql", "incremental"), (node.MaterializationOrigin, node.Materialization));
        Assert.Equal("['transfer_id', 'booked_on']", config["unique_key"].Raw);
        Assert.Null(config["unique_key"].Text);
        Assert.Equal("false", config["full_refresh"].Text);
        Assert.Contains("'field': 'booked_on'", config["partition_by"].Raw, StringComparison.Ordinal);
        Assert.Equal(7, config["post_hook"].Line);
        Assert.Contains("to role auditors", config["post_hook"].Text, StringComparison.Ordinal);
        Assert.Equal("['finance', 'eu']", config["tags"].Raw);
    }

    [Fact]
    public async Task IncrementalBlocks_JinjaBranchedCteHeader_TheIncrementalLinesWithTheirWindow()
    {
        var state = await ContextTestHelpers.HeadAsync(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = Project,
            ["models/staging/stg_ledger.sql"] = "select 1 as entry_id",
            ["models/marts/daily_moves.sql"] = """
                {{ config(materialized='incremental', unique_key='entry_id') }}
                {% if is_incremental() %}
                with moves as (
                    select * from {{ ref('stg_ledger') }}
                    where booked_at > (select dateadd(day, -3, max(booked_at)) from {{ this }})
                ),
                {% else %}
                with moves as (
                    select * from {{ ref('stg_ledger') }} -- interval '30 days' in a comment is no window
                ),
                {% endif %}
                totals as (select entry_id, count(*) as n from moves group by 1)
                select * from totals
                """,
        });

        var file = state.Nodes["daily_moves"].File!;

        var block = Assert.Single(file.IncrementalBlocks);
        Assert.Equal((3, 6), (block.StartLine, block.EndLine));
        Assert.Equal(72, block.LookbackHours);
        Assert.True(block.Filters);
        Assert.True(file.UsesIsIncremental);
        Assert.Contains("analytics.daily_moves", block.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DispatchMacro_AdapterImplementationRenderedAndItsRefsRecordedOnTheCallingLine()
    {
        var state = await ContextTestHelpers.HeadAsync(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = Project,
            ["profiles.yml"] = "bank:\n  target: prod\n  outputs:\n    prod:\n      type: snowflake\n",
            ["macros/calendar.sql"] = """
                {% macro calendar_source() %}{{ return(adapter.dispatch('calendar_source')()) }}{% endmacro %}
                {% macro default__calendar_source() %}{{ ref('dim_dates') }}{% endmacro %}
                {% macro snowflake__calendar_source() %}{{ ref('dim_dates_snowflake') }}{% endmacro %}
                """,
            ["models/dim_dates.sql"] = "select current_date as d",
            ["models/dim_dates_snowflake.sql"] = "select current_date as d",
            ["models/business_days.sql"] = "select d\nfrom {{ calendar_source() }}\nwhere dayofweek(d) between 1 and 5",
        });

        var file = state.Nodes["business_days"].File!;

        Assert.Equal(("dim_dates_snowflake", 2), (Assert.Single(file.Refs).Name, file.Refs[0].Line));
        Assert.Equal(["business_days"], state.ChildrenOf("dim_dates_snowflake"));
        Assert.Empty(state.ChildrenOf("dim_dates"));
    }

    [Fact]
    public async Task VarAndEnvVar_WithDefaultsRendered_WithoutDefaultsPartialAndNamed()
    {
        var state = await ContextTestHelpers.HeadAsync(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = Project,
            ["models/with_defaults.sql"] = "select '{{ var('region') }}' as r, '{{ var('currency', 'EUR') }}' as c, '{{ env_var('DBT_BANK_SCHEMA', 'raw') }}' as s",
            ["models/without_defaults.sql"] = "select '{{ var('fx_table') }}' as f, '{{ env_var('DBT_BANK_SECRET_SCHEMA') }}' as s",
        });

        var complete = state.Nodes["with_defaults"].File!.Rendered!;
        var partial = state.Nodes["without_defaults"].File!.Rendered!;

        Assert.Equal((RenderStatus.Rendered, "select 'eu' as r, 'EUR' as c, 'raw' as s"), (complete.Status, complete.Sql));
        Assert.Equal(RenderStatus.Partial, partial.Status);
        Assert.Equal(["var('fx_table')", "env_var('DBT_BANK_SECRET_SCHEMA')"], partial.Unresolved);
    }

    [Fact]
    public async Task TwoProjects_EachRendersWithItsOwnVarsAndFolderConfigs()
    {
        var state = await ContextTestHelpers.HeadAsync(new Dictionary<string, string>
        {
            ["core/dbt_project.yml"] = "name: core\nvars:\n  upstream: stg_a\nmodels:\n  core:\n    marts:\n      +materialized: table\n",
            ["core/models/staging/stg_a.sql"] = "select 1 as id",
            ["core/models/marts/fct.sql"] = "select * from {{ ref(var('upstream')) }}",
            ["risk/dbt_project.yml"] = "name: risk\nmodel-paths: ['transform']\nvars:\n  upstream: stg_b\n",
            ["risk/transform/stg_b.sql"] = "select 1 as id",
            ["risk/transform/scores.sql"] = "select * from {{ ref(var('upstream')) }}",
        });

        Assert.Equal("stg_a", Assert.Single(state.Nodes["fct"].File!.Refs).Name);
        Assert.Equal(("table", "dbt_project.yml"), (state.Nodes["fct"].Materialization, state.Nodes["fct"].MaterializationOrigin));
        Assert.Equal("stg_b", Assert.Single(state.Nodes["scores"].File!.Refs).Name);
        Assert.Equal(("view", "default"), (state.Nodes["scores"].Materialization, state.Nodes["scores"].MaterializationOrigin));
        Assert.Equal(["core", "risk"], state.Projects.Select(p => p.Name).Order());
    }

    [Fact]
    public async Task EffectiveTagsAndMeta_FoldersPropertiesAndSqlConfig_TagsAddUpMetaMostSpecificWins()
    {
        var state = await ContextTestHelpers.HeadAsync(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: bank\nmodels:\n  bank:\n    +tags: ['nightly']\n    +meta:\n      owner: platform\n    marts:\n      tags: ['finance']\n      +meta:\n        tier: '2'\n",
            ["models/marts/fct_fees.sql"] = "{{ config(tags=['fees'], meta={'tier': '1', 'contains_pii': true}) }}\nselect 1 as fee_id",
            ["models/marts/_marts.yml"] = "version: 2\nmodels:\n  - name: fct_fees\n    config:\n      tags: ['audited']\n      meta:\n        owner: finance-data\n",
        });

        var node = state.Nodes["fct_fees"];

        Assert.Equal(["audited", "fees", "finance", "nightly"], node.Tags.Order(StringComparer.Ordinal));
        Assert.Equal(("finance-data", "1", "true"), (node.Meta["owner"], node.Meta["tier"], node.Meta["contains_pii"]));
    }

    [Fact]
    public async Task PiiColumnUntagged_ModelTaggedInItsSqlConfig_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "        status\n", "        status,\n        customer_email\n"));
        var tagged = await Review.RunAsync(
            ("models/staging/stg_orders.sql", Review.Fixture("shop")["models/staging/stg_orders.sql"].Replace("        status\n", "        status,\n        customer_email\n", StringComparison.Ordinal)
                .Insert(0, "{{ config(meta={'contains_pii': true}) }}\n")));

        result.Single("pii-column-untagged");
        tagged.None("pii-column-untagged");
    }

    [Fact]
    public async Task ExposureDependsOn_RenderedWithTheProjectsVars()
    {
        var state = await ContextTestHelpers.HeadAsync(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = Project,
            ["models/stg_ledger.sql"] = "select 1 as entry_id",
            ["models/_exposures.yml"] = "version: 2\nexposures:\n  - name: treasury_board\n    type: dashboard\n    owner: {name: Treasury}\n    depends_on:\n      - ref(var('ledger_model'))\n      - \"source('core_banking', 'transfers')\"\n",
        });

        var exposure = Assert.Single(state.Exposures);
        Assert.Equal(["stg_ledger"], exposure.DependsOn);
        Assert.Equal(["core_banking.transfers"], exposure.DependsOnSources);
        Assert.Equal(["treasury_board"], state.ExposuresOf("stg_ledger"));
    }

    [Fact]
    public async Task ConfigValue_SqlOverPropertiesOverMostSpecificFolder_PlusAndPlainKeys()
    {
        var state = await ContextTestHelpers.HeadAsync(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: bank\nmodels:\n  bank:\n    +on_schema_change: fail\n    marts:\n      on_schema_change: append_new_columns\n      +unique_key: id\n      incremental_strategy: merge\n",
            ["models/marts/fct_a.sql"] = "{{ config(materialized='incremental', unique_key='a_id') }}\nselect 1 as a_id",
            ["models/marts/fct_b.sql"] = "{{ config(materialized='incremental') }}\nselect 1 as id",
            ["models/marts/_marts.yml"] = "version: 2\nmodels:\n  - name: fct_b\n    config:\n      incremental_strategy: delete+insert\n",
            ["models/staging/stg_c.sql"] = "select 1 as id",
        });

        var a = state.Nodes["fct_a"];
        var b = state.Nodes["fct_b"];
        Assert.Equal(("a_id", "append_new_columns", "merge"), (a.ConfigValue("unique_key"), a.ConfigValue("on_schema_change"), a.ConfigValue("incremental_strategy")));
        Assert.Equal(("id", "delete+insert"), (b.ConfigValue("unique_key"), b.ConfigValue("incremental_strategy")));
        Assert.Equal("fail", state.Nodes["stg_c"].ConfigValue("on_schema_change"));
        Assert.Null(state.Nodes["stg_c"].ConfigValue("unique_key"));
    }

    [Fact]
    public async Task Snapshot_NamedByItsBlock()
    {
        var state = await ContextTestHelpers.HeadAsync(new Dictionary<string, string>
        {
            ["dbt_project.yml"] = Project,
            ["models/stg_accounts.sql"] = "select 1 as id",
            ["snapshots/accounts.sql"] = "{% snapshot accounts_history %}\n{{ config(unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ ref('stg_accounts') }}\n{% endsnapshot %}",
        });

        var node = state.Nodes["accounts_history"];
        Assert.Equal(DbtNodeKind.Snapshot, node.Kind);
        Assert.Equal("check", node.File!.Config["strategy"].Text);
        Assert.Equal(["accounts_history"], state.ChildrenOf("stg_accounts"));
    }

    [Fact]
    public async Task Source_DeclaredIdentifierAndSchema_RenderedAsTheWarehouseRelation()
    {
        var (dbt, _, _) = await ContextTestHelpers.BuildAsync(new Dictionary<string, string>(), new Dictionary<string, string>
        {
            ["dbt_project.yml"] = Project,
            ["models/_sources.yml"] = "version: 2\nsources:\n  - name: core_banking\n    schema: cb_raw\n    tables:\n      - name: transfers\n        identifier: TRANSFERS_2024\n",
            ["models/stg_transfers.sql"] = "select * from {{ source('core_banking', 'transfers') }}",
        });

        var rendered = dbt.Renderings.Head["models/stg_transfers.sql"];
        Assert.Equal("select * from cb_raw.TRANSFERS_2024", rendered.Sql);
        Assert.Equal("core_banking.transfers", Assert.Single(dbt.Head.Nodes["stg_transfers"].File!.Sources).Key);
        Assert.Equal(["stg_transfers"], dbt.Head.ChildrenOf("source:core_banking.transfers"));
    }

    [Fact]
    public async Task Renderings_TheGraphsOwnRenders_NotASecondRender()
    {
        var (dbt, _, _) = await ContextTestHelpers.BuildAsync(
            new Dictionary<string, string> { ["dbt_project.yml"] = Project, ["models/a.sql"] = "select 1 as id" },
            new Dictionary<string, string> { ["dbt_project.yml"] = Project, ["models/a.sql"] = "select 2 as id" });

        Assert.Same(dbt.Head.Nodes["a"].File!.Rendered, dbt.Renderings.Head["models/a.sql"]);
        Assert.Same(dbt.Base.Nodes["a"].File!.Rendered, dbt.Renderings.Base["models/a.sql"]);
        Assert.Equal("select 1 as id", dbt.Renderings.Base["models/a.sql"].Sql);
    }

    [Fact]
    public async Task ChangedMacro_BaseModelsRenderWithTheBaseMacro()
    {
        var before = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = Project,
            ["macros/src.sql"] = "{% macro src() %}{{ ref('old_parent') }}{% endmacro %}",
            ["models/old_parent.sql"] = "select 1 as id",
            ["models/new_parent.sql"] = "select 1 as id",
            ["models/child.sql"] = "select * from {{ src() }}",
        };
        var after = new Dictionary<string, string>(before) { ["macros/src.sql"] = "{% macro src() %}{{ ref('new_parent') }}{% endmacro %}" };

        var (dbt, _, _) = await ContextTestHelpers.BuildAsync(before, after);

        Assert.Equal(["child"], dbt.Base.ChildrenOf("old_parent"));
        Assert.Equal(["child"], dbt.Head.ChildrenOf("new_parent"));
    }

    [Fact]
    public async Task ChangedMacro_OnlyTheModelsItReachesRenderAtBase()
    {
        var before = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = Project,
            ["macros/cents.sql"] = "{% macro cents(c) %}{{ c }} / 100{% endmacro %}",
            ["models/fees.sql"] = "select {{ cents('fee') }} as fee",
            ["models/rates.sql"] = "select 1 as rate",
        };
        var after = new Dictionary<string, string>(before) { ["macros/cents.sql"] = "{% macro cents(c) %}round({{ c }} / 100.0, 2){% endmacro %}" };

        var (dbt, _, _) = await ContextTestHelpers.BuildAsync(before, after);

        Assert.Equal("select fee / 100 as fee", dbt.Base.Nodes["fees"].File!.Rendered!.Sql);
        Assert.Equal("select round(fee / 100.0, 2) as fee", dbt.Head.Nodes["fees"].File!.Rendered!.Sql);
        Assert.Same(dbt.Head.Nodes["rates"].File, dbt.Base.Nodes["rates"].File);
    }

    [Fact]
    public async Task RemovedAdapterOverride_ModelsOfTheDispatcherRenderAtBaseWithTheOverride()
    {
        var before = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = Project,
            ["profiles.yml"] = "bank:\n  target: prod\n  outputs:\n    prod:\n      type: snowflake\n",
            ["macros/day.sql"] = "{% macro day_of(c) %}{{ adapter.dispatch('day_of')(c) }}{% endmacro %}\n{% macro default__day_of(c) %}cast({{ c }} as date){% endmacro %}",
            ["macros/snowflake_day.sql"] = "{% macro snowflake__day_of(c) %}to_date({{ c }}){% endmacro %}",
            ["models/days.sql"] = "select {{ day_of('booked_at') }} as d",
        };
        var after = new Dictionary<string, string>(before);
        after.Remove("macros/snowflake_day.sql");

        var (dbt, _, _) = await ContextTestHelpers.BuildAsync(before, after);

        Assert.Equal("select to_date(booked_at) as d", dbt.Base.Nodes["days"].File!.Rendered!.Sql);
        Assert.Equal("select cast(booked_at as date) as d", dbt.Head.Nodes["days"].File!.Rendered!.Sql);
    }

    [Fact]
    public async Task ChangedSourceIdentifier_ModelsReadingItRenderAtBaseWithTheOldRelation()
    {
        const string sources = "version: 2\nsources:\n  - name: core_banking\n    tables:\n      - name: transfers\n        identifier: {0}\n";
        var before = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = Project,
            ["models/_sources.yml"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, sources, "TRANSFERS_2023"),
            ["models/stg_transfers.sql"] = "select * from {{ source('core_banking', 'transfers') }}",
        };
        var after = new Dictionary<string, string>(before) { ["models/_sources.yml"] = string.Format(System.Globalization.CultureInfo.InvariantCulture, sources, "TRANSFERS_2024") };

        var (dbt, _, _) = await ContextTestHelpers.BuildAsync(before, after);

        Assert.Equal("select * from core_banking.TRANSFERS_2023", dbt.Base.Nodes["stg_transfers"].File!.Rendered!.Sql);
        Assert.Equal("select * from core_banking.TRANSFERS_2024", dbt.Head.Nodes["stg_transfers"].File!.Rendered!.Sql);
    }

    [Fact]
    public void PythonModel_CallsNotCommentsOrStrings()
    {
        var file = PythonModelReader.Read("models/scores.py", """
            # dbt.ref("commented_out")
            def model(dbt, session):
                dbt.config(
                    materialized="incremental",
                    unique_key="account_id",
                )
                note = "dbt.ref('inside_a_string')"
                accounts = dbt.ref("stg_accounts")
                fx = dbt.ref("finance", "fx_rates", v=3)
                raw = dbt.source("core_banking", "transfers")
                if dbt.is_incremental:
                    accounts = accounts.filter(accounts.updated_at > session.sql("select max(updated_at) from x")).where(timedelta(days=2))
                return accounts
            """);

        Assert.Equal("python", file.Language);
        Assert.Equal(["stg_accounts", "fx_rates"], file.Refs.Select(r => r.Name));
        Assert.Equal(("finance", "3", 9), (file.Refs[1].Package, file.Refs[1].Version, file.Refs[1].Line));
        Assert.Equal("core_banking.transfers", Assert.Single(file.Sources).Key);
        Assert.Equal(("incremental", 4), (file.Config["materialized"].Text, file.Config["materialized"].Line));
        var block = Assert.Single(file.IncrementalBlocks);
        Assert.True(block.Filters);
        Assert.Equal(48, block.LookbackHours);
    }

    [Theory]
    [InlineData("where ts > current_date - interval '3 days'", 72.0)]
    [InlineData("where ts > now() - INTERVAL 12 HOUR", 12.0)]
    [InlineData("where ts > timestamp_sub(current_timestamp(), interval 2 week)", 336.0)]
    [InlineData("where ts > dateadd('hour', -6, max_ts)", 6.0)]
    [InlineData("where ts > '2024-01-01' -- interval '9 days'", null)]
    public void SqlLookbackHours_CommonDialects_CommentsIgnored(string sql, double? hours)
    {
        Assert.Equal(hours, IncrementalWindow.SqlLookbackHours(sql));
    }

    [Fact]
    public async Task ChangedModelThatDoesNotRender_NotAnalysedForEveryAgentThatReadsTheGraph()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "    {% endif %}\n", ""));

        foreach (var agent in new[] { AgentName.Governance, AgentName.Quality, AgentName.Lineage, AgentName.Cost, AgentName.Docs })
        {
            var skipped = Assert.Single(result.Outputs[agent].NotAnalysed, s => s.File == "models/marts/fct_orders.sql" && s.Reason.StartsWith("dbt model not rendered", StringComparison.Ordinal));
            Assert.Contains("(line ", skipped.Reason, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task ChangedModelWithAnAbsentPackageMacro_PartialForEveryAgentThatReadsTheGraph()
    {
        var result = await Review.RunAsync(("models/marts/fct_new.sql", "select order_id, {{ dbt_expectations.missing_macro('x') }} as v from {{ ref('stg_orders') }}\n"));

        foreach (var agent in new[] { AgentName.Governance, AgentName.Quality, AgentName.Lineage, AgentName.Cost, AgentName.Docs })
        {
            var partial = Assert.Single(result.Outputs[agent].Partial, p => p.File == "models/marts/fct_new.sql");
            Assert.Equal(["dbt_expectations.missing_macro"], partial.Unresolved);
        }
    }
}
