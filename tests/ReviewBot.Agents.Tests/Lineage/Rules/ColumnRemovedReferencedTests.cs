using ReviewBot.Core.Findings;
using ReviewBot.TestUtils;

namespace ReviewBot.Agents.Tests.Lineage.Rules;

public sealed class ColumnRemovedReferencedTests
{
    private static Dictionary<string, string> Chain() => new()
    {
        ["dbt_project.yml"] = "name: deep\n",
        ["models/sources.yml"] = "version: 2\nsources:\n  - name: raw\n    tables:\n      - name: sales\n      - name: prices\n        columns:\n          - name: id\n          - name: amount\n",
        ["models/a.sql"] = "select id, amount, region from {{ source('raw', 'sales') }}\n",
        ["models/b.sql"] = "select id, amount * 2 as doubled, region from {{ ref('a') }}\n",
        ["models/c.sql"] = "with b as (select * from {{ ref('b') }})\nselect id, sum(doubled) as total from b group by id\n",
    };

    [Fact]
    public async Task Evaluate_RemovedColumnCarriedTwoLevelsDown_HighNamesReaderAndDerivedColumns()
    {
        var before = Chain();
        var after = new Dictionary<string, string>(before) { ["models/a.sql"] = "select id, region from {{ source('raw', 'sales') }}\n" };

        var finding = (await Review.RunAsync(ChangeSets.FromFiles(before, after))).Single("column-removed-referenced");

        Assert.Equal(Severity.High, finding.Severity);
        Assert.Equal("models/a.sql", finding.File);
        Assert.Contains("`a.amount` is removed", finding.Message, StringComparison.Ordinal);
        Assert.Contains("`b` still reads it", finding.Message, StringComparison.Ordinal);
        Assert.Contains("`b.doubled`, `c.total`", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_RemovedColumnOnlyFilteredOnDownstream_High()
    {
        var before = Chain();
        before["models/b.sql"] = "select id, region from {{ ref('a') }} where amount > 0\n";
        var after = new Dictionary<string, string>(before) { ["models/a.sql"] = "select id, region from {{ source('raw', 'sales') }}\n" };

        var finding = (await Review.RunAsync(ChangeSets.FromFiles(before, after))).Single("column-removed-referenced");

        Assert.Contains("`b` still reads it", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_ReaderUpdatedInTheSamePullRequest_NoFinding()
    {
        var before = Chain();
        var after = new Dictionary<string, string>(before)
        {
            ["models/a.sql"] = "select id, region from {{ source('raw', 'sales') }}\n",
            ["models/b.sql"] = "select id, 0 as doubled, region from {{ ref('a') }}\n",
        };

        (await Review.RunAsync(ChangeSets.FromFiles(before, after))).None("column-removed-referenced");
    }

    [Fact]
    public async Task Evaluate_SameColumnNameReadFromAnotherRelation_NoFinding()
    {
        var before = Chain();
        before["models/b.sql"] = "select s.id, p.amount * 2 as doubled from {{ ref('a') }} as s join {{ source('raw', 'prices') }} as p on p.id = s.id\n";
        var after = new Dictionary<string, string>(before) { ["models/a.sql"] = "select id, region from {{ source('raw', 'sales') }}\n" };

        (await Review.RunAsync(ChangeSets.FromFiles(before, after))).None("column-removed-referenced");
    }

    [Fact]
    public async Task Evaluate_ReaderInAnotherProjectThroughSource_High()
    {
        var before = new Dictionary<string, string>
        {
            ["core/dbt_project.yml"] = "name: core\n",
            ["core/models/customers.sql"] = "{{ config(schema='marts') }}\nselect id, email, segment from {{ source('crm', 'contacts') }}\n",
            ["finance/dbt_project.yml"] = "name: finance\n",
            ["finance/models/sources.yml"] = "version: 2\nsources:\n  - name: core\n    schema: marts\n    tables:\n      - name: customers\n",
            ["finance/models/invoices.sql"] = "select c.id from {{ source('core', 'customers') }} as c where c.segment = 'b2b'\n",
        };
        var after = new Dictionary<string, string>(before) { ["core/models/customers.sql"] = "{{ config(schema='marts') }}\nselect id, email from {{ source('crm', 'contacts') }}\n" };

        var finding = (await Review.RunAsync(ChangeSets.FromFiles(before, after))).Single("column-removed-referenced");

        Assert.Contains("`invoices` still reads it", finding.Message, StringComparison.Ordinal);
    }
}
