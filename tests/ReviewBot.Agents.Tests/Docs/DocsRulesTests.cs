using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Tests.Docs;

public sealed class DocsRulesTests
{
    [Fact]
    public async Task ModelUndocumented_NewModelWithoutYaml_Medium()
    {
        var result = await Review.RunAsync(("models/marts/fct_refunds.sql", "select payment_id, amount from {{ ref('stg_payments') }}\n"));

        var finding = result.Single("model-undocumented");
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Equal("models/marts/fct_refunds.sql", finding.File);
        Assert.Contains("models/marts/_marts__models.yml", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ModelUndocumented_ExistingModelEdited_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "        status\n", "        lower(status) as status\n"));

        result.None("model-undocumented");
    }

    [Fact]
    public async Task ModelMissingDescription_NewEntryWithoutDescription_Low()
    {
        var yaml = Review.Fixture("shop")["models/marts/_marts__models.yml"] + "\n  - name: fct_refunds\n    columns:\n      - name: payment_id\n        description: Payment refunded.\n        data_tests: [unique, not_null]\n";
        var result = await Review.RunAsync(("models/marts/fct_refunds.sql", "select payment_id from {{ ref('stg_payments') }}\n"), ("models/marts/_marts__models.yml", yaml));

        Assert.Equal(Severity.Low, result.Single("model-missing-description").Severity);
        result.None("model-undocumented");
    }

    [Fact]
    public async Task ModelMissingDescription_DescriptionRemoved_Low()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/_staging__models.yml", "    description: Payments, one row per payment attempt.\n", ""));

        Assert.Contains("removed", result.Single("model-missing-description").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ColumnMissingDescription_NewSqlColumnNotInYaml_Low()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "        status\n", "        status,\n        channel\n"));

        var finding = result.Single("column-missing-description");
        Assert.Equal(Severity.Low, finding.Severity);
        Assert.Contains("`channel`", finding.Message, StringComparison.Ordinal);
        Assert.Equal(14, finding.Line);
    }

    [Fact]
    public async Task ColumnMissingDescription_DocumentedColumn_NoFinding()
    {
        var result = await Review.RunAsync(
            Review.Edit("models/staging/stg_orders.sql", "        status\n", "        status,\n        channel\n"),
            Review.Edit("models/staging/_staging__models.yml", "      - name: status\n        description: Order status.\n",
                "      - name: status\n        description: Order status.\n      - name: channel\n        description: Sales channel.\n"));

        result.None("column-missing-description");
    }

    [Fact]
    public async Task EnvVarUndocumented_ReadWithoutDefault_Medium()
    {
        var result = await Review.RunAsync(Review.Edit("orchestration/dagster/schedules.py", "import os\n", "import os\n\nSLACK_WEBHOOK = os.environ[\"SHOP_SLACK_WEBHOOK\"]\n"));

        var finding = result.Single("env-var-undocumented");
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Contains("`.env.example`", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EnvVarUndocumented_ReadWithDefaultInDbtSql_Low()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "    from source\n", "    from source\n    where order_date >= '{{ env_var(\"SHOP_START_DATE\", \"2020-01-01\") }}'\n"));

        Assert.Equal(Severity.Low, result.Single("env-var-undocumented").Severity);
    }

    [Fact]
    public async Task EnvVarUndocumented_ListedInEnvExample_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("orchestration/airflow/dags/daily_refresh.py", "from airflow import DAG\n", "from airflow import DAG\n\nTARGET = os.environ[\"DAGSTER_DBT_TARGET\"]\n"));

        result.None("env-var-undocumented");
    }

    [Fact]
    public async Task BrokenMarkdownLink_MissingTarget_Medium()
    {
        var result = await Review.RunAsync(Review.Edit("docs/architecture.md", "See the [README](../README.md)", "See the [README](../README.md) and the [runbook](runbook.md)"));

        var finding = result.Single("broken-markdown-link");
        Assert.Equal(4, finding.Line);
        Assert.Contains("docs/runbook.md", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BrokenMarkdownLink_ExistingFilesFoldersAnchorsAndUrls_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("README.md", "- [Architecture](docs/architecture.md)\n",
            "- [Architecture](docs/architecture.md#raw-data)\n- [Models](./models/)\n- [dbt](https://docs.getdbt.com)\n- [Top](#shop-analytics)\n- [Mail](mailto:data@example.com)\n"));

        result.None("broken-markdown-link");
    }

    [Fact]
    public async Task ExposureMissingOwner_NewExposureWithoutOwner_Medium()
    {
        var yaml = Review.Fixture("shop")["models/marts/exposures.yml"] + "\n  - name: churn_notebook\n    type: notebook\n    depends_on:\n      - ref('dim_customers')\n";
        var result = await Review.RunAsync(("models/marts/exposures.yml", yaml));

        Assert.Contains("churn_notebook", result.Single("exposure-missing-owner").Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ExposureMissingOwner_OwnerPresent_NoFinding()
    {
        var yaml = Review.Fixture("shop")["models/marts/exposures.yml"] + "\n  - name: churn_notebook\n    type: notebook\n    owner:\n      email: growth@example.com\n    depends_on:\n      - ref('dim_customers')\n";
        var result = await Review.RunAsync(("models/marts/exposures.yml", yaml));

        result.None("exposure-missing-owner");
    }
}
