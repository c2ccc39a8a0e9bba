using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Tests.Governance;

public sealed class GovernanceRulesTests
{
    private const string AwsKey = "AKIAIOSFODNN7EXAMPLF";

    [Fact]
    public async Task SecretInCode_AwsKeyInPython_CriticalWithMaskedHintOnly()
    {
        var result = await Review.RunAsync(Review.Edit("orchestration/dagster/schedules.py", "import os\n", $"import os\n\nAWS_ACCESS_KEY_ID = \"{AwsKey}\"\n"));

        var finding = result.Single("secret-in-code");
        Assert.Equal(Severity.Critical, finding.Severity);
        Assert.Equal(3, finding.Line);
        Assert.DoesNotContain(AwsKey, finding.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(AwsKey, finding.Anchor!, StringComparison.Ordinal);
        Assert.DoesNotContain(AwsKey[4..], finding.Title + finding.Message, StringComparison.Ordinal);
        Assert.Contains("AKIA", finding.Message, StringComparison.Ordinal);
        Assert.Contains("rotate", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretInCode_LiteralPasswordInProfiles_Critical()
    {
        var result = await Review.RunAsync(Review.Edit("profiles.yml", "password: \"{{ env_var('SNOWFLAKE_PASSWORD') }}\"", "password: Tr0ub4dor&3"));

        var finding = result.Single("secret-in-code");
        Assert.Equal("profiles.yml", finding.File);
        Assert.DoesNotContain("Tr0ub4dor", finding.Message + finding.Anchor, StringComparison.Ordinal);
        Assert.Contains("env_var", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SecretInCode_CredentialedUriAndPrivateKey_BothFound()
    {
        var result = await Review.RunAsync(("orchestration/airflow/connections.py",
            "WAREHOUSE_URI = \"postgresql://loader:s3cr3tPassw0rd@db.internal:5432/shop\"\nKEY = \"\"\"-----BEGIN RSA PRIVATE KEY-----\nMIIEow...\n\"\"\"\n"));

        var findings = result.Of("secret-in-code");
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.DoesNotContain("s3cr3tPassw0rd", f.Message + f.Anchor, StringComparison.Ordinal));
    }

    [Fact]
    public async Task SecretInCode_EnvLookupsAndPlaceholders_NoFinding()
    {
        var result = await Review.RunAsync(("orchestration/airflow/connections.py",
            "password = os.environ[\"DB_PASSWORD\"]\ntoken = os.getenv(\"API_TOKEN\")\napi_key = \"{{ env_var('API_KEY') }}\"\nsecret = \"changeme\"\ntoken_url = \"https://auth.example.com/token\"\n"));

        result.None("secret-in-code");
    }

    [Fact]
    public async Task PiiColumnUntagged_NewEmailColumnWithoutTag_HighOnTheSqlLine()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/stg_orders.sql", "        status\n", "        status,\n        customer_email\n"));

        var finding = result.Single("pii-column-untagged");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Equal("models/staging/stg_orders.sql", finding.File);
        Assert.Equal(14, finding.Line);
        Assert.Equal("customer_email", finding.Anchor);
        Assert.Contains("contains_pii", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PiiColumnUntagged_TaggedOrHashedOrSubstring_NoFinding()
    {
        var result = await Review.RunAsync(
            Review.Edit("models/staging/stg_orders.sql", "        status\n", "        status,\n        sha2(customer_email) as customer_email_hash,\n        emailed_at,\n        phone_number\n"),
            Review.Edit("models/staging/_staging__models.yml", "      - name: status\n        description: Order status.\n",
                "      - name: status\n        description: Order status.\n      - name: phone_number\n        description: Contact phone.\n        meta:\n          contains_pii: true\n"));

        result.None("pii-column-untagged");
    }

    [Fact]
    public async Task PiiColumnUntagged_MigrationAddsUnmaskedColumn_Found()
    {
        var result = await Review.RunAsync(("migrations/V2__add_phone.sql", "alter table raw.shop.customers add column phone_number varchar;\n"));

        var finding = result.Single("pii-column-untagged");
        Assert.Equal("migrations/V2__add_phone.sql", finding.File);
        Assert.Equal(1, finding.Line);
    }

    [Fact]
    public async Task PiiProtectionRemoved_ContainsPiiMetaDropped_High()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/_staging__models.yml",
            "      - name: first_name\n        description: Given name.\n        meta:\n          contains_pii: true\n",
            "      - name: first_name\n        description: Given name.\n"));

        var finding = result.Single("pii-protection-removed");
        Assert.Equal("models/staging/_staging__models.yml", finding.File);
        Assert.Contains("first_name", finding.Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PiiProtectionRemoved_ColumnDroppedWithItsTag_NoFinding()
    {
        var result = await Review.RunAsync(
            Review.Edit("models/staging/_staging__models.yml", "      - name: first_name\n        description: Given name.\n        meta:\n          contains_pii: true\n", ""),
            Review.Edit("models/staging/stg_customers.sql", "        first_name,\n", ""));

        result.None("pii-protection-removed");
    }

    [Fact]
    public async Task DestructiveDdl_DropTableInMigration_HighOnTheStatement()
    {
        var result = await Review.RunAsync(("migrations/V3__cleanup.sql", "-- remove legacy data\ndrop table raw.shop.legacy_orders;\n"));

        var finding = result.Single("destructive-ddl");
        Assert.Equal(Severity.High, finding.Severity);
        Assert.Equal(2, finding.Line);
        Assert.Equal("drop table raw.shop.legacy_orders;", finding.Anchor);
    }

    [Theory]
    [InlineData("truncate table raw.shop.orders;", "TRUNCATE")]
    [InlineData("delete from raw.shop.orders;", "DELETE without WHERE")]
    [InlineData("alter table raw.shop.orders drop column status;", "DROP COLUMN")]
    public async Task DestructiveDdl_OtherDestructiveStatements_Found(string sql, string title)
    {
        var result = await Review.RunAsync(("migrations/V3__cleanup.sql", sql + "\n"));

        Assert.Contains(title, result.Single("destructive-ddl").Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DestructiveDdl_PostHookInModelConfig_Found()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "        on_schema_change='append_new_columns'\n",
            "        on_schema_change='append_new_columns',\n        post_hook=\"delete from {{ this }}\"\n"));

        Assert.Equal(7, result.Single("destructive-ddl").Line);
    }

    [Fact]
    public async Task DestructiveDdl_ScopedDeleteAndCreateIfNotExists_NoFinding()
    {
        var result = await Review.RunAsync(("migrations/V3__cleanup.sql",
            "delete from raw.shop.orders where status = 'test';\ncreate table if not exists raw.shop.returns (id integer, order_id integer);\n"));

        result.None("destructive-ddl");
    }

    [Fact]
    public async Task CreateOrReplaceExisting_TableCreatedInEarlierMigration_High()
    {
        var result = await Review.RunAsync(("migrations/V3__rebuild.sql", "create or replace table raw.shop.orders (id integer, user_id integer);\n"));

        Assert.Contains("raw.shop.orders", result.Single("create-or-replace-existing").Title, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateOrReplaceExisting_NewTable_NoFinding()
    {
        var result = await Review.RunAsync(("migrations/V3__returns.sql", "create or replace table raw.shop.returns (id integer);\n"));

        result.None("create-or-replace-existing");
    }

    [Fact]
    public async Task FullRefreshEnabled_AddedToIncrementalModel_High()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "        unique_key='order_id',\n", "        unique_key='order_id',\n        full_refresh=true,\n"));

        var finding = result.Single("full-refresh-enabled");
        Assert.Equal(5, finding.Line);
    }

    [Fact]
    public async Task FullRefreshEnabled_FalseProtectsTable_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/fct_orders.sql", "        unique_key='order_id',\n", "        unique_key='order_id',\n        full_refresh=false,\n"));

        result.None("full-refresh-enabled");
    }

    [Fact]
    public async Task GrantToPublic_SqlGrantAndDbtGrants_BothFound()
    {
        var result = await Review.RunAsync(
            ("migrations/V3__grants.sql", "grant select on table analytics.marts.fct_orders to role public;\n"),
            Review.Edit("models/marts/dim_customers.sql", "with customers as (", "{{ config(grants={'select': ['reporter', 'public']}) }}\n\nwith customers as ("));

        Assert.Equal(2, result.Of("grant-to-public").Count);
    }

    [Fact]
    public async Task GrantToPublic_GrantToSpecificRole_NoFinding()
    {
        var result = await Review.RunAsync(("migrations/V3__grants.sql", "grant select on table analytics.marts.fct_orders to role finance_reader;\n"));

        result.None("grant-to-public");
        result.None("grants-widened");
    }

    [Fact]
    public async Task GrantsWidened_NewGranteeInModelConfig_Medium()
    {
        var result = await Review.RunAsync(Review.Edit("models/marts/dim_customers.sql", "with customers as (", "{{ config(grants={'select': ['reporter', 'marketing_all']}) }}\n\nwith customers as ("));

        var finding = result.Single("grants-widened");
        Assert.Equal(Severity.Medium, finding.Severity);
        Assert.Contains("marketing_all", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestsRemoved_UniqueTestDeleted_Medium()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/_staging__models.yml",
            "        tests:\n          - unique\n          - not_null\n", "        tests:\n          - not_null\n"));

        var finding = result.Single("tests-removed");
        Assert.Contains("`unique`", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TestsRemoved_TestsRenamedToDataTests_NoFinding()
    {
        var result = await Review.RunAsync(Review.Edit("models/staging/_staging__models.yml",
            "        tests:\n          - unique\n          - not_null\n", "        data_tests:\n          - unique\n          - not_null\n"));

        result.None("tests-removed");
    }
}

public sealed class AccessWidenedTests
{
    [Fact]
    public async Task AccessWidened_PrivateToPublic_Medium()
    {
        var result = await Review.RunAsync(
            ("models/marts/_marts__models.yml", Review.Fixture("shop")["models/marts/_marts__models.yml"].Replace("  - name: fct_orders\n", "  - name: fct_orders\n    access: public\n", StringComparison.Ordinal)));

        var finding = result.Single("access-widened");
        Assert.Equal(Core.Findings.Severity.Medium, finding.Severity);
        Assert.Contains("contract", finding.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessWidened_MadePrivate_NoFinding()
    {
        var result = await Review.RunAsync(
            ("models/marts/_marts__models.yml", Review.Fixture("shop")["models/marts/_marts__models.yml"].Replace("  - name: fct_orders\n", "  - name: fct_orders\n    access: private\n", StringComparison.Ordinal)));

        result.None("access-widened");
    }
}
