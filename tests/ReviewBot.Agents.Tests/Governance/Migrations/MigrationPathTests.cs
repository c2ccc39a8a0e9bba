using ReviewBot.Agents.Governance.Migrations;

namespace ReviewBot.Agents.Tests.Governance.Migrations;

/// <summary>Every reader of migrations (the shared context, the hazard rules, the LLM focus) agrees on which paths hold them.</summary>
public sealed class MigrationPathTests
{
    [Theory]
    [InlineData("db/changelog/042_orders.sql", "alter table orders add column note text;")]
    [InlineData("warehouse/schema_changes/2024_01_orders.sql", "alter table orders add column note text;")]
    [InlineData("sql/V3_1__add_note.sql", "alter table orders add column note text;")]
    [InlineData("alembic/versions/1a2b_add_note.py", "def upgrade():\n    op.add_column('orders', sa.Column('note'))\n")]
    [InlineData("app/migrations/0007_note.py", "operations = [migrations.RemoveField('order', 'note')]\n")]
    public void MigrationByPathAndContent_EveryReaderAgrees(string path, string text)
    {
        Assert.NotNull(MigrationScript.Recognise(path, text));
        Assert.True(MigrationScript.IsMigrationPath(path));
        Assert.True(SharedContext.IsMigration(path));
    }

    [Theory]
    [InlineData("models/staging/stg_migrations_log.py")]
    [InlineData("models/marts/orders.sql")]
    [InlineData("models/staging/stg_app_migrations.sql")]
    [InlineData("dags/migrate_users.py")]
    public void NotAMigrationPath_NoReaderTakesIt(string path)
    {
        Assert.Null(MigrationScript.Recognise(path, "select 1"));
        Assert.False(SharedContext.IsMigration(path));
    }
}
