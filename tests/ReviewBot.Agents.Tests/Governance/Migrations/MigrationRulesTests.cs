using ReviewBot.Agents.Governance.Migrations;
using ReviewBot.Core.Findings;
using ReviewBot.TestUtils;

namespace ReviewBot.Agents.Tests.Governance.Migrations;

public sealed class MigrationRulesTests
{
    private static Task<RunResult> Add(string path, string text) =>
        Review.RunAsync(ChangeSets.FromFiles(new Dictionary<string, string>(), new Dictionary<string, string> { [path] = text }));

    [Theory]
    [InlineData("db/migrations/V1__t.sql", "alter table orders alter column amount type bigint;", "migration-column-type-change", "ACCESS EXCLUSIVE")]
    [InlineData("db/migrations/V1__t.sql", "alter table orders add column region text not null;", "migration-not-null", "nullable")]
    [InlineData("db/migrations/V1__t.sql", "alter table orders alter column c set not null;", "migration-not-null", "not valid")]
    [InlineData("db/migrations/V1__t.sql", "create index ix on orders (c);", "migration-index-not-concurrent", "concurrently")]
    [InlineData("db/migrations/V1__t.sql", "alter table orders add constraint fk foreign key (c) references customers (id);", "migration-constraint-not-valid", "validate constraint")]
    [InlineData("db/migrations/V1__t.sql", "alter table orders drop constraint fk;", "migration-constraint-dropped", "guarantee")]
    [InlineData("db/migrations/V1__t.sql", "alter table orders rename column amount to total;", "migration-rename", "old name")]
    [InlineData("db/migrations/V1__t.sql", "alter table orders alter column amount type bigint;", "migration-lock-timeout-missing", "lock_timeout")]
    [InlineData("snowflake/migrations/V1__t.sql", "alter table a.orders swap with a.orders_new;", "migration-swap-table", "swap")]
    [InlineData("snowflake/migrations/V1__t.sql", "create or replace table a.orders (id number);", "migration-create-or-replace-table", "time-travel")]
    [InlineData("snowflake/migrations/V1__t.sql", "alter table a.events drop clustering key;", "migration-storage-change", "scan the whole table")]
    [InlineData("bigquery/migrations/V1__t.sql", "alter table `p.d.events` set options (partition_expiration_days = 30);", "migration-storage-change", "deleted")]
    [InlineData("alembic/versions/1a_x.py", "def upgrade():\n    op.alter_column(\"orders\", \"amount\", type_=sa.BigInteger())\n", "migration-column-type-change", "rewrites")]
    [InlineData("alembic/versions/1a_x.py", "def upgrade():\n    op.create_index(\"ix\", \"orders\", [\"c\"])\n", "migration-index-not-concurrent", "postgresql_concurrently")]
    [InlineData("shop/migrations/0002_x.py", "operations = [\n    migrations.RemoveField(model_name=\"order\", name=\"legacy\"),\n]\n", "migration-drops-data", "later one")]
    [InlineData("shop/migrations/0002_x.py", "operations = [\n    migrations.RenameField(model_name=\"order\", old_name=\"a\", new_name=\"b\"),\n]\n", "migration-rename", "breaks")]
    [InlineData("db/changelog/x.sql", "--liquibase formatted sql\n--changeset a:1\nalter table orders alter column amount type bigint;", "migration-column-type-change", "rewrites")]
    public async Task MigrationRule_RiskyStatement_FoundWithConsequenceAndAlternative(string path, string text, string rule, string phrase)
    {
        var result = await Add(path, text);

        var found = result.Of(rule);
        Assert.True(found.Count > 0, $"no {rule}: {result.Describe()}");
        var finding = found[0];
        Assert.True(finding.Severity >= Severity.Medium);
        Assert.Contains(phrase, finding.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(path, finding.File);
    }

    [Theory]
    [InlineData("db/migrations/V1__t.sql", "create index concurrently ix on orders (c);")]
    [InlineData("db/migrations/V1__t.sql", "set lock_timeout = '5s';\nalter table orders add constraint fk foreign key (c) references customers (id) not valid;")]
    [InlineData("db/migrations/V1__t.sql", "alter table orders add column is_test boolean not null default false;")]
    [InlineData("db/migrations/V1__t.sql", "create table s (id bigint primary key, o bigint not null);\ncreate index ix on s (o);\nalter table s alter column o type text;")]
    [InlineData("snowflake/migrations/V1__t.sql", "create table if not exists a.orders (id number);")]
    [InlineData("snowflake/migrations/V1__t.sql", "alter table a.orders alter column amount type bigint;")]
    [InlineData("alembic/versions/1a_x.py", "def upgrade():\n    op.create_index(\"ix\", \"orders\", [\"c\"], postgresql_concurrently=True)\n")]
    [InlineData("models/orders.sql", "create index ix on orders (c)")]
    [InlineData("etl/versions/helper.py", "op.alter_column = 1\n")]
    public async Task MigrationRules_SafeStatementOrNotAMigration_NoLockingHazard(string path, string text)
    {
        var result = await Add(path, text);

        Assert.True(!result.Findings.Any(f => f.Rule.StartsWith("migration-", StringComparison.Ordinal) && f.Severity >= Severity.High)
            && !result.Findings.Any(f => f.Rule is "migration-lock-timeout-missing" or "migration-index-not-concurrent"), result.Describe());
    }

    [Fact]
    public async Task MigrationWithAStatementTheParserCannotRead_IsPartialNotSilentlyAnalysed()
    {
        var result = await Add("db/migrations/V1__t.sql", "alter table orders add column region text;\nalter table ((( orders;\n");

        var partial = Assert.Single(result.Outputs[Core.Agents.AgentName.Governance].Partial, p => p.File == "db/migrations/V1__t.sql");
        Assert.Contains("line 2", partial.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrationRename_OldNameStillReadByAModel_SaysWhere()
    {
        var before = new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: shop\nversion: '1.0'\nprofile: shop\nmodel-paths: ['models']\n",
            ["models/marts/revenue.sql"] = "select amount from orders\n",
        };
        var after = new Dictionary<string, string>(before) { ["db/migrations/V9__rename.sql"] = "alter table orders rename column amount to total_amount;\n" };

        var result = await Review.RunAsync(ChangeSets.FromFiles(before, after));

        Assert.Contains("Still read by `models/marts/revenue.sql`", result.Single("migration-rename").Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MigrationRules_StatementAlreadyThereAtBase_NotReportedAgain()
    {
        const string Old = "alter table orders alter column amount type bigint;\n";
        var result = await Review.RunAsync(ChangeSets.FromFiles(
            new Dictionary<string, string> { ["db/migrations/V1__t.sql"] = Old },
            new Dictionary<string, string> { ["db/migrations/V1__t.sql"] = Old + "comment on column orders.amount is 'cents';\n" }));

        result.None("migration-column-type-change");
    }

    [Theory]
    [InlineData("db/migrations/V3__x.sql", "select 1", "Sql")]
    [InlineData("sql/V3_1__add_orders.sql", "select 1", "Sql")]
    [InlineData("db/changes/orders.sql", "--liquibase formatted sql\nselect 1", "Sql")]
    [InlineData("alembic/versions/abc_x.py", "op.add_column('t', c)", "Alembic")]
    [InlineData("app/migrations/0003_auto.py", "migrations.AddField()", "Django")]
    public void Recognise_PathConventions_Format(string path, string text, string format)
    {
        Assert.Equal(format, MigrationScript.Recognise(path, text)?.ToString());
    }

    [Theory]
    [InlineData("models/staging/stg_orders.sql", "select 1")]
    [InlineData("etl/versions/load.py", "print('x')")]
    [InlineData("app/migrations/helpers.py", "migrations.AddField()")]
    public void Recognise_NotAMigration_Null(string path, string text)
    {
        Assert.Null(MigrationScript.Recognise(path, text));
    }
}
