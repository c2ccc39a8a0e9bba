using System.Runtime.CompilerServices;
using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;
using ReviewBot.Sql;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Agents.Governance.Migrations;

/// <summary>A locking or data-loss hazard of one migration statement, with the consequence and the safe alternative.</summary>
internal sealed record MigrationHazard(string Rule, string File, int Line, string Title, string Message, Severity Severity);

/// <summary>
/// Reads the changed migrations of a change (once per rule context) and lists their hazards, dialect-aware: what
/// takes an ACCESS EXCLUSIVE lock or rewrites a table in Postgres, what Snowflake/BigQuery do differently (swap,
/// create or replace, clustering and retention), renames that break readers. Drops, truncates, unbounded
/// DELETE/UPDATE and grants to PUBLIC are the <c>destructive-ddl</c> and <c>grant-to-public</c> rules' (here only
/// for Django operations, which those rules do not read).
/// </summary>
internal static class MigrationHazards
{
    private static readonly ConditionalWeakTable<RuleContext, IReadOnlyList<MigrationHazard>> Cache = [];

    public static IReadOnlyList<MigrationHazard> Of(RuleContext context) => Cache.GetValue(context, Find);

    private static IReadOnlyList<MigrationHazard> Find(RuleContext context)
    {
        var hazards = new List<MigrationHazard>();
        foreach (var file in context.Changed)
        {
            var text = context.Files.Head(file.Path);
            if (text is null || MigrationScript.Read(file.Path, text) is not { } script)
            {
                continue;
            }

            if (script.Unparsed.Count > 0)
            {
                // Visible, not silently "analysed": the hazard rules saw none of these statements.
                var (line, message) = script.Unparsed[0];
                context.AnalysedPartly(file.Path, $"migration statement at line {line} could not be parsed ({message}){(script.Unparsed.Count > 1 ? $", and {script.Unparsed.Count - 1} more" : "")}: the migration-hazard rules did not check it");
            }

            foreach (var hazard in Analyse(script))
            {
                if (context.IsAdded(file.Path, hazard.Line))
                {
                    hazards.Add(hazard.Rule == "migration-rename" ? WithReferences(context, hazard) : hazard);
                }
            }
        }

        return hazards;
    }

    /// <summary>The hazards of one script, in statement order.</summary>
    internal static IReadOnlyList<MigrationHazard> Analyse(MigrationScript script)
    {
        var result = new List<MigrationHazard>();
        var postgres = script.Dialect is SqlDialect.Postgres;
        var created = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var timeoutSet = false;
        var timeoutReported = false;
        foreach (var item in script.Statements)
        {
            var (statement, line, origin) = (item.Statement, item.Line, item.Origin);
            MigrationHazard at(string rule, string title, string message, Severity severity) => new(rule, script.Path, line, title, message, severity);
            switch (statement)
            {
                case SqlSet set when set.Name.Contains("lock_timeout", StringComparison.OrdinalIgnoreCase) || set.Name.Contains("statement_timeout", StringComparison.OrdinalIgnoreCase):
                    timeoutSet = true;
                    break;

                case SqlCreateTable create:
                    if (create.OrReplace && create.ObjectKind.Contains("table", StringComparison.Ordinal) && !created.Contains(create.Name.Last))
                    {
                        result.Add(at("migration-create-or-replace-table", $"CREATE OR REPLACE TABLE `{create.Name.Text}`",
                            $"This {origin} replaces `{create.Name.Text}` if it exists: its rows, grants and {(script.Dialect == SqlDialect.Snowflake ? "time-travel history" : "history")} are dropped and readers see an empty or rebuilt table. Use `create table if not exists` plus `alter table`, or build `{create.Name.Last}_new`, check it, and {(script.Dialect == SqlDialect.Snowflake ? "`alter table ... swap with`" : "rename")} it into place.",
                            Severity.High));
                    }

                    created.Add(create.Name.Last);
                    break;

                case SqlCreateIndex index when postgres && !index.Concurrently && !created.Contains(index.Table.Last):
                    result.Add(at("migration-index-not-concurrent", $"CREATE INDEX on `{index.Table.Text}` without CONCURRENTLY",
                        $"Postgres builds this index under a SHARE lock: every INSERT, UPDATE and DELETE on `{index.Table.Text}` waits until the whole table is indexed (minutes on a large table). Use `create {(index.Unique ? "unique " : "")}index concurrently` in a migration that does not run in a transaction{(origin == "Alembic migration" ? " (`postgresql_concurrently=True` inside `op.get_context().autocommit_block()`)" : "")}.",
                        Severity.High));
                    AddTimeout(result, ref timeoutReported, timeoutSet, postgres, at);

                    break;

                case SqlDrop drop when postgres && drop.ObjectKind == "index" && !drop.Concurrently:
                    result.Add(at("migration-index-not-concurrent", "DROP INDEX without CONCURRENTLY",
                        "Postgres drops this index under an ACCESS EXCLUSIVE lock on its table: reads and writes wait. Use `drop index concurrently` outside a transaction.", Severity.Medium));
                    break;

                case SqlAlter alter when alter.ObjectKind.Contains("table", StringComparison.Ordinal):
                    var isNew = created.Contains(alter.Name.Last);
                    var risky = false;
                    foreach (var action in alter.Actions)
                    {
                        var hazard = Action(script.Dialect, alter.Name.Text, action, item.TextOf(action), origin, isNew);
                        if (hazard is { } h)
                        {
                            risky |= h.Severity >= Severity.Medium;
                            result.Add(at(h.Rule, h.Title, h.Message, h.Severity));
                        }
                    }

                    if (risky && !isNew)
                    {
                        AddTimeout(result, ref timeoutReported, timeoutSet, postgres, at);
                    }

                    break;

                case SqlDrop drop when origin == "Django migration" && drop.ObjectKind == "table":
                    result.Add(at("migration-drops-data", $"DeleteModel drops table `{drop.Names[0].Text}`",
                        $"This Django migration drops the table of `{drop.Names[0].Text}` with all its rows; reverting the PR does not bring them back. Stop using the model first, back the table up, and drop it in a later release.", Severity.High));
                    break;
            }
        }

        return result;
    }

    private static void AddTimeout(List<MigrationHazard> result, ref bool reported, bool set, bool postgres, Func<string, string, string, Severity, MigrationHazard> at)
    {
        if (!postgres || set || reported)
        {
            return;
        }

        reported = true;
        result.Add(at("migration-lock-timeout-missing", "Risky DDL without `lock_timeout`",
                "This statement needs a strong lock on a table in use. Without `set lock_timeout` it queues behind any long-running query, and every other query on the table queues behind it: a brief lock becomes an outage. Start the migration with `set lock_timeout = '5s';` (and `statement_timeout`), and retry on timeout.",
                Severity.Medium));
    }

    private static (string Rule, string Title, string Message, Severity Severity)? Action(SqlDialect dialect, string table, SqlAlterAction action, string written, string origin, bool isNew)
    {
        var postgres = dialect == SqlDialect.Postgres;
        var warehouse = dialect is SqlDialect.Snowflake or SqlDialect.BigQuery or SqlDialect.Databricks;
        switch (action)
        {
            case SqlAlterColumnType type when !isNew:
                return ("migration-column-type-change", $"Type of `{table}.{type.Column}` changed to `{type.Type.Text}`",
                    warehouse
                        ? $"Changing `{type.Column}` to `{type.Type.Text}` changes what every reader and loader of `{table}` gets; narrowing conversions fail on existing rows. Add a new column of the new type, backfill it, move readers over, then drop the old one."
                        : $"Postgres rewrites the whole of `{table}` under an ACCESS EXCLUSIVE lock to change `{type.Column}` to `{type.Type.Text}`: reads and writes stop for the duration, and readers expecting the old type break. Add a new column, backfill it in batches, switch readers, then drop the old column.",
                    warehouse ? Severity.Medium : Severity.High);

            case SqlAddColumn add when !isNew && add.Column.NotNull && add.Column.Default is null:
                return ("migration-not-null", $"NOT NULL column `{add.Column.Name}` added without a default",
                    $"Adding `{add.Column.Name}` as NOT NULL without a default fails as soon as `{table}` has a row{(postgres ? ", after waiting for an ACCESS EXCLUSIVE lock" : "")}. Add it nullable (or with a default), backfill, then set NOT NULL{(postgres ? " through a `check (... is not null) not valid` constraint validated separately" : "")}.",
                    Severity.High);

            case SqlAlterColumnNullability { NotNull: true } nn when !isNew:
                return ("migration-not-null", $"SET NOT NULL on `{table}.{nn.Column}`",
                    postgres
                        ? $"Postgres scans all of `{table}` under an ACCESS EXCLUSIVE lock to check `{nn.Column}`, and the migration fails if any row is null. Add `check ({nn.Column} is not null) not valid`, `validate constraint` in a separate step, then `set not null` (Postgres 12+ then skips the scan)."
                        : $"The migration fails if any existing row of `{table}` has `{nn.Column}` null, and loaders that still write nulls start failing. Backfill first and confirm no writer sends nulls.",
                    Severity.High);

            case SqlAlterColumnNullability { NotNull: false } dropped when !isNew:
                return ("migration-constraint-dropped", $"NOT NULL dropped from `{table}.{dropped.Column}`",
                    $"Consumers of `{table}` may rely on `{dropped.Column}` never being null (joins, keys, dbt `not_null` tests). Check them before relaxing the constraint, and say in the PR what now writes nulls.",
                    Severity.Medium);

            case SqlAddConstraint constraint when postgres && !isNew && constraint.Kind is "foreign" or "check" && !constraint.NotValid:
                return ("migration-constraint-not-valid", $"{(constraint.Kind == "foreign" ? "Foreign key" : "Check constraint")} added without NOT VALID",
                    $"Postgres checks every existing row of `{table}` while holding a lock that blocks writes{(constraint.Kind == "foreign" ? " (on both tables)" : "")}. Add it with `not valid`, then `alter table {table} validate constraint ...` in a separate transaction: validation takes only a SHARE UPDATE EXCLUSIVE lock.",
                    Severity.High);

            case SqlAddConstraint constraint when postgres && !isNew && constraint.Kind is "unique" or "primary" && !constraint.UsingIndex:
                return ("migration-constraint-not-valid", $"{(constraint.Kind == "unique" ? "UNIQUE" : "PRIMARY KEY")} constraint built under lock",
                    $"Postgres builds the index for this constraint while blocking writes to `{table}`. Create the unique index `concurrently` first, then `add constraint ... using index`.",
                    Severity.High);

            case SqlConstraintAction { Action: "drop" } drop when !isNew:
                return ("migration-constraint-dropped", $"Constraint `{drop.Name}` dropped from `{table}`",
                    $"Dropping `{drop.Name}` removes a guarantee consumers of `{table}` may rely on (uniqueness, references, valid values). Confirm nothing depends on it, or replace it in the same migration.",
                    Severity.Medium);

            case SqlRenameColumn rename when !isNew:
                return ("migration-rename", $"Column `{table}.{rename.From}` renamed to `{rename.To}`",
                    $"Every query, model and dashboard that reads `{rename.From}` breaks the moment this runs{(postgres ? " (and it waits for an ACCESS EXCLUSIVE lock)" : "")}. Add the new column (or a view exposing both names), move readers over, then drop the old name in a later migration.",
                    Severity.High);

            case SqlRenameTable rename when !isNew:
                return ("migration-rename", $"Table `{table}` renamed to `{rename.To.Text}`",
                    $"Every query, model and job that reads `{table}` breaks the moment this runs. Create the new name as a view or copy first, move readers over, then retire the old name.",
                    Severity.High);

            case SqlSwapWith swap:
                return ("migration-swap-table", $"`{table}` swapped with `{swap.Other.Text}`",
                    $"`alter table ... swap with` exchanges the contents, grants and history of `{table}` and `{swap.Other.Text}` at once: readers of either see the other's data from the next query, and a swap run twice swaps back. Check the new table (row counts, tests) in the same job before swapping, and keep the old one until verified.",
                    Severity.Medium);

            // The parser reads Snowflake's `drop clustering key` as an action it does not know (or as a column named "clustering").
            case SqlOtherAlterAction or SqlDropColumn when written.Contains("clustering key", StringComparison.OrdinalIgnoreCase) && written.Contains("drop", StringComparison.OrdinalIgnoreCase):
                return ("migration-storage-change", $"Clustering key dropped from `{table}`",
                    $"Queries that pruned on `{table}`'s clustering key scan the whole table from now on (cost and time grow with its size). Keep the key, or change it to the new access pattern in the same migration.",
                    Severity.Medium);

            case SqlOtherAlterAction when written.Contains("partition_expiration_days", StringComparison.OrdinalIgnoreCase)
                || written.Contains("expiration_timestamp", StringComparison.OrdinalIgnoreCase) || written.Contains("data_retention_time_in_days", StringComparison.OrdinalIgnoreCase):
                return ("migration-storage-change", $"Retention of `{table}` changed",
                    $"This sets how long `{table}` keeps data: partitions or history older than the new limit are deleted by the warehouse, silently and for good. Confirm the retention with the data owner, and back up what must stay.",
                    Severity.High);

            case SqlDropColumn dropColumn when origin == "Django migration":
                return ("migration-drops-data", $"RemoveField drops `{table}.{dropColumn.Column}`",
                    $"This Django migration drops column `{dropColumn.Column}` with its data; reverting the PR does not bring it back. Stop reading and writing the field in one release, back the data up, and remove the column in a later one.",
                    Severity.High);

            default:
                return null;
        }
    }

    /// <summary>A rename is worse when the old name is still read: say where.</summary>
    private static MigrationHazard WithReferences(RuleContext context, MigrationHazard hazard)
    {
        var old = hazard.Title.Split('`') is { Length: > 1 } parts ? parts[1].Split('.')[^1] : null;
        if (old is null || old.Length < 3)
        {
            return hazard;
        }

        var users = new List<string>();
        foreach (var path in context.Files.ReadHeadPaths.Where(p => p != hazard.File).Take(5_000))
        {
            var text = context.Files.Head(path);
            if (text is null || text.Length > 1 << 20 || !ContainsWord(text, old))
            {
                continue;
            }

            users.Add(path);
            if (users.Count == 3)
            {
                break;
            }
        }

        return users.Count == 0 ? hazard : hazard with { Message = $"{hazard.Message} Still read by {string.Join(", ", users.Select(u => $"`{u}`"))}." };
    }

    private static bool ContainsWord(string text, string word)
    {
        var at = 0;
        while ((at = text.IndexOf(word, at, StringComparison.OrdinalIgnoreCase)) >= 0)
        {
            var before = at == 0 || !(char.IsLetterOrDigit(text[at - 1]) || text[at - 1] == '_');
            var after = at + word.Length >= text.Length || !(char.IsLetterOrDigit(text[at + word.Length]) || text[at + word.Length] == '_');
            if (before && after)
            {
                return true;
            }

            at += word.Length;
        }

        return false;
    }
}
