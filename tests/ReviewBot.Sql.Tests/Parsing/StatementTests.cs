using ReviewBot.Sql.Parsing;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Sql.Tests.Parsing;

public sealed class StatementTests
{
    private static T Single<T>(string sql, SqlDialect dialect = SqlDialect.Neutral)
        where T : SqlStatement
    {
        var result = SqlParser.Parse(sql, dialect);
        Assert.True(result.Succeeded, string.Join("; ", result.Diagnostics));
        return Assert.IsType<T>(Assert.Single(result.Statements));
    }

    [Fact]
    public void Parse_AlterColumnType_IsKept() =>
        Assert.Equal("bigint", Assert.IsType<SqlAlterColumnType>(Assert.Single(Single<SqlAlter>("alter table public.users alter column id type bigint using id::bigint", SqlDialect.Postgres).Actions)).Type.Text);

    [Fact]
    public void Parse_AddColumnNotNullWithDefault_IsKept()
    {
        var add = Assert.IsType<SqlAddColumn>(Assert.Single(Single<SqlAlter>("alter table t add column if not exists flag boolean not null default false").Actions));

        Assert.True(add.Column.NotNull);
        Assert.NotNull(add.Column.Default);
        Assert.Equal("flag", add.Column.Name);
    }

    [Fact]
    public void Parse_SetNotNullAndConstraintNotValid_AreKept()
    {
        var alter = Single<SqlAlter>("alter table t alter column a set not null, add constraint fk foreign key (b) references u (id) not valid, validate constraint fk2", SqlDialect.Postgres);

        Assert.True(Assert.IsType<SqlAlterColumnNullability>(alter.Actions[0]).NotNull);
        var constraint = Assert.IsType<SqlAddConstraint>(alter.Actions[1]);
        Assert.True(constraint.NotValid);
        Assert.Equal("foreign", constraint.Kind);
        Assert.Equal("validate", Assert.IsType<SqlConstraintAction>(alter.Actions[2]).Action);
    }

    [Fact]
    public void Parse_DropColumnRenameAndSwap_AreKept()
    {
        Assert.Equal("old", Assert.IsType<SqlDropColumn>(Single<SqlAlter>("alter table t drop column if exists old cascade").Actions[0]).Column);
        Assert.Equal(("a", "b"), Assert.IsType<SqlRenameColumn>(Single<SqlAlter>("alter table t rename column a to b").Actions[0]) is var r ? (r.From, r.To) : default);
        Assert.Equal("t2", Assert.IsType<SqlRenameTable>(Single<SqlAlter>("alter table t rename to t2").Actions[0]).To.Text);
        Assert.Equal("prod.t", Assert.IsType<SqlSwapWith>(Single<SqlAlter>("alter table dev.t swap with prod.t", SqlDialect.Snowflake).Actions[0]).Other.Text);
    }

    [Fact]
    public void Parse_DropAndTruncate_AreKept()
    {
        var drop = Single<SqlDrop>("drop table if exists a.b, c cascade");
        Assert.Equal("table", drop.ObjectKind);
        Assert.True(drop.IfExists);
        Assert.True(drop.Cascade);
        Assert.Equal(2, drop.Names.Count);
        Assert.True(Single<SqlDrop>("drop index concurrently if exists ix").Concurrently);
        Assert.Equal("t", Assert.Single(Single<SqlTruncate>("truncate table t").Names).Text);
    }

    [Fact]
    public void Parse_DeleteAndUpdateWithoutWhere_HaveNoWhere()
    {
        Assert.Null(Single<SqlDelete>("delete from events").Where);
        Assert.NotNull(Single<SqlDelete>("delete from events e using old o where e.id = o.id").Where);
        Assert.Null(Single<SqlUpdate>("update users set active = false").Where);
        Assert.NotNull(Single<SqlUpdate>("update users u set active = false from x where x.id = u.id").Where);
    }

    [Fact]
    public void Parse_InsertAndMerge_AreKept()
    {
        var insert = Single<SqlInsert>("insert into t (a, b) select a, b from u on conflict (a) do nothing");
        Assert.Equal(["a", "b"], insert.Columns);
        Assert.NotNull(insert.Source);
        var merge = Single<SqlMerge>("merge into t using (select * from s) src on t.id = src.id when matched and src.deleted then delete when matched then update set t.x = src.x when not matched then insert (id, x) values (src.id, src.x)", SqlDialect.Snowflake);
        Assert.Equal(["delete", "update", "insert"], merge.Clauses.Select(c => c.Action));
    }

    [Fact]
    public void Parse_GrantToPublicAndRevoke_AreKept()
    {
        var grant = Single<SqlGrant>("grant select, insert on table analytics.orders to public");
        Assert.Equal(["select", "insert"], grant.Privileges);
        Assert.Equal("public", Assert.Single(grant.Grantees));
        Assert.Equal("analytics.orders", Assert.Single(grant.Objects).Text);
        Assert.True(Single<SqlGrant>("revoke all on schema s from role analyst").Revoke);
        Assert.Equal("all tables in schema", Single<SqlGrant>("grant select on all tables in schema marts to role reporter", SqlDialect.Snowflake).ObjectKind);
    }

    [Fact]
    public void Parse_CreateIndexConcurrently_IsKept()
    {
        var index = Single<SqlCreateIndex>("create unique index concurrently if not exists ix_users_email on public.users using btree (lower(email))");
        Assert.True(index.Concurrently);
        Assert.True(index.Unique);
        Assert.Equal("public.users", index.Table.Text);
    }

    [Fact]
    public void Parse_CreateOrReplaceTableAsSelect_IsKept()
    {
        var create = Single<SqlCreateTable>("create or replace transient table db.s.t cluster by (a) as (select a from u)", SqlDialect.Snowflake);
        Assert.True(create.OrReplace);
        Assert.True(create.Temporary);
        Assert.NotNull(create.AsQuery);
        var table = Single<SqlCreateTable>("create table if not exists t (id bigint primary key, name varchar(20) not null default 'x', primary key (id))");
        Assert.Equal(["id", "name"], table.Columns.Select(c => c.Name));
        Assert.True(table.Columns[1].NotNull);
    }

    [Fact]
    public void Parse_CommentOnAndSetTimeouts_AreKept()
    {
        Assert.Equal("column", Single<SqlCommentOn>("comment on column t.c is 'the c'").ObjectKind);
        var set = Single<SqlSet>("set lock_timeout = '5s'");
        Assert.Equal("lock_timeout", set.Name);
        Assert.True(Single<SqlSet>("set local statement_timeout to 1000").Local);
    }

    [Fact]
    public void Parse_MigrationScript_ParsesEveryStatement()
    {
        const string sql = """
            begin;
            set lock_timeout = '3s';
            create table if not exists audit (id bigserial primary key, payload jsonb not null, created_at timestamptz default now());
            alter table orders add column discount numeric(10, 2);
            create index concurrently ix_orders_customer on orders (customer_id);
            create or replace function touch() returns trigger language plpgsql as $$ begin new.updated_at = now(); return new; end $$;
            comment on table audit is 'who did what';
            commit;
            """;

        var result = SqlParser.Parse(sql, SqlDialect.Postgres);

        Assert.True(result.Succeeded, string.Join("; ", result.Diagnostics));
        Assert.Equal(8, result.Statements.Count);
        Assert.IsType<SqlOtherStatement>(result.Statements[5]);
    }

    [Fact]
    public void Parse_UnknownStatement_IsADiagnostic()
    {
        var result = SqlParser.Parse("frobnicate the table;\nselect 1");

        Assert.Equal(1, Assert.Single(result.Diagnostics).Line);
        Assert.IsType<SqlSelectStatement>(result.Statements[1]);
    }
}
