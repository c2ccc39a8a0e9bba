using System.Globalization;
using System.Text.RegularExpressions;
using ReviewBot.Sql;
using ReviewBot.Sql.Parsing;
using ReviewBot.Sql.Syntax;
using ReviewBot.Agents.Context.Pipeline;

namespace ReviewBot.Agents.Governance.Migrations;

/// <summary>How a migration file is written: plain SQL (Flyway, Liquibase SQL, migrations folders), Alembic or Django.</summary>
internal enum MigrationFormat
{
    Sql,
    Alembic,
    Django,
}

/// <summary>One statement of a migration, parsed by <c>ReviewBot.Sql</c>, with the head line it starts on and where it came from.</summary>
internal sealed record MigrationStatement(SqlStatement Statement, int Line, string Origin, string Source)
{
    /// <summary>The text of a node of this statement, as written.</summary>
    public string TextOf(SqlNode node) => node.Span.End <= Source.Length ? Source.Substring(node.Span.Offset, node.Span.Length) : "";
}

/// <summary>
/// A migration file read as the statements it runs: SQL files parsed whole; Alembic <c>op.*</c> and Django
/// <c>migrations.*</c> operations translated to the DDL they emit (then parsed the same way), and the SQL of
/// <c>op.execute</c>/<c>RunSQL</c>. The dialect comes from the path and the SQL (Snowflake, BigQuery, Redshift,
/// Databricks), else Postgres, the usual target of migration tools.
/// </summary>
internal sealed partial class MigrationScript
{
    private MigrationScript(string path, MigrationFormat format, SqlDialect dialect, IReadOnlyList<MigrationStatement> statements, IReadOnlyList<(int Line, string Message)> unparsed)
    {
        Path = path;
        Format = format;
        Dialect = dialect;
        Statements = statements;
        Unparsed = unparsed;
    }

    public string Path { get; }

    public MigrationFormat Format { get; }

    public SqlDialect Dialect { get; }

    public IReadOnlyList<MigrationStatement> Statements { get; }

    /// <summary>Statements the parser could not read (file line, why): no hazard rule looked at them.</summary>
    public IReadOnlyList<(int Line, string Message)> Unparsed { get; }

    [GeneratedRegex(@"(?:^|/)v\d+(?:[._]\d+)*__[^/]+\.sql$", RegexOptions.CultureInvariant, 250)]
    private static partial Regex Flyway();

    [GeneratedRegex(@"(?:^|/)(?:alembic/)?versions/[^/]+\.py$", RegexOptions.CultureInvariant, 250)]
    private static partial Regex AlembicPath();

    [GeneratedRegex(@"(?:^|/)migrations/\d{4}_[^/]+\.py$", RegexOptions.CultureInvariant, 250)]
    private static partial Regex DjangoPath();

    [GeneratedRegex("""\b(?<call>op\.(?:execute|alter_column|add_column|create_index|create_foreign_key|create_check_constraint|rename_table|drop_constraint)|migrations\.(?:RunSQL|RenameField|RenameModel|RemoveField|DeleteModel|AlterField))\s*\(""", RegexOptions.CultureInvariant, 250)]
    private static partial Regex PythonOp();

    /// <summary>
    /// True for migration files by path and content conventions: Flyway <c>V1__x.sql</c>, Liquibase formatted SQL
    /// (<c>--liquibase formatted sql</c>), SQL under a <c>migrations</c>/<c>migrate</c>/<c>flyway</c>/<c>changelog</c> folder,
    /// Alembic <c>versions/*.py</c> using <c>op.*</c>, Django <c>migrations/0001_*.py</c>.
    /// </summary>
    public static MigrationFormat? Recognise(string path, string text)
    {
        var lower = path.Replace('\\', '/').ToLowerInvariant();
        if (lower.EndsWith(".sql", StringComparison.Ordinal))
        {
            var liquibase = text.AsSpan(0, Math.Min(text.Length, 2_000)).Contains("--liquibase formatted sql", StringComparison.OrdinalIgnoreCase);
            return IsSqlMigrationPath(lower) || liquibase ? MigrationFormat.Sql : null;
        }

        if (!lower.EndsWith(".py", StringComparison.Ordinal))
        {
            return null;
        }

        if (AlembicPath().IsMatch(lower) && text.Contains("op.", StringComparison.Ordinal))
        {
            return MigrationFormat.Alembic;
        }

        return DjangoPath().IsMatch(lower) && text.Contains("migrations.", StringComparison.Ordinal) ? MigrationFormat.Django : null;
    }

    /// <summary>
    /// True for a path that may hold a migration, by path alone (what to read before the content can confirm it):
    /// SQL in a migration folder or named the Flyway way, Alembic versions and Django migrations. The one path
    /// convention every reader of migrations shares.
    /// </summary>
    public static bool IsMigrationPath(string path)
    {
        var lower = path.Replace('\\', '/').ToLowerInvariant();
        return lower.EndsWith(".sql", StringComparison.Ordinal) ? IsSqlMigrationPath(lower)
            : lower.EndsWith(".py", StringComparison.Ordinal) && (AlembicPath().IsMatch(lower) || DjangoPath().IsMatch(lower));
    }

    private static bool IsSqlMigrationPath(string lower)
    {
        // Folder names, not file names: a dbt model called stg_app_migrations.sql is not a migration.
        var folder = lower[..(lower.LastIndexOf('/') + 1)];
        return folder.Contains("migration", StringComparison.Ordinal) || folder.Contains("/migrate/", StringComparison.Ordinal) || folder.StartsWith("migrate/", StringComparison.Ordinal)
            || folder.Contains("flyway", StringComparison.Ordinal) || folder.Contains("schema_changes", StringComparison.Ordinal)
            || lower.Contains("changelog", StringComparison.Ordinal) || lower.Contains("liquibase", StringComparison.Ordinal) || Flyway().IsMatch(lower);
    }

    /// <summary>The script of a migration file, or null when the file is not one.</summary>
    public static MigrationScript? Read(string path, string text)
    {
        if (Recognise(path, text) is not { } format)
        {
            return null;
        }

        var dialect = DialectOf(path, text);
        var statements = new List<MigrationStatement>();
        var unparsed = new List<(int Line, string Message)>();
        if (format == MigrationFormat.Sql)
        {
            AddParsed(text, 1, dialect, "migration", statements, unparsed);
        }
        else
        {
            ReadPython(text, format, dialect, statements, unparsed);
        }

        return new MigrationScript(path, format, dialect, statements, unparsed);
    }

    /// <summary>Snowflake, BigQuery, Redshift, Databricks when the path or the SQL says so; else Postgres.</summary>
    internal static SqlDialect DialectOf(string path, string text)
    {
        var lower = path.ToLowerInvariant();
        var head = text.Length > 20_000 ? text[..20_000] : text;
        if (lower.Contains("snowflake", StringComparison.Ordinal) || head.Contains("swap with", StringComparison.OrdinalIgnoreCase)
            || head.Contains("clustering key", StringComparison.OrdinalIgnoreCase) || head.Contains("transient table", StringComparison.OrdinalIgnoreCase))
        {
            return SqlDialect.Snowflake;
        }

        if (lower.Contains("bigquery", StringComparison.Ordinal) || lower.Contains("/bq/", StringComparison.Ordinal) || head.Contains("partition_expiration_days", StringComparison.OrdinalIgnoreCase)
            || head.Contains("require_partition_filter", StringComparison.OrdinalIgnoreCase))
        {
            return SqlDialect.BigQuery;
        }

        if (lower.Contains("redshift", StringComparison.Ordinal))
        {
            return SqlDialect.Redshift;
        }

        return lower.Contains("databricks", StringComparison.Ordinal) || lower.Contains("delta", StringComparison.Ordinal) ? SqlDialect.Databricks : SqlDialect.Postgres;
    }

    private static void AddParsed(string sql, int firstLine, SqlDialect dialect, string origin, List<MigrationStatement> into, List<(int Line, string Message)> unparsed)
    {
        var result = SqlParser.Parse(sql, dialect);
        unparsed.AddRange(result.Diagnostics.Select(d => (firstLine - 1 + d.Line, d.Message)));
        foreach (var statement in result.Statements)
        {
            into.Add(new MigrationStatement(statement, firstLine - 1 + result.Source.LineOf(statement.Span.Offset), origin, sql));
        }
    }

    /// <summary>Alembic and Django operations: the DDL each one emits, parsed; the SQL of execute/RunSQL.</summary>
    private static void ReadPython(string text, MigrationFormat format, SqlDialect dialect, List<MigrationStatement> into, List<(int Line, string Message)> unparsed)
    {
        var lineStarts = new List<int> { 0 };
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                lineStarts.Add(i + 1);
            }
        }

        foreach (Match m in PythonOp().Matches(text))
        {
            var line = LineOf(lineStarts, m.Index);
            var args = PythonArgs.Read(text, m.Index + m.Length);
            var call = m.Groups["call"].Value;
            var origin = format == MigrationFormat.Alembic ? "Alembic migration" : "Django migration";
            if (call is "op.execute" or "migrations.RunSQL")
            {
                if (args.Positional.FirstOrDefault() is { } sql && PythonArgs.StringValue(sql) is { } literal)
                {
                    AddParsed(literal, line, dialect, origin, into, unparsed);
                }

                continue;
            }

            if (Translate(call, args) is { } ddl)
            {
                foreach (var statement in SqlParser.Parse(ddl, dialect).Statements)
                {
                    into.Add(new MigrationStatement(statement, line, origin, ddl));
                }
            }
        }
    }

    /// <summary>The DDL an Alembic/Django operation emits (enough of it for the hazard rules), or null.</summary>
    private static string? Translate(string call, PythonArgs args)
    {
        string? S(int position, params string[] names) => args.Get(position, names) is { } v ? PythonArgs.StringValue(v) : null;
        switch (call)
        {
            case "op.alter_column":
            {
                var (table, column) = (S(0, "table_name"), S(1, "column_name"));
                if (table is null || column is null)
                {
                    return null;
                }

                var parts = new List<string>();
                if (args.Named.TryGetValue("type_", out var type))
                {
                    parts.Add($"alter table {table} alter column {column} type {SqlType(type)}");
                }

                if (args.Named.TryGetValue("nullable", out var nullable))
                {
                    parts.Add($"alter table {table} alter column {column} {(nullable.Trim() == "False" ? "set" : "drop")} not null");
                }

                if (args.Named.TryGetValue("new_column_name", out var renamed) && PythonArgs.StringValue(renamed) is { } to)
                {
                    parts.Add($"alter table {table} rename column {column} to {to}");
                }

                return parts.Count == 0 ? null : string.Join(";\n", parts);
            }

            case "op.add_column":
            {
                var table = S(0, "table_name");
                var column = args.Get(1, "column") ?? "";
                var name = Regex.Match(column, """Column\(\s*["'](?<n>[\w]+)["']\s*,\s*(?<t>[\w.]+)""", RegexOptions.None, TimeSpan.FromMilliseconds(250));
                if (table is null || !name.Success)
                {
                    return null;
                }

                var notNull = Regex.IsMatch(column, @"nullable\s*=\s*False", RegexOptions.None, TimeSpan.FromMilliseconds(250));
                var hasDefault = column.Contains("server_default", StringComparison.Ordinal);
                return $"alter table {table} add column {name.Groups["n"].Value} {SqlType(name.Groups["t"].Value)}{(notNull ? " not null" : "")}{(hasDefault ? " default 0" : "")}";
            }

            case "op.create_index":
            {
                var (index, table) = (S(0, "index_name"), S(1, "table_name"));
                var concurrently = args.Named.TryGetValue("postgresql_concurrently", out var c) && c.Trim() == "True";
                return table is null ? null : $"create {(args.Named.TryGetValue("unique", out var u) && u.Trim() == "True" ? "unique " : "")}index {(concurrently ? "concurrently " : "")}{index ?? "ix"} on {table} (x)";
            }

            case "op.create_foreign_key":
            {
                var (name, source, referent) = (S(0, "constraint_name"), S(1, "source_table"), S(2, "referent_table"));
                var notValid = args.Named.TryGetValue("postgresql_not_valid", out var nv) && nv.Trim() == "True";
                return source is null || referent is null ? null : $"alter table {source} add constraint {name ?? "fk"} foreign key (x) references {referent} (id){(notValid ? " not valid" : "")}";
            }

            case "op.create_check_constraint":
            {
                var (name, table) = (S(0, "constraint_name"), S(1, "table_name"));
                var notValid = args.Named.TryGetValue("postgresql_not_valid", out var nv) && nv.Trim() == "True";
                return table is null ? null : $"alter table {table} add constraint {name ?? "ck"} check (true){(notValid ? " not valid" : "")}";
            }

            case "op.rename_table":
                return S(0, "old_table_name") is { } from && S(1, "new_table_name") is { } toTable ? $"alter table {from} rename to {toTable}" : null;
            case "op.drop_constraint":
                return S(0, "constraint_name") is { } constraint && S(1, "table_name") is { } t ? $"alter table {t} drop constraint {constraint}" : null;
            case "migrations.RenameField":
                return S(0, "model_name") is { } model && S(1, "old_name") is { } oldName && S(2, "new_name") is { } newName ? $"alter table {model} rename column {oldName} to {newName}" : null;
            case "migrations.RenameModel":
                return S(0, "old_name") is { } oldModel && S(1, "new_name") is { } newModel ? $"alter table {oldModel} rename to {newModel}" : null;
            case "migrations.RemoveField":
                return S(0, "model_name") is { } m && S(1, "name") is { } field ? $"alter table {m} drop column {field}" : null;
            case "migrations.DeleteModel":
                return S(0, "name") is { } deleted ? $"drop table {deleted}" : null;
            default:
                return null;
        }
    }

    private static string SqlType(string pythonType)
    {
        var t = pythonType.Trim();
        var dot = t.LastIndexOf('.');
        var name = (dot >= 0 ? t[(dot + 1)..] : t).Split('(')[0].ToLowerInvariant();
        return name switch
        {
            "biginteger" => "bigint",
            "integer" => "integer",
            "string" or "unicode" => "varchar(255)",
            "text" or "unicodetext" => "text",
            "boolean" => "boolean",
            "datetime" => "timestamp",
            "numeric" or "float" => "numeric",
            _ => "text",
        };
    }

    private static int LineOf(List<int> starts, int offset)
    {
        var index = starts.BinarySearch(offset);
        return (index >= 0 ? index : ~index - 1) + 1;
    }
}

/// <summary>The arguments of a Python call, split at top-level commas (strings and brackets respected, bounded).</summary>
internal sealed class PythonArgs
{
    private const int MaxLength = 20_000;

    public List<string> Positional { get; } = [];

    public Dictionary<string, string> Named { get; } = new(StringComparer.Ordinal);

    public string? Get(int position, params string[] names)
    {
        foreach (var name in names)
        {
            if (Named.TryGetValue(name, out var value))
            {
                return value;
            }
        }

        return position < Positional.Count ? Positional[position] : null;
    }

    public static PythonArgs Read(string text, int open)
    {
        var args = new PythonArgs();
        var depth = 0;
        var start = open;
        var end = Math.Min(text.Length, open + MaxLength);
        for (var i = open; i < end; i++)
        {
            var c = text[i];
            if (c is '"' or '\'')
            {
                var triple = i + 2 < text.Length && text[i + 1] == c && text[i + 2] == c;
                i = PythonLiterals.End(text, i, c, triple) - 1;
                continue;
            }

            if (c is '(' or '[' or '{')
            {
                depth++;
            }
            else if (c is ')' or ']' or '}' && depth > 0)
            {
                depth--;
            }
            else if (c is ')' or ',' && depth == 0)
            {
                args.Add(text[start..i]);
                start = i + 1;
                if (c == ')')
                {
                    break;
                }
            }
        }

        return args;
    }

    private void Add(string raw)
    {
        var arg = raw.Trim();
        if (arg.Length == 0)
        {
            return;
        }

        var eq = arg.IndexOf('=', StringComparison.Ordinal);
        if (eq > 0 && Regex.IsMatch(arg[..eq], @"^\s*[A-Za-z_]\w*\s*$", RegexOptions.None, TimeSpan.FromMilliseconds(250)) && (eq + 1 >= arg.Length || arg[eq + 1] != '='))
        {
            Named[arg[..eq].Trim()] = arg[(eq + 1)..].Trim();
            return;
        }

        Positional.Add(arg);
    }

    /// <summary>The value of a plain or concatenated string literal (<c>"a" "b"</c>, <c>"""..."""</c>, <c>sa.text("...")</c>); null otherwise.</summary>
    public static string? StringValue(string expression)
    {
        var e = expression.Trim();
        if (e.StartsWith("sa.text(", StringComparison.Ordinal) || e.StartsWith("text(", StringComparison.Ordinal))
        {
            e = e[(e.IndexOf('(', StringComparison.Ordinal) + 1)..].TrimEnd(')');
        }

        var builder = new System.Text.StringBuilder();
        var i = 0;
        var any = false;
        while (i < e.Length)
        {
            var c = e[i];
            if (char.IsWhiteSpace(c) || c is '(' or ')' || (c is 'r' or 'R' or 'b' or 'u' && i + 1 < e.Length && e[i + 1] is '"' or '\''))
            {
                i++;
                continue;
            }

            if (c is not ('"' or '\''))
            {
                return null;
            }

            var triple = i + 2 < e.Length && e[i + 1] == c && e[i + 2] == c;
            var end = PythonLiterals.End(e, i, c, triple);
            var q = triple ? 3 : 1;
            builder.Append(e.AsSpan(i + q, Math.Max(0, end - i - 2 * q)));
            any = true;
            i = end;
        }

        return any ? builder.ToString().Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\'", "'", StringComparison.Ordinal).Replace("\\\"", "\"", StringComparison.Ordinal) : null;
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Positional.Count} positional, {Named.Count} named");
}
