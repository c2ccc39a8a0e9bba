using System.Globalization;
using System.Text.RegularExpressions;
using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Agents.Context.Sql;
using ReviewBot.Agents.Rules;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Cost;

/// <summary>
/// The cost agent's rules: risks and multipliers (never invented dollars). A multiplier of 4× or more
/// is high, smaller increases are medium.
/// </summary>
internal static partial class CostRules
{
    public static IReadOnlyList<Rule> All { get; } =
    [
        new IncrementalToFullRebuild(), new ViewToTable(), new TableWithCrossJoin(), new SelectStarFromSource(), new PartitionConfigDropped(),
        new FilterRemoved(), new LookbackWidened(), new ScheduleTightened(), new WarehouseUpsized(),
    ];

    /// <summary>
    /// Graded by the ratio and by how often the job runs afterwards: a 4× jump is high only when the job then
    /// runs more than daily (daily → hourly); a job that still runs at most daily is medium (weekly → daily),
    /// and one that runs less than daily is low (monthly → weekly: 52 runs a year).
    /// </summary>
    internal static Severity Grade(double ratio, double runsPerDayAfter) =>
        runsPerDayAfter < 1 ? Severity.Low : runsPerDayAfter <= 1.01 ? Severity.Medium : ByRatio(ratio);

    /// <summary>"1 run/day", "24 runs/day", "2 runs/week", "about 1 run/month".</summary>
    internal static string Frequency(double runsPerDay) =>
        runsPerDay >= 1 ? $"{Runs(runsPerDay)}/day"
        : runsPerDay * 7 >= 0.99 ? $"{Runs(runsPerDay * 7)}/week"
        : $"about {Runs(runsPerDay * 30.44)}/month";

    private static string Runs(double n)
    {
        var text = n.ToString("0.#", CultureInfo.InvariantCulture);
        return text == "1" ? "1 run" : $"{text} runs";
    }

    private static string Count(double runs) => Math.Round(runs).ToString("#,0", CultureInfo.InvariantCulture) + (Math.Round(runs) == 1 ? " run" : " runs");

    internal static Severity ByRatio(double ratio) => ratio >= 4 ? Severity.High : Severity.Medium;

    internal static string Ratio(double ratio) => ratio >= 10 ? $"{ratio:0}×" : $"{ratio.ToString("0.#", CultureInfo.InvariantCulture)}×";

    private static bool Persisted(string materialization) => materialization is "table" or "incremental" or "materialized_view" or "dynamic_table" or "snapshot";

    /// <summary>Where the materialization change shows in the diff: the file that sets it if that file changed, else the changed file that caused it.</summary>
    private static (string File, int? Line) MaterializationSite(RuleContext context, DbtNode node, DbtNode before)
    {
        (string File, int? Line) origin = node.MaterializationOrigin switch
        {
            "sql" when node.File?.Config.TryGetValue("materialized", out var v) == true => (node.Path, v.Line),
            "properties" when node.Properties is { } p => (p.File, p.Line),
            "dbt_project.yml" when node.FolderConfig.TryGetValue("materialized", out var folder) => (node.Project.File, folder.Line),
            _ => (node.Path, null),
        };
        // The winning setting is the cause only when this change wrote it; a project file changed elsewhere (a version
        // bump) is not where the author turned the model into a table.
        if (context.Files.Changed.ContainsKey(origin.File) && (origin.Line is not { } at || context.IsAdded(origin.File, at)))
        {
            return origin;
        }

        // The setting that won before was removed: point at where it was.
        if (context.Files.Changed.ContainsKey(node.Path))
        {
            var line = before.File?.Config.TryGetValue("materialized", out var old) == true ? context.HeadLineNearRemoved(node.Path, old.Line) : null;
            return (node.Path, line);
        }

        if (node.Properties is { } props && context.Files.Changed.ContainsKey(props.File))
        {
            return (props.File, props.Line);
        }

        return (node.Project.File, null);
    }

    /// <summary>Head models whose effective materialization changed (whatever file changed it), with their base node.</summary>
    private static IEnumerable<(DbtNode Head, DbtNode Base)> MaterializationChanges(RuleContext context)
    {
        foreach (var node in context.Dbt.Head.Nodes.Values)
        {
            if (node.Kind != DbtNodeKind.Model || context.BaseOf(node) is not { } before || before.Materialization == node.Materialization)
            {
                continue;
            }

            yield return (node, before);
        }
    }

    private sealed class IncrementalToFullRebuild : Rule
    {
        public override string Id => "incremental-to-full-rebuild";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "An incremental model that rebuilds in full reprocesses all history on every run.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var group in MaterializationChanges(context).Where(c => c.Base.Materialization == "incremental" && c.Head.Materialization != "ephemeral")
                .GroupBy(c => MaterializationSite(context, c.Head, c.Base)))
            {
                var names = group.Select(g => g.Head.Name).ToList();
                var target = group.First().Head.Materialization;
                yield return context.Report(this, group.Key.File, group.Key.Line, $"Incremental {(names.Count == 1 ? $"`{names[0]}`" : "models")} now {(target == "view" ? "a view" : "rebuilt in full")}",
                    $"{LineageList(names)} {(names.Count == 1 ? "was" : "were")} incremental and {(names.Count == 1 ? "is" : "are")} now `{target}`: every run {(target == "view" ? "recomputes the whole query at read time, for every reader" : "rebuilds from all history")} instead of processing only new rows; cost grows with table size (history ÷ increment, typically 30–365× per run). Keep `materialized='incremental'` unless the table is small.",
                    target == "view" ? Severity.Medium : null);
            }

            foreach (var (node, file) in context.ChangedNodes())
            {
                if (node.Materialization != "incremental" || context.BaseOf(node) is not { Materialization: "incremental" } before || before.File is null || node.File is null)
                {
                    continue;
                }

                var baseFilter = before.File.IncrementalBlocks.Any(b => b.Filters);
                var headFilter = node.File.IncrementalBlocks.Any(b => b.Filters);
                if (baseFilter && !headFilter)
                {
                    var removedAt = before.File.IncrementalBlocks.First(b => b.Filters).StartLine;
                    yield return context.Report(this, file.Path, context.HeadLineNearRemoved(file.Path, removedAt), $"`is_incremental()` filter removed from `{node.Name}`",
                        $"`{node.Name}` is still incremental but no longer filters new rows in an `{{% if is_incremental() %}}` block, so every run scans and merges the full source (history ÷ increment, typically 30–365× the work). Restore the filter on the event timestamp or id.");
                }

                var nowForced = string.Equals(node.ConfigValue("full_refresh"), "true", StringComparison.OrdinalIgnoreCase);
                var wasForced = string.Equals(before.ConfigValue("full_refresh"), "true", StringComparison.OrdinalIgnoreCase);
                if (nowForced && !wasForced)
                {
                    var line = node.File.Config.TryGetValue("full_refresh", out var v) ? v.Line : (int?)null;
                    yield return context.Report(this, file.Path, line, $"`{node.Name}` forced to full refresh",
                        $"`full_refresh: true` makes `{node.Name}` rebuild from all history on every run instead of appending new rows: the per-run cost becomes proportional to the table, not to the increment. Remove it and run `--full-refresh` once if needed.");
                }
            }
        }

        private static string LineageList(List<string> names) =>
            string.Join(", ", names.Take(6).Select(n => $"`{n}`")) + (names.Count > 6 ? $" and {names.Count - 6} more" : "");
    }

    private sealed class ViewToTable : Rule
    {
        public override string Id => "view-to-table";

        public override Severity DefaultSeverity => Severity.Low;

        public override string Rationale => "A view turned into a table is rebuilt and stored on every run; worth it only when it is read often.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var group in MaterializationChanges(context).Where(c => c.Base.Materialization == "view" && c.Head.Materialization == "table")
                .GroupBy(c => MaterializationSite(context, c.Head, c.Base)))
            {
                var names = group.Select(g => g.Head.Name).ToList();
                yield return context.Report(this, group.Key.File, group.Key.Line, $"View {(names.Count == 1 ? $"`{names[0]}`" : $"models ({names.Count})")} now materialized as table",
                    $"{string.Join(", ", names.Take(6).Select(n => $"`{n}`"))} {(names.Count == 1 ? "is" : "are")} now rebuilt and stored on every run instead of computed on read. Good when read often and expensive to compute; otherwise it adds a full build per run. Consider `incremental` if the data is append-only.");
            }
        }
    }

    private sealed class TableWithCrossJoin : Rule
    {
        public override string Id => "table-with-cross-join";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "A persisted model with a cross join materializes a row product on every build.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (node, file) in context.ChangedNodes())
            {
                if (!Persisted(node.Materialization) || context.Sql.Head(node.Path) is not { } facts)
                {
                    continue;
                }

                foreach (var (join, select) in facts.Selects.SelectMany(s => s.Joins.Select(j => (Join: j, Select: s))))
                {
                    var cross = join.Kind.Contains("cross", StringComparison.Ordinal) || (!join.HasCondition && !(join.Implicit && select.HasWhere));
                    if (!cross || join.NotARealJoin || join.Generated || !context.IsAdded(file.Path, join.Line) || Small(context, facts, join.Right) || (join.Left is { } left && Small(context, facts, left)))
                    {
                        continue;
                    }

                    yield return context.Report(this, file.Path, join.Line, $"Cross join in {node.Materialization} `{node.Name}`",
                        $"`{node.Name}` is materialized as `{node.Materialization}` and cross joins `{Quality.QualityRules.Name(join.Right)}`: the stored row count is the product of both inputs and is recomputed on every build. Make sure one side is tiny and bounded (e.g. a date spine), or join on a key.");
                }
            }
        }

        /// <summary>
        /// A side whose row count is small and bounded: a date spine or calendar, a seed, a single-row CTE or subquery,
        /// unnest/generated rows, inline values. An opaque side (an unresolved macro) is unknown, so not reported either.
        /// </summary>
        private static bool Small(RuleContext context, SqlFileFacts facts, SqlRelation relation)
        {
            var name = (relation.Target ?? relation.Name).ToLowerInvariant();
            if (relation.Kind is RelationKind.Function or RelationKind.Values or RelationKind.Opaque || relation.SingleRow || SpineLike(SqlFileFacts.LastPart(name)))
            {
                return true;
            }

            return relation.Kind switch
            {
                RelationKind.Cte => facts.Ctes.FirstOrDefault(c => string.Equals(c.Name, relation.Target, StringComparison.OrdinalIgnoreCase)) is { } cte
                    && (cte.SingleRow || (cte.Body is { } body && body.Relations.Any(r => r.Kind is RelationKind.Function or RelationKind.Values || SpineLike(SqlFileFacts.LastPart((r.Target ?? r.Name).ToLowerInvariant()))))),
                RelationKind.Ref => context.Dbt.Head.Nodes.TryGetValue(relation.Target ?? "", out var target) && target.Kind == DbtNodeKind.Seed,
                _ => false,
            };
        }

        private static bool SpineLike(string name) =>
            name.Contains("spine", StringComparison.Ordinal) || name.Contains("calendar", StringComparison.Ordinal) || name.Contains("date_dim", StringComparison.Ordinal)
            || name.Contains("dim_date", StringComparison.Ordinal) || name is "dates" or "days" or "weeks" or "months" or "years" or "hours" or "numbers" or "all_dates" or "all_days";
    }

    private sealed class SelectStarFromSource : Rule
    {
        public override string Id => "select-star-from-source";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "select * from a raw source into a table copies every column, including wide ones nobody reads.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (node, file) in context.ChangedNodes())
            {
                if (!Persisted(node.Materialization) || context.Sql.Head(node.Path) is not { } facts)
                {
                    continue;
                }

                foreach (var select in facts.Selects)
                {
                    var star = select.Columns.FirstOrDefault(c => c.IsStar && !c.Generated);
                    var source = select.Relations.FirstOrDefault(r => r.Kind is RelationKind.Source or RelationKind.Table
                        && (star?.StarQualifier is null || string.Equals(r.Alias ?? SqlFileFacts.LastPart(r.Target ?? r.Name), star.StarQualifier, StringComparison.OrdinalIgnoreCase)));
                    if (star is not null && source is not null && context.IsAdded(file.Path, star.Line))
                    {
                        var what = source.Kind == RelationKind.Source ? "a source" : $"`{source.Name}`";
                        yield return context.Report(this, file.Path, star.Line, $"`select *` from {what} into {node.Materialization} `{node.Name}`",
                            $"`{node.Name}` copies every column of `{source.Name}` into a persisted `{node.Materialization}`: scan and storage grow with every column upstream adds (wide JSON/blob columns included). Select the columns you need.");
                        break;
                    }
                }
            }
        }
    }

    private sealed class PartitionConfigDropped : Rule
    {
        public override string Id => "partition-config-dropped";

        public override Severity DefaultSeverity => Severity.High;

        public override string Rationale => "Without partitioning or clustering, every query and incremental merge scans the whole table.";

        private static readonly string[] Keys = ["partition_by", "cluster_by", "require_partition_filter", "partitions", "clustered_by", "sort", "dist", "liquid_clustered_by"];

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (node, file) in context.ChangedNodes().Concat(context.ChangedWith(".yml", ".yaml").SelectMany(f => context.Dbt.Head.DocumentedIn(f.Path).Select(n => (n, f)))).DistinctBy(x => x.Item1.Name))
            {
                if (context.BaseOf(node) is not { } before)
                {
                    continue;
                }

                foreach (var key in Keys)
                {
                    var was = before.ConfigValue(key);
                    var now = node.ConfigValue(key);
                    if (was is null || now is not null || key == "require_partition_filter" && !was.Equals("true", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }

                    var baseLine = before.File?.Config.TryGetValue(key, out var v) == true ? v.Line : before.Properties?.Line ?? 1;
                    var where = before.File?.Config.ContainsKey(key) == true ? node.Path : node.Properties?.File ?? file.Path;
                    // Dropping partitioning makes every scan and merge read the whole table (high); clustering and sort
                    // keys are a layout optimisation whose loss costs less and often goes with a deliberate rebuild (medium).
                    var partitioning = key is "partition_by" or "partitions" or "require_partition_filter";
                    yield return context.Report(this, where, context.HeadLineNearRemoved(where, baseLine), $"`{key}` removed from `{node.Name}`",
                        partitioning
                            ? $"`{node.Name}` no longer sets `{key}` (was `{Clip(was)}`). Queries and incremental merges that pruned partitions now scan the whole table; cost grows with table size rather than with the slice read. Keep the setting unless the table is small."
                            : $"`{node.Name}` no longer sets `{key}` (was `{Clip(was)}`). Filters and merges on those columns lose their pruning, so large tables are scanned more widely. Keep it unless the table is small or the layout is managed elsewhere.",
                        partitioning ? null : Severity.Medium);
                }
            }
        }
    }

    private sealed partial class FilterRemoved : Rule
    {
        public override string Id => "filter-removed";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "Removing a WHERE (especially on the partition column) turns a bounded scan into a full scan.";

        [GeneratedRegex("""['"]?field['"]?\s*[:=]\s*['"]([A-Za-z_][\w]*)['"]""")]
        private static partial Regex PartitionField();

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (node, file) in context.ChangedNodes())
            {
                if (!Persisted(node.Materialization) || context.BaseOf(node) is not { } before || context.Sql.Base(before.Path) is not { } was || context.Sql.Head(node.Path) is not { } now)
                {
                    continue;
                }

                var field = node.ConfigValue("partition_by") is { } p && PartitionField().Match(p) is { Success: true } m ? m.Groups[1].Value : null;
                var line = was.Selects.FirstOrDefault(s => s.HasWhere) is { } removedFilter ? context.HeadLineNearRemoved(file.Path, removedFilter.Line) : null;
                if (node.Materialization == "incremental" && before.Materialization == "incremental")
                {
                    // What an incremental run scans is the SQL with is_incremental() true: a filter moved into that block is kept.
                    was = context.Sql.IncrementalBase(before.Path) ?? was;
                    now = context.Sql.IncrementalHead(node.Path) ?? now;
                }

                var baseFilters = was.Selects.Where(s => s.HasWhere).ToList();
                var headFilters = now.Selects.Where(s => s.HasWhere).ToList();
                if (field is not null && baseFilters.Any(s => s.WhereText.Contains(field, StringComparison.OrdinalIgnoreCase))
                    && !headFilters.Any(s => s.WhereText.Contains(field, StringComparison.OrdinalIgnoreCase)))
                {
                    yield return context.Report(this, file.Path, line, $"Partition filter on `{field}` removed from `{node.Name}`",
                        $"`{node.Name}` no longer filters on its partition column `{field}`, so each build scans every partition instead of the recent ones (cost grows with history). Restore the filter.", Severity.High);
                    continue;
                }

                // A source still read, by a select that filtered it at base and no longer does: a filter that went away
                // with the relation it bounded (moved to another model) is not a wider scan of this one.
                var filteredBefore = Read(was, filtered: true);
                var readNow = Read(now, filtered: false);
                var filteredNow = Read(now, filtered: true);
                var unbounded = filteredBefore.Where(r => readNow.Contains(r) && !filteredNow.Contains(r)).Order(StringComparer.Ordinal).ToList();
                if (unbounded.Count > 0)
                {
                    var names = string.Join(", ", unbounded.Select(n => $"`{n}`"));
                    yield return context.Report(this, file.Path, line, $"Filter removed from `{node.Name}`",
                        $"`{node.Name}` still reads {names} but no longer filters {(unbounded.Count == 1 ? "it" : "them")} with a WHERE clause as it did at base; each build may now scan the whole {(unbounded.Count == 1 ? "source" : "sources")}. Check that the removed filter was not bounding the scan.");
                }
            }
        }

        /// <summary>The sources read directly by selects (with a WHERE when <paramref name="filtered"/>), by target.</summary>
        private static HashSet<string> Read(SqlFileFacts facts, bool filtered) =>
            facts.Selects.Where(s => !filtered || s.HasWhere).SelectMany(s => s.Relations).Where(r => r.Kind == RelationKind.Source)
                .Select(r => r.Target ?? r.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    private sealed class LookbackWidened : Rule
    {
        public override string Id => "lookback-widened";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "An incremental run reprocesses its lookback window; widening it multiplies the work of every run.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var (node, file) in context.ChangedNodes())
            {
                if (context.BaseOf(node)?.File is not { } before || node.File is null)
                {
                    continue;
                }

                var was = before.IncrementalBlocks.Select(b => b.LookbackHours).Where(h => h is > 0).Max();
                var block = node.File.IncrementalBlocks.Where(b => b.LookbackHours is > 0).MaxBy(b => b.LookbackHours);
                if (was is not { } oldHours || block?.LookbackHours is not { } newHours || newHours <= oldHours)
                {
                    continue;
                }

                var ratio = newHours / oldHours;
                var line = Enumerable.Range(block.StartLine, Math.Max(1, block.EndLine - block.StartLine + 1)).FirstOrDefault(l => context.IsAdded(file.Path, l));
                yield return context.Report(this, file.Path, line == 0 ? block.StartLine : line, $"Incremental lookback widened {Ratio(ratio)} in `{node.Name}`",
                    $"The `is_incremental()` window of `{node.Name}` grows from {Hours(oldHours)} to {Hours(newHours)}: each run reprocesses {Ratio(ratio)} as much data. Keep the window as small as late-arriving data requires.",
                    ByRatio(ratio));
            }
        }

        private static string Hours(double hours) => hours >= 24 && hours % 24 == 0 ? $"{hours / 24:0} day{(hours == 24 ? "" : "s")}" : $"{hours:0.#} hours";
    }

    private sealed class ScheduleTightened : Rule
    {
        public override string Id => "schedule-tightened";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "A tighter schedule multiplies the compute of every run of the pipeline.";

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var file in context.ChangedWith(".py", ".yml", ".yaml"))
            {
                var before = context.Pipeline.Base(file.BasePath).Schedules.Where(s => s.RunsPerDay is > 0).ToList();
                var after = context.Pipeline.Head(file.Path).Schedules.Where(s => s.RunsPerDay is > 0).ToList();
                foreach (var schedule in after)
                {
                    var match = before.FirstOrDefault(b => b.Name == schedule.Name) ?? (before.Count == 1 && after.Count == 1 ? before[0] : null);
                    if (match is null || schedule.RunsPerDay <= match.RunsPerDay * 1.01 || !context.IsAdded(file.Path, schedule.Line))
                    {
                        continue;
                    }

                    var ratio = schedule.RunsPerDay!.Value / match.RunsPerDay!.Value;
                    var now = schedule.RunsPerDay.Value;
                    yield return context.Report(this, file.Path, schedule.Line, $"Schedule `{schedule.Name}` runs {Ratio(ratio)} as often",
                        $"`{schedule.Name}` goes from `{match.Expression}` ({Frequency(match.RunsPerDay.Value)}) to `{schedule.Expression}` ({Frequency(now)}): {Ratio(ratio)} the runs, about {Count(now * 365)} a year, and the compute of everything it triggers. Confirm consumers need this freshness; consider a sensor or incremental run instead.",
                        Grade(ratio, now));
                }
            }
        }

    }

    private sealed partial class WarehouseUpsized : Rule
    {
        public override string Id => "warehouse-upsized";

        public override Severity DefaultSeverity => Severity.Medium;

        public override string Rationale => "Each Snowflake size step doubles credits per hour; more workers multiply cluster cost.";

        [GeneratedRegex("""\b(snowflake_warehouse|warehouse_size|warehouse|node_type_id|driver_node_type_id|num_workers|max_workers|min_workers|threads|maximum_bytes_billed)\b['"]?\s*(?:=|:)\s*['"]?([\w.-]+)""", RegexOptions.IgnoreCase)]
        private static partial Regex Setting();

        private static readonly (string Token, int Credits)[] Sizes =
        [
            ("6xlarge", 512), ("6xl", 512), ("5xlarge", 256), ("5xl", 256), ("4xlarge", 128), ("4xl", 128), ("3xlarge", 64), ("3xl", 64), ("2xlarge", 32),
            ("xxlarge", 32), ("2xl", 32), ("xxl", 32), ("xlarge", 16), ("xl", 16), ("large", 8), ("lg", 8), ("l", 8), ("medium", 4), ("med", 4), ("m", 4),
            ("small", 2), ("sm", 2), ("s", 2), ("xsmall", 1), ("xs", 1),
        ];

        public override IEnumerable<Finding> Evaluate(RuleContext context)
        {
            foreach (var file in context.Changed)
            {
                var removed = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var line in file.RemovedLines)
                {
                    foreach (Match m in Setting().Matches(line.Text))
                    {
                        removed[m.Groups[1].Value] = m.Groups[2].Value;
                    }
                }

                if (removed.Count == 0)
                {
                    continue;
                }

                foreach (var line in file.AddedLines)
                {
                    foreach (Match m in Setting().Matches(line.Text))
                    {
                        var key = m.Groups[1].Value;
                        if (!removed.TryGetValue(key, out var was))
                        {
                            continue;
                        }

                        var now = m.Groups[2].Value;
                        var ratio = key.ToLowerInvariant() switch
                        {
                            "num_workers" or "max_workers" or "min_workers" or "threads" => Number(now) is { } a && Number(was) is { } b && b >= 0 ? (a + 1) / (b + 1) : (double?)null,
                            "maximum_bytes_billed" => Number(now) is { } c && Number(was) is { } d && d > 0 ? c / d : null,
                            _ => Credits(now) is { } x && Credits(was) is { } y ? (double)x / y : null,
                        };
                        if (ratio is not { } r || r <= 1.001)
                        {
                            continue;
                        }

                        yield return context.Report(this, file.Path, line.HeadLine, $"`{key}` raised {Ratio(r)}",
                            $"`{key}` goes from `{was}` to `{now}`: about {Ratio(r)} the compute cost per hour it runs. Check that the workload needs it (query profile, spilling) before sizing up; consider a larger size only for the models that need it.",
                            ByRatio(r), exactLine: true);
                    }
                }
            }
        }

        private static double? Number(string text) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : null;

        private static int? Credits(string name)
        {
            var tokens = name.ToLowerInvariant().Replace("x-", "x", StringComparison.Ordinal).Split('_', '-', '.');
            foreach (var token in tokens.Reverse())
            {
                foreach (var (size, credits) in Sizes)
                {
                    if (token == size)
                    {
                        return credits;
                    }
                }
            }

            return null;
        }
    }

    private static string Clip(string text) => text.Length <= 60 ? text : text[..57] + "...";
}
