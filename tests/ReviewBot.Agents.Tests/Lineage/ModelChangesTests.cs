using ReviewBot.Core.Agents;
using ReviewBot.Core.Reports;
using ReviewBot.TestUtils;

namespace ReviewBot.Agents.Tests.Lineage;

public sealed class ModelChangesTests
{
    private static async Task<IReadOnlyList<ModelChangeReport>> ModelsAsync(params (string Path, string? Text)[] edits)
    {
        var result = await Review.RunAsync(edits);
        return result.Outputs[AgentName.Lineage].Models;
    }

    private static async Task<IReadOnlyList<ModelChangeReport>> ModelsAsync(Dictionary<string, string> before, Dictionary<string, string> after)
    {
        var result = await Review.RunAsync(ChangeSets.FromFiles(before, after));
        return result.Outputs[AgentName.Lineage].Models;
    }

    [Fact]
    public async Task Classify_ColumnRenamed_PartialWithRenameAndColumnExactDownstream()
    {
        var models = await ModelsAsync(Review.Edit("models/staging/stg_orders.sql", "        order_date,\n", "        order_date as ordered_on,\n"));

        var model = Assert.Single(models);
        Assert.Equal("stg_orders", model.Name);
        Assert.Equal("models/staging/stg_orders.sql", model.File);
        Assert.Equal("shop", model.Project);
        Assert.Equal(ModelChangeKind.Partial, model.Change);
        Assert.Equal([new ModelColumnRename("order_date", "ordered_on")], model.Columns.Renamed);
        Assert.Empty(model.Columns.Removed);
        Assert.Equal(["fct_orders", "dim_customers"], model.Downstream.Models.Order(StringComparer.Ordinal).Reverse());
        Assert.Contains("fct_orders.order_date", model.Downstream.Columns);
        Assert.Contains("dim_customers.first_order_date", model.Downstream.Columns);
        Assert.DoesNotContain("dim_customers.first_name", model.Downstream.Columns);
        Assert.Equal(["revenue_dashboard"], model.Downstream.Exposures);
    }

    [Fact]
    public async Task Classify_FilterAdded_BreakingWithEveryConsumer()
    {
        var models = await ModelsAsync(Review.Edit("models/staging/stg_orders.sql", "    from source\n", "    from source\n    where status != 'test'\n"));

        var model = Assert.Single(models);
        Assert.Equal(ModelChangeKind.Breaking, model.Change);
        Assert.Contains("where", model.Reason, StringComparison.Ordinal);
        Assert.Equal(2, model.Downstream.Models.Count);
        Assert.Contains("fct_orders.customer_id", model.Downstream.Columns);
    }

    [Fact]
    public async Task Classify_NewColumnOnly_NonBreaking()
    {
        var models = await ModelsAsync(Review.Edit("models/staging/stg_customers.sql", "        country_code\n", "        country_code,\n        upper(first_name) as first_name_upper\n"));

        var model = Assert.Single(models);
        Assert.Equal(ModelChangeKind.NonBreaking, model.Change);
        Assert.Equal(["first_name_upper"], model.Columns.Added);
        Assert.Empty(model.Downstream.Columns);
    }

    [Fact]
    public async Task Classify_CommentOnly_NonBreakingSaysLayout()
    {
        var models = await ModelsAsync(Review.Edit("models/staging/stg_customers.sql", "        country_code\n", "        country_code -- ISO 3166\n"));

        var model = Assert.Single(models);
        Assert.Equal(ModelChangeKind.NonBreaking, model.Change);
        Assert.Contains("layout or comments", model.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_NewModel_Added()
    {
        var models = await ModelsAsync(("models/marts/fct_refunds.sql", "select payment_id, amount from {{ ref('stg_payments') }} where amount < 0\n"));

        var model = Assert.Single(models);
        Assert.Equal(ModelChangeKind.Added, model.Change);
        Assert.Equal(["payment_id", "amount"], model.Columns.Added);
    }

    [Fact]
    public async Task Classify_DeletedModel_RemovedWithItsReaders()
    {
        var models = await ModelsAsync(("models/staging/stg_payments.sql", null));

        var model = Assert.Single(models);
        Assert.Equal(ModelChangeKind.Removed, model.Change);
        Assert.Equal("model file deleted", model.Reason);
        Assert.Equal(["payment_id", "order_id", "amount"], model.Columns.Removed);
        Assert.Equal(["fct_orders"], model.Downstream.Models);
        Assert.Contains("fct_orders.amount", model.Downstream.Columns);
        Assert.Equal(["revenue_dashboard"], model.Downstream.Exposures);
    }

    [Fact]
    public async Task Classify_HeadDoesNotParse_UnknownNeverNonBreaking()
    {
        var models = await ModelsAsync(Review.Edit("models/staging/stg_customers.sql", "        country_code\n", "        country_code,\n        case when then end as broken\n"));

        var model = Assert.Single(models);
        Assert.Equal(ModelChangeKind.Unknown, model.Change);
        Assert.Contains("head version", model.Reason, StringComparison.Ordinal);
        Assert.Contains("does not parse", model.Reason, StringComparison.Ordinal);
        Assert.Equal(["dim_customers"], model.Downstream.Models);
    }

    [Fact]
    public async Task Classify_MaterializationChangedInSqlOnly_ConfigOnly()
    {
        var models = await ModelsAsync(Review.Edit("models/marts/fct_orders.sql", "        on_schema_change='append_new_columns'\n", "        on_schema_change='sync_all_columns'\n"));

        var model = Assert.Single(models);
        Assert.Equal(ModelChangeKind.ConfigOnly, model.Change);
        Assert.Contains("on_schema_change append_new_columns → sync_all_columns", model.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_MaterializationChangedInYaml_ConfigOnlyForThatModel()
    {
        var models = await ModelsAsync(Review.Edit("dbt_project.yml", "    staging:\n      +materialized: view\n", "    staging:\n      +materialized: table\n"));

        Assert.Equal(["stg_customers", "stg_orders", "stg_payments"], models.Select(m => m.Name).Order(StringComparer.Ordinal));
        Assert.All(models, m => Assert.Equal(ModelChangeKind.ConfigOnly, m.Change));
        Assert.All(models, m => Assert.Contains("materialized view → table", m.Reason, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Classify_RenamedFile_BreakingForReadersOfTheOldName()
    {
        using var repo = TempGitRepo.Create();
        foreach (var (path, text) in Review.Fixture("shop"))
        {
            repo.WriteFile(path, text);
        }

        repo.Commit("shop");
        repo.Branch("feature", checkout: true);
        repo.Move("models/staging/stg_payments.sql", "models/staging/stg_payment_attempts.sql");
        repo.Commit("rename");
        var change = await Core.Changes.GitChangeSource.FromRangeAsync(repo.Root, "main", "feature", CancellationToken.None);

        var models = (await Review.RunAsync(change)).Outputs[AgentName.Lineage].Models;

        var model = Assert.Single(models);
        Assert.Equal("stg_payment_attempts", model.Name);
        Assert.Equal(ModelChangeKind.Breaking, model.Change);
        Assert.Contains("renamed from `stg_payments`", model.Reason, StringComparison.Ordinal);
        Assert.Equal(["fct_orders"], model.Downstream.Models);
    }

    [Fact]
    public async Task Classify_RemovedColumnThreeLevelsDeep_DownstreamColumnsAtEveryLevel()
    {
        var before = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: deep\n",
            ["models/a.sql"] = "select id, amount, region from {{ source('raw', 'sales') }}\n",
            ["models/b.sql"] = "select id, amount * 2 as doubled, region from {{ ref('a') }}\n",
            ["models/c.sql"] = "with b as (select * from {{ ref('b') }})\nselect id, sum(doubled) as total from b group by id\n",
            ["models/d.sql"] = "select id, region from {{ ref('b') }}\n",
            ["models/sources.yml"] = "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: sales\n",
        };
        var after = new Dictionary<string, string>(before) { ["models/a.sql"] = "select id, region from {{ source('raw', 'sales') }}\n" };

        var model = Assert.Single(await ModelsAsync(before, after));

        Assert.Equal(ModelChangeKind.Partial, model.Change);
        Assert.Equal(["amount"], model.Columns.Removed);
        Assert.Equal(["b", "c"], model.Downstream.Models);
        Assert.Equal(["b.doubled", "c.total"], model.Downstream.Columns);
    }

    [Fact]
    public async Task Classify_ConsumerInAnotherProjectThroughSource_Downstream()
    {
        var before = new Dictionary<string, string>
        {
            ["core/dbt_project.yml"] = "name: core\n",
            ["core/models/customers.sql"] = "{{ config(schema='marts') }}\nselect id, email, segment from {{ source('crm', 'contacts') }}\n",
            ["core/models/sources.yml"] = "version: 2\nsources:\n  - name: crm\n    tables:\n      - name: contacts\n",
            ["finance/dbt_project.yml"] = "name: finance\n",
            ["finance/models/sources.yml"] = "version: 2\nsources:\n  - name: core\n    schema: marts\n    tables:\n      - name: customers\n",
            ["finance/models/invoices.sql"] = "select c.id, c.segment as customer_segment from {{ source('core', 'customers') }} as c\n",
        };
        var after = new Dictionary<string, string>(before) { ["core/models/customers.sql"] = "{{ config(schema='marts') }}\nselect id, email from {{ source('crm', 'contacts') }}\n" };

        var model = Assert.Single(await ModelsAsync(before, after));

        Assert.Equal(ModelChangeKind.Partial, model.Change);
        Assert.Equal(["invoices"], model.Downstream.Models);
        Assert.Equal(["invoices.customer_segment"], model.Downstream.Columns);
    }

    [Fact]
    public async Task Classify_SourceOfSameNameInRawSchema_NotAConsumer()
    {
        var before = new Dictionary<string, string>
        {
            ["core/dbt_project.yml"] = "name: core\n",
            ["core/models/customers.sql"] = "{{ config(schema='marts') }}\nselect id, email, segment from {{ source('crm', 'contacts') }}\n",
            ["finance/dbt_project.yml"] = "name: finance\n",
            ["finance/models/sources.yml"] = "version: 2\nsources:\n  - name: raw\n    schema: landing\n    tables:\n      - name: customers\n",
            ["finance/models/invoices.sql"] = "select c.id, c.segment as customer_segment from {{ source('raw', 'customers') }} as c\n",
        };
        var after = new Dictionary<string, string>(before) { ["core/models/customers.sql"] = "{{ config(schema='marts') }}\nselect id, email from {{ source('crm', 'contacts') }}\n" };

        var model = Assert.Single(await ModelsAsync(before, after));

        Assert.Equal(ModelChangeKind.Partial, model.Change);
        Assert.Empty(model.Downstream.Models);
    }

    [Fact]
    public async Task Classify_RemovedColumnThroughUnionAndStar_DownstreamColumns()
    {
        var before = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: u\n",
            ["models/a.sql"] = "select id, amount from {{ source('raw', 'a') }}\n",
            ["models/c.sql"] = "select id, amount from {{ source('raw', 'c') }}\n",
            ["models/b.sql"] = "select id, amount from {{ ref('a') }}\nunion all\nselect id, amount from {{ ref('c') }}\n",
            ["models/d.sql"] = "select * from {{ ref('b') }}\n",
        };
        var after = new Dictionary<string, string>(before) { ["models/a.sql"] = "select id from {{ source('raw', 'a') }}\n" };

        var model = Assert.Single(await ModelsAsync(before, after));

        Assert.Equal(ModelChangeKind.Partial, model.Change);
        Assert.Equal(["b.amount", "d.amount"], model.Downstream.Columns);
    }

    [Fact]
    public async Task Classify_ChangeInsideAnUnresolvedMacro_UnknownNamesTheMacro()
    {
        var before = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: m\n",
            ["models/a.sql"] = "select id, {{ vendor_pkg.money('amount', 2) }} as amount from {{ source('raw', 'a') }}\n",
        };
        var after = new Dictionary<string, string>(before) { ["models/a.sql"] = "select id, {{ vendor_pkg.money('amount', 4) }} as amount from {{ source('raw', 'a') }}\n" };

        var model = Assert.Single(await ModelsAsync(before, after));

        Assert.Equal(ModelChangeKind.Unknown, model.Change);
        Assert.Contains("vendor_pkg.money", model.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_TenThousandDeepNesting_UnknownWithoutCrashing()
    {
        var deep = "select " + new string('(', 10_000) + "1" + new string(')', 10_000) + " as x from {{ ref('a') }}\n";
        var before = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: d\n",
            ["models/a.sql"] = "select 1 as x\n",
            ["models/b.sql"] = "select x from {{ ref('a') }}\n",
        };
        var after = new Dictionary<string, string>(before) { ["models/b.sql"] = deep };

        var model = Assert.Single(await ModelsAsync(before, after));

        Assert.Equal(ModelChangeKind.Unknown, model.Change);
        Assert.Contains("head version", model.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Classify_RefCycle_TerminatesAndListsEachModelOnce()
    {
        var before = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: c\n",
            ["models/a.sql"] = "select id, v from {{ ref('b') }}\n",
            ["models/b.sql"] = "select id, v from {{ ref('a') }}\n",
        };
        var after = new Dictionary<string, string>(before) { ["models/a.sql"] = "select id, v from {{ ref('b') }} where v > 0\n" };

        var model = Assert.Single(await ModelsAsync(before, after));

        Assert.Equal(ModelChangeKind.Breaking, model.Change);
        Assert.Equal(["b"], model.Downstream.Models);
    }
}
