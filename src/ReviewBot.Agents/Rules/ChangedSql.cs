using System.Text.RegularExpressions;
using ReviewBot.Agents.Context.Sql;

namespace ReviewBot.Agents.Rules;

/// <summary>A SQL statement the change adds, wherever it lives: a migration, macro, script, a dbt hook, an Alembic migration.</summary>
internal sealed record AddedStatement(string File, SqlStatement Statement, int Line, string Origin);

/// <summary>Finds the SQL statements (DDL/DML/grants) added by a change, outside the select of dbt models.</summary>
internal static partial class ChangedSql
{
    [GeneratedRegex("""op\.(drop_table|drop_column|execute)\s*\(\s*(?:[rfb]?(['"])(.*?)\2)?(?:\s*,\s*(['"])(.*?)\4)?""", RegexOptions.CultureInvariant)]
    private static partial Regex AlembicOp();

    [GeneratedRegex("""(['"])((?:(?!\1).)*)\1""", RegexOptions.CultureInvariant)]
    private static partial Regex QuotedString();

    public static IReadOnlyList<AddedStatement> Find(RuleContext ctx)
    {
        var result = new List<AddedStatement>();
        foreach (var file in ctx.ChangedWith(".sql"))
        {
            var nodes = ctx.Dbt.Head.NodesAt(file.Path);
            if (nodes.Count > 0)
            {
                // A model's body is a select; its DDL lives in hooks.
                foreach (var node in nodes.Take(1))
                {
                    foreach (var key in new[] { "pre_hook", "post_hook", "pre-hook", "post-hook" })
                    {
                        if (node.File?.Config.TryGetValue(key, out var hook) == true && ctx.IsAdded(file.Path, hook.Line))
                        {
                            foreach (var sql in Strings(hook.Raw))
                            {
                                AddAll(ctx.Sql.Snippet(sql), file.Path, hook.Line, $"{key} of {node.Name}", result, ctx);
                            }
                        }
                    }
                }

                continue;
            }

            var facts = ctx.Sql.Head(file.Path);
            if (facts is null)
            {
                continue;
            }

            foreach (var statement in facts.Statements)
            {
                var line = FirstAdded(ctx, file.Path, statement.Line, statement.EndLine);
                if (line is not null)
                {
                    result.Add(new AddedStatement(file.Path, statement, line.Value, "sql"));
                }
            }
        }

        foreach (var project in ctx.Dbt.Head.Projects)
        {
            if (!ctx.Files.Changed.ContainsKey(project.File))
            {
                continue;
            }

            foreach (var hook in project.Hooks)
            {
                if (ctx.IsAdded(project.File, hook.Line))
                {
                    AddAll(ctx.Sql.Snippet(hook.Sql), project.File, hook.Line, hook.Key, result, ctx);
                }
            }
        }

        foreach (var file in ctx.ChangedWith(".py"))
        {
            if (!SharedContext.IsMigration(file.Path))
            {
                continue;
            }

            foreach (var line in file.AddedLines)
            {
                foreach (Match m in AlembicOp().Matches(line.Text))
                {
                    var op = m.Groups[1].Value;
                    var first = m.Groups[3].Value;
                    var second = m.Groups[5].Value;
                    var statement = op switch
                    {
                        "drop_table" => new SqlStatement { Kind = StatementKind.Drop, ObjectType = "table", ObjectName = first, Line = 1, EndLine = 1, Text = line.Text.Trim() },
                        "drop_column" => new SqlStatement { Kind = StatementKind.Alter, ObjectType = "table", ObjectName = first, DroppedColumn = second, Line = 1, EndLine = 1, Text = line.Text.Trim() },
                        _ => null,
                    };
                    if (statement is not null)
                    {
                        result.Add(new AddedStatement(file.Path, statement, line.HeadLine!.Value, "alembic"));
                    }
                    else if (first.Length > 0)
                    {
                        AddAll(ctx.Sql.Snippet(first), file.Path, line.HeadLine!.Value, "op.execute", result, ctx);
                    }
                }
            }
        }

        return result;
    }

    private static void AddAll(SqlFileFacts facts, string file, int line, string origin, List<AddedStatement> into, RuleContext ctx)
    {
        _ = ctx;
        foreach (var statement in facts.Statements)
        {
            into.Add(new AddedStatement(file, statement, line, origin));
        }
    }

    /// <summary>The string literals in a config value (a hook may be a string or a list of strings).</summary>
    public static IEnumerable<string> Strings(string raw)
    {
        foreach (Match m in QuotedString().Matches(raw))
        {
            yield return m.Groups[2].Value;
        }
    }

    public static int? FirstAdded(RuleContext ctx, string file, int from, int to)
    {
        var added = ctx.Files.AddedLines(file);
        var index = Array.BinarySearch(added, from);
        index = index >= 0 ? index : ~index;
        return index < added.Length && added[index] <= to ? added[index] : null;
    }
}
