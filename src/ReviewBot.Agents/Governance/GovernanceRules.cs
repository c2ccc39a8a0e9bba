using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Agents.Context.Sql;
using ReviewBot.Agents.Governance.Rules;
using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Governance;

/// <summary>The governance agent's rules (critical lane, fails closed).</summary>
internal static class GovernanceRules
{
    public static IReadOnlyList<Rule> All { get; } =
    [
        new SecretInCode(), new PiiColumnUntagged(), new PiiProtectionRemoved(), new DestructiveDdl(), new CreateOrReplaceExisting(),
        new FullRefreshEnabled(), new GrantToPublic(), new GrantsWidened(), new Rules.TestsRemoved(), new AccessWidened(), new RetentionShortened(),
        .. Migrations.MigrationRule.All,
    ];

    internal static readonly HashSet<string> PublicGrantees = new(StringComparer.OrdinalIgnoreCase)
    {
        "public", "allusers", "allauthenticatedusers", "everyone", "all_users", "*", "anonymous",
    };

    private static readonly HashSet<string> Privileges = new(StringComparer.OrdinalIgnoreCase)
    {
        "select", "insert", "update", "delete", "usage", "all", "ownership", "references", "truncate", "all privileges", "monitor", "operate", "modify",
        "roles/bigquery.dataViewer", "roles/bigquery.dataEditor",
    };

    /// <summary>Grantees of a dbt <c>grants</c> config, from SQL config raw text or flattened YAML values.</summary>
    internal static HashSet<string> Grantees(DbtNode? node)
    {
        var result = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (node is null)
        {
            return result;
        }

        if (node.File?.Config.TryGetValue("grants", out var sql) == true)
        {
            foreach (var s in ChangedSql.Strings(sql.Raw))
            {
                if (!Privileges.Contains(s))
                {
                    result.Add(s);
                }
            }
        }

        IEnumerable<KeyValuePair<string, string>> yaml = node.Properties?.Config ?? new Dictionary<string, string>();
        foreach (var (key, value) in yaml.Concat(node.FolderConfig.Select(kv => KeyValuePair.Create(kv.Key, kv.Value.Value))))
        {
            if (key.StartsWith("grants", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var grantee in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    result.Add(grantee);
                }
            }
        }

        return result;
    }

    private sealed class PiiColumnUntagged : Rule
    {
        public override string Id => "pii-column-untagged";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "Personal data without a PII tag or masking escapes access policies, retention rules and deletion requests.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            var reported = new HashSet<(string, string)>();
            foreach (var (node, file) in context.ChangedNodes())
            {
                if (node.Kind != DbtNodeKind.Model)
                {
                    continue;
                }

                var baseNode = context.BaseOf(node);
                var modelTagged = node.Properties is { } p && PiiNames.IsTagged(p.Meta, p.Tags, []);
                var head = context.Sql.Head(node.Path)?.OutputColumns;
                var before = baseNode is null ? null : context.Sql.Base(baseNode.Path)?.OutputColumns;
                var beforeNames = new HashSet<string>((before ?? []).Select(c => c.Name ?? "").Concat(baseNode?.Properties?.Columns.Select(c => c.Name) ?? []), StringComparer.OrdinalIgnoreCase);
                var siblings = new HashSet<string>((head ?? []).Select(c => c.Name ?? "").Concat(node.Properties?.Columns.Select(c => c.Name) ?? []).Where(n => n.Length > 0), StringComparer.OrdinalIgnoreCase);
                foreach (var column in head ?? [])
                {
                    if (column.Name is null || beforeNames.Contains(column.Name))
                    {
                        continue;
                    }

                    var documented = node.Properties?.Column(column.Name);
                    var verdict = PiiJudge.Judge(new PiiColumn(node.Name, column.Name, documented?.DataType ?? PiiJudge.CastType(column.Expression), siblings, documented?.Meta), context.Settings.PiiAllow, context.Settings.PiiDeny);
                    if (verdict is null || modelTagged || (documented is not null && PiiNames.IsTagged(documented)) || PiiNames.IsMaskedExpression(column.Expression))
                    {
                        continue;
                    }

                    if (!context.IsAdded(file.Path, column.Line) || !reported.Add((node.Name, column.Name.ToLowerInvariant())))
                    {
                        continue;
                    }

                    yield return Untagged(context, file.Path, column.Line, node.Name, column.Name, verdict, node.Properties?.File);
                }

                if (node.Properties is { } props && context.Files.Changed.ContainsKey(props.File))
                {
                    foreach (var column in props.Columns)
                    {
                        if (beforeNames.Contains(column.Name) || modelTagged || PiiNames.IsTagged(column)
                            || !context.IsAdded(props.File, column.Line) || reported.Contains((node.Name, column.Name.ToLowerInvariant())))
                        {
                            continue;
                        }

                        var expression = head?.FirstOrDefault(c => string.Equals(c.Name, column.Name, StringComparison.OrdinalIgnoreCase))?.Expression ?? "";
                        var verdict = PiiJudge.Judge(new PiiColumn(node.Name, column.Name, column.DataType ?? PiiJudge.CastType(expression), siblings, column.Meta), context.Settings.PiiAllow, context.Settings.PiiDeny);
                        if (verdict is not null && !PiiNames.IsMaskedExpression(expression) && reported.Add((node.Name, column.Name.ToLowerInvariant())))
                        {
                            yield return Untagged(context, props.File, column.Line, node.Name, column.Name, verdict, props.File);
                        }
                    }
                }
            }

            foreach (var added in context.AddedStatements)
            {
                var defined = added.Statement.DefinedColumns.Select(c => c.Name ?? "").Where(n => n.Length > 0).ToList();
                foreach (var column in added.Statement.DefinedColumns)
                {
                    if (column.Name is not { } name || column.Expression.Contains("masking policy", StringComparison.OrdinalIgnoreCase)
                        || column.Expression.Contains(" tag ", StringComparison.OrdinalIgnoreCase) || column.Expression.Contains("policy_tag", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    var verdict = PiiJudge.Judge(new PiiColumn(added.Statement.ObjectName ?? "", name, DeclaredType(name, column.Expression), defined, null), context.Settings.PiiAllow, context.Settings.PiiDeny);
                    if (verdict is not null && reported.Add((added.File, name.ToLowerInvariant())))
                    {
                        yield return context.Report(this, added.File, added.Origin == "sql" ? column.Line : added.Line, $"PII column `{name}` without masking",
                            $"`{name}` is judged personal data because {verdict.Why}; the table `{added.Statement.ObjectName}` gets it without a masking policy or policy tag. Attach one (e.g. `with masking policy pii_mask`) or store a hashed value instead.");
                    }
                }
            }
        }

        /// <summary>The type in a column definition (<c>email varchar(255) not null</c> → <c>varchar</c>).</summary>
        private static string? DeclaredType(string name, string definition)
        {
            var rest = definition.Trim();
            var at = rest.IndexOf(name, StringComparison.OrdinalIgnoreCase);
            rest = at >= 0 ? rest[(at + name.Length)..].Trim().Trim('"', '`', ']').Trim() : rest;
            var end = 0;
            while (end < rest.Length && (char.IsLetterOrDigit(rest[end]) || rest[end] is '_' or '[' or ']'))
            {
                end++;
            }

            return end == 0 ? null : rest[..end];
        }

        private Finding Untagged(RuleContext context, string file, int line, string model, string column, PiiVerdict verdict, string? propertiesFile)
        {
            var where = propertiesFile is null ? "in a properties YAML entry for the model (none exists yet)" : $"in `{propertiesFile}`";
            return context.Report(this, file, line, $"PII column `{column}` is not tagged",
                $"`{model}.{column}` is judged personal data because {verdict.Why}. It carries no PII metadata, policy tag or masking, so access rules and deletion requests will miss it. Tag it {where} with `meta: {{contains_pii: true}}` (or a policy tag or masking policy), hash it in the model, or, if it is not personal, mark it `meta: {{contains_pii: false}}` or list it under `agents.governance.pii.allow`.");
        }
    }

    private sealed class PiiProtectionRemoved : Rule
    {
        public override string Id => "pii-protection-removed";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "Removing a PII tag, policy tag or masking exposes data that policies relied on being protected.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (node, file) in context.ChangedNodes().Concat(PropertiesOnlyChanges(context)).DistinctBy(x => x.Node.Name))
            {
                var baseNode = context.BaseOf(node);
                if (baseNode?.Properties is not { } before)
                {
                    continue;
                }

                var after = node.Properties;
                foreach (var column in before.Columns)
                {
                    if (!PiiNames.IsTagged(column))
                    {
                        continue;
                    }

                    var now = after?.Column(column.Name);
                    var stillSelected = context.Sql.Head(node.Path)?.OutputColumns?.Any(c => string.Equals(c.Name, column.Name, StringComparison.OrdinalIgnoreCase)) ?? now is not null;
                    if (!stillSelected || (now is not null && PiiNames.IsTagged(now)) || (after is not null && PiiNames.IsTagged(after.Meta, after.Tags, [])))
                    {
                        continue;
                    }

                    var yamlFile = after?.File ?? before.File;
                    var line = now is not null ? now.Line : (int?)null;
                    yield return context.Report(this, yamlFile, line, $"PII protection removed from `{column.Name}`",
                        $"`{node.Name}.{column.Name}` was tagged as personal data (meta, policy tag or masking) at base and no longer is, while the model still selects it. Restore the tag or masking, or remove the column if it is no longer needed.");
                }

                var baseFacts = context.Sql.Base(baseNode.Path)?.OutputColumns;
                var headFacts = context.Sql.Head(node.Path)?.OutputColumns;
                foreach (var column in baseFacts ?? [])
                {
                    if (column.Name is null || !PiiNames.IsMaskedExpression(column.Expression) || PiiNames.Match(column.Name) is null)
                    {
                        continue;
                    }

                    var now = headFacts?.FirstOrDefault(c => string.Equals(c.Name, column.Name, StringComparison.OrdinalIgnoreCase));
                    if (now is not null && !PiiNames.IsMaskedExpression(now.Expression) && context.IsAdded(file.Path, now.Line))
                    {
                        yield return context.Report(this, file.Path, now.Line, $"Masking removed from `{column.Name}`",
                            $"`{node.Name}.{column.Name}` was hashed or masked at base (`{Clip(column.Expression)}`) and is now selected in clear. Keep the masking, or tag the column and restrict access before exposing raw personal data.");
                    }
                }
            }
        }

        private static IEnumerable<(DbtNode Node, Core.Changes.FileChange Change)> PropertiesOnlyChanges(RuleContext context)
        {
            foreach (var file in context.ChangedWith(".yml", ".yaml"))
            {
                foreach (var node in context.Dbt.Head.DocumentedIn(file.Path))
                {
                    yield return (node, file);
                }
            }
        }
    }

    private sealed class DestructiveDdl : Rule
    {
        public override string Id => "destructive-ddl";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "Dropping, truncating or mass-deleting data cannot be undone by reverting the PR.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var added in context.AddedStatements)
            {
                var s = added.Statement;
                var target = s.ObjectName ?? "the target";
                var origin = Origin(added);
                (string Title, string Message, Severity Severity)? problem = s.Kind switch
                {
                    StatementKind.Drop when s.ObjectType is "table" or "schema" or "database" or "dataset" =>
                        ($"DROP {s.ObjectType!.ToUpperInvariant()} `{target}`", $"This {origin} drops the {s.ObjectType} `{target}` and all its data. Make sure nothing reads it any more, take a backup (or rely on time travel you have verified), and run it as a reviewed, one-off migration rather than on every run.", Severity.High),
                    StatementKind.Drop when s.ObjectType is "view" =>
                        ($"DROP VIEW `{target}`", $"This {origin} drops the view `{target}`; anything reading it breaks until it is recreated. Check its consumers first.", Severity.Low),
                    StatementKind.Alter when s.DroppedColumn is not null =>
                        ($"DROP COLUMN `{s.DroppedColumn}`", $"This {origin} drops column `{s.DroppedColumn}` from `{target}`; its data is lost and readers of the column break. Deprecate it first (stop writing, check readers), back up the data, then drop.", Severity.High),
                    StatementKind.Truncate =>
                        ($"TRUNCATE `{target}`", $"This {origin} deletes every row of `{target}`. If it is meant to reload the table, do it in a transaction with the load, or use a swap; otherwise remove it.", Severity.High),
                    StatementKind.Delete when !s.HasWhere =>
                        ($"DELETE without WHERE on `{target}`", $"This {origin} deletes every row of `{target}` because it has no WHERE clause. Add the condition that limits it to the intended rows.", Severity.High),
                    StatementKind.Update when !s.HasWhere =>
                        ($"UPDATE without WHERE on `{target}`", $"This {origin} rewrites every row of `{target}` because it has no WHERE clause. Add the condition that limits it to the intended rows.", Severity.High),
                    _ => null,
                };
                if (problem is { } p)
                {
                    yield return context.Report(this, added.File, added.Line, p.Title, p.Message, p.Severity);
                }
            }
        }
    }

    private sealed class CreateOrReplaceExisting : Rule
    {
        public override string Id => "create-or-replace-existing";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "CREATE OR REPLACE on an existing table silently drops its data, grants and history.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            var statements = context.AddedStatements.Where(a => a.Statement is { Kind: StatementKind.Create, OrReplace: true, ObjectType: "table" }).ToList();
            if (statements.Count == 0)
            {
                yield break;
            }

            var existing = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            existing.UnionWith(context.Dbt.Base.Nodes.Keys);
            existing.UnionWith(context.Dbt.Base.Sources.Values.Select(s => s.Identifier));
            foreach (var path in context.Files.BasePaths.Where(SharedContext.IsMigration).Where(p => p.EndsWith(".sql", StringComparison.OrdinalIgnoreCase)))
            {
                foreach (var statement in context.Sql.Base(path)?.Statements ?? [])
                {
                    if (statement is { Kind: StatementKind.Create, ObjectType: "table", ObjectName: { } name })
                    {
                        existing.Add(SqlAnalyzer.LastPart(name));
                    }
                }
            }

            foreach (var added in statements)
            {
                var name = added.Statement.ObjectName ?? "";
                if (existing.Contains(SqlAnalyzer.LastPart(name)))
                {
                    yield return context.Report(this, added.File, added.Line, $"CREATE OR REPLACE of existing table `{name}`",
                        $"`{name}` already exists (it is created elsewhere in the repository at base). CREATE OR REPLACE drops it with its data, grants and history. Use `create table if not exists` plus `alter table`, or a migration that copies the data.");
                }
            }
        }
    }

    private sealed class FullRefreshEnabled : Rule
    {
        public override string Id => "full-refresh-enabled";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "full_refresh: true rebuilds the table from scratch on every run, discarding history an incremental model kept.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (node, file) in context.ChangedNodes())
            {
                var now = node.ConfigValue("full_refresh");
                var before = context.BaseOf(node)?.ConfigValue("full_refresh");
                if (string.Equals(now, "true", StringComparison.OrdinalIgnoreCase) && !string.Equals(before, "true", StringComparison.OrdinalIgnoreCase))
                {
                    var line = node.File?.Config.TryGetValue("full_refresh", out var v) == true ? v.Line : (int?)null;
                    yield return context.Report(this, file.Path, line, $"`full_refresh: true` on `{node.Name}`",
                        $"`{node.Name}` now rebuilds from scratch on every run: rows the incremental logic kept (late-arriving or since-deleted source data) are lost, and the table is rebuilt in full each time. Remove `full_refresh: true`; run `dbt run --full-refresh -s {node.Name}` once if a rebuild is needed.");
                }
            }

            foreach (var project in context.Dbt.Head.Projects.Where(p => context.Files.Changed.ContainsKey(p.File)))
            {
                foreach (var config in project.FolderConfigs.Where(c => c.Key == "full_refresh" && c.Value.Equals("true", StringComparison.OrdinalIgnoreCase)))
                {
                    if (context.IsAdded(project.File, config.Line))
                    {
                        yield return context.Report(this, project.File, config.Line, "`+full_refresh: true` for a folder",
                            $"Every model under `{string.Join('/', config.Segments)}` now rebuilds from scratch on every run, discarding history incremental models kept. Remove it and run `--full-refresh` once instead.");
                    }
                }
            }
        }
    }

    private sealed class GrantToPublic : Rule
    {
        public override string Id => "grant-to-public";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "A grant to PUBLIC gives every user of the warehouse access, bypassing role-based access control.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var added in context.AddedStatements)
            {
                if (added.Statement.Kind == StatementKind.Grant && added.Statement.Grantees.FirstOrDefault(PublicGrantees.Contains) is { } grantee)
                {
                    yield return context.Report(this, added.File, added.Line, $"GRANT to {grantee.ToUpperInvariant()}",
                        $"This grants `{string.Join(", ", added.Statement.Privileges)}` on `{added.Statement.ObjectName}` to every user of the warehouse. Grant to the specific role that needs it instead.");
                }
            }

            foreach (var (node, file) in context.ChangedNodes())
            {
                var now = Grantees(node);
                var before = Grantees(context.BaseOf(node));
                var publicGrantee = now.Where(g => !before.Contains(g)).FirstOrDefault(PublicGrantees.Contains);
                if (publicGrantee is not null)
                {
                    var line = node.File?.Config.TryGetValue("grants", out var v) == true ? v.Line : (int?)null;
                    var where = line is null && node.Properties is not null ? node.Properties.File : file.Path;
                    yield return context.Report(this, where, line, $"`{node.Name}` granted to {publicGrantee}",
                        $"The `grants` config of `{node.Name}` now includes `{publicGrantee}`, giving every warehouse user access. Grant to the specific roles that need it.");
                }
            }

            foreach (var project in context.Dbt.Head.Projects.Where(p => context.Files.Changed.ContainsKey(p.File)))
            {
                foreach (var config in project.FolderConfigs.Where(c => c.Key.StartsWith("grants", StringComparison.OrdinalIgnoreCase)))
                {
                    var grantee = config.Value.Split(',', StringSplitOptions.TrimEntries).FirstOrDefault(PublicGrantees.Contains);
                    if (grantee is not null && context.IsAdded(project.File, config.Line))
                    {
                        yield return context.Report(this, project.File, config.Line, $"Folder grants to {grantee}",
                            $"Every model under `{string.Join('/', config.Segments)}` is now granted to `{grantee}` (every warehouse user). Grant to specific roles instead.");
                    }
                }
            }
        }
    }

    private sealed class GrantsWidened : Rule
    {
        public override string Id => "grants-widened";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "New grantees or ALL privileges widen who can read data; access changes deserve an explicit review.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var added in context.AddedStatements)
            {
                if (added.Statement.Kind == StatementKind.Grant && added.Statement.Privileges.Contains("all") && !added.Statement.Grantees.Any(PublicGrantees.Contains))
                {
                    yield return context.Report(this, added.File, added.Line, "GRANT ALL privileges",
                        $"This grants ALL privileges on `{added.Statement.ObjectName}` to `{string.Join(", ", added.Statement.Grantees)}`, including write and ownership-level rights. Grant only what the role needs (usually SELECT).");
                }
            }

            foreach (var (node, file) in context.ChangedNodes())
            {
                var baseNode = context.BaseOf(node);
                if (baseNode is null)
                {
                    continue;
                }

                var before = Grantees(baseNode);
                var added = Grantees(node).Where(g => !before.Contains(g) && !PublicGrantees.Contains(g)).ToList();
                if (added.Count > 0)
                {
                    var line = node.File?.Config.TryGetValue("grants", out var v) == true ? v.Line : (int?)null;
                    yield return context.Report(this, file.Path, line, $"Grants on `{node.Name}` widened",
                        $"`{node.Name}` is now also granted to {string.Join(", ", added.Select(a => $"`{a}`"))}. Confirm these roles should read this data (data owner approval), especially if it holds personal or financial data.");
                }
            }
        }
    }

    private sealed class AccessWidened : Rule
    {
        public override string Id => "access-widened";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "Making a private or protected model public lets any project ref it, freezing its shape as an interface.";

        private static int Rank(string? access) => access?.ToLowerInvariant() switch
        {
            "private" => 0,
            "protected" => 1,
            "public" => 2,
            _ => 1,
        };

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var file in context.ChangedWith(".yml", ".yaml"))
            {
                foreach (var node in context.Dbt.Head.DocumentedIn(file.Path))
                {
                    var before = context.BaseOf(node)?.Properties;
                    var now = node.Properties!.Access;
                    if (before is null || now is null || Rank(now) <= Rank(before.Access))
                    {
                        continue;
                    }

                    yield return context.Report(this, file.Path, node.Properties.Line, $"`{node.Name}` is now `access: {now}`",
                        $"`{node.Name}` goes from `{before.Access ?? "protected"}` to `{now}`: every project can ref it, so its columns become an interface other teams depend on. Add a contract (`contract: {{enforced: true}}`) and an owner (`group`) before publishing it, or keep it {before.Access ?? "protected"}.");
                }
            }
        }
    }

    /// <summary>What the statement is part of, for messages: "migration", "SQL script", "post_hook of orders"...</summary>
    internal static string Origin(AddedStatement added) => added.Origin switch
    {
        "sql" => SharedContext.IsMigration(added.File) ? "migration" : "SQL script",
        "alembic" => "Alembic migration",
        _ => added.Origin,
    };

    private static string Clip(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
