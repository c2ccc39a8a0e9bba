using ReviewBot.Dbt.Projects;
using ReviewBot.Dbt.Rendering;

namespace ReviewBot.Dbt.Tests.Rendering;

public sealed class IncrementalBranchTests
{
    private static RenderedModel Render(string model, Dictionary<string, string>? more = null, DbtRenderOptions? options = null)
    {
        var files = new Dictionary<string, string>(more ?? []) { ["dbt_project.yml"] = "name: ledger\nprofile: ledger\n", ["models/m.sql"] = model };
        return new DbtRenderer(DbtRepository.Load(new InMemoryFiles(files)), options).Render("models/m.sql");
    }

    [Fact]
    public void IncrementalBranches_IfElseFilter_OnlyTheIncrementalBodyLines()
    {
        var result = Render("""
            select * from {{ ref('payments') }}
            {% if is_incremental() %}
              where paid_at >= (
                select max(paid_at) - interval '2 days' from {{ this }}
              )
            {% else %}
              where paid_at >= '2019-01-01'
            {% endif %}
            """);

        var branch = Assert.Single(result.IncrementalBranches);
        Assert.Equal((3, 5), (branch.StartLine, branch.EndLine));
        Assert.Contains("interval '2 days' from analytics.m", branch.Sql, StringComparison.Ordinal);
        Assert.DoesNotContain("2019-01-01", branch.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void IncrementalBranches_BranchedCteHeaderWithBlankLine_OneRunAcrossTheBlankLine()
    {
        var result = Render("""
            {%- if is_incremental() %}
            with fresh as (

                select * from {{ source('bank', 'transfers') }} where loaded_at > (select max(loaded_at) from {{ this }})
            )
            {%- else %}
            with fresh as (select * from {{ source('bank', 'transfers') }})
            {%- endif %}
            select * from fresh
            """);

        var branch = Assert.Single(result.IncrementalBranches);
        Assert.Equal((2, 5), (branch.StartLine, branch.EndLine));
    }

    [Fact]
    public void IncrementalBranches_MacroThatBranches_CallingLine()
    {
        var result = Render(
            "select *\nfrom {{ ref('events') }}\n{{ only_new('event_ts') }}\n",
            new() { ["macros/only_new.sql"] = "{% macro only_new(col) %}{% if is_incremental() %}where {{ col }} > (select max({{ col }}) from {{ this }}){% endif %}{% endmacro %}" });

        var branch = Assert.Single(result.IncrementalBranches);
        Assert.Equal((3, 3), (branch.StartLine, branch.EndLine));
        Assert.StartsWith("where event_ts >", branch.Sql, StringComparison.Ordinal);
    }

    [Fact]
    public void IncrementalBranches_NoIsIncremental_Empty()
    {
        Assert.Empty(Render("select 1 as id").IncrementalBranches);
    }

    [Fact]
    public void ConfigEntry_TextAndRepr_ScalarsAndCollections()
    {
        var result = Render("""
            {{ config(
                materialized = "incremental",
                full_refresh = false,
                unique_key = ['account_id', 'day'],
                post_hook = "grant select on {{ this }}
                             to role auditor"
            ) }}
            select 1 as account_id
            """);

        Assert.Equal("incremental", result.Config[0].Text);
        Assert.Equal("false", result.Config[1].Text);
        Assert.Null(result.Config[2].Text);
        Assert.Equal("['account_id', 'day']", result.Config[2].Repr);
        Assert.Equal(5, result.Config[3].Line);
        Assert.Contains("to role auditor", result.Config[3].Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Source_DeclaredIdentifierAndSchema_RenderedAsTheWarehouseRelation()
    {
        var options = new DbtRenderOptions
        {
            SourceRelations = (source, table) => (source, table) == ("bank", "transfers") ? new SourceRelation(null, "raw_bank", "TRANSFERS_V2") : null,
        };

        var result = Render("select * from {{ source('bank', 'transfers') }} join {{ source('bank', 'fees') }} using (id)", options: options);

        Assert.Equal("select * from raw_bank.TRANSFERS_V2 join bank.fees using (id)", result.Sql);
        Assert.Equal(["transfers", "fees"], result.Sources.Select(s => s.Name));
    }

    [Fact]
    public void Dispatch_SearchOrderInProjectFile_RootOverrideOfAPackageMacroWins()
    {
        var files = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: ledger\ndispatch:\n  - macro_namespace: money\n    search_order: ['ledger', 'money']\n",
            ["dbt_packages/money/dbt_project.yml"] = "name: money\n",
            ["dbt_packages/money/macros/cents.sql"] = "{% macro cents(c) %}{{ adapter.dispatch('cents', 'money')(c) }}{% endmacro %}\n{% macro default__cents(c) %}{{ c }} / 100{% endmacro %}",
            ["macros/cents.sql"] = "{% macro default__cents(c) %}round({{ c }} / 100.0, 2){% endmacro %}",
            ["models/m.sql"] = "select {{ money.cents('amount') }} as amount",
        };

        var result = new DbtRenderer(DbtRepository.Load(new InMemoryFiles(files))).Render("models/m.sql");

        Assert.Equal("select round(amount / 100.0, 2) as amount", result.Sql);
    }
}
