using ReviewBot.Agents.Rules;
using ReviewBot.Core.Findings;
using ReviewBot.Sql.Syntax;

namespace ReviewBot.Agents.Lineage.Rules;

/// <summary>
/// <c>filter-changed</c>: which rows a model returns changed (WHERE, QUALIFY, HAVING, DISTINCT, LIMIT, GROUP BY) on a model
/// that others read. An inverted condition (<c>=</c> ↔ <c>!=</c>, a <c>not</c> added or dropped, <c>&gt;</c> ↔ <c>&lt;=</c>) is
/// the classic slip and is graded high; any other deliberate filter change is worth a look (medium), and on a model
/// nobody reads it is information only.
/// </summary>
internal sealed class FilterChanged : Rule
{
    private static readonly (string A, string B)[] Opposites =
        [("=", "!="), ("=", "<>"), (">", "<="), ("<", ">="), ("in", "not in"), ("is", "is not"), ("like", "not like"), ("ilike", "not ilike"), ("exists", "not exists")];

    public override string Id => "filter-changed";

    public override Severity DefaultSeverity => Severity.Medium;

    public override string Rationale => "Consumers of a model assume the rows it returns; a changed filter, grouping or limit changes them for every reader.";

    public override IEnumerable<Finding> Evaluate(RuleContext context)
    {
        foreach (var change in LineageFacts.Changes(context))
        {
            if (change.Before is not { Usable: true } before || change.After is not { Usable: true } after || change.Head is null || change.Base is null)
            {
                continue;
            }

            var was = QueryScopes.Selects(before.Parse);
            var now = QueryScopes.Selects(after.Parse);
            var beforePrint = new SqlFingerprint(before.Parse.Tokens);
            var afterPrint = new SqlFingerprint(after.Parse.Tokens);
            var changes = new List<(string Clause, string Scope, string Old, string New, SqlNode? Node, bool Inverted)>();
            var refinements = new List<string>();
            foreach (var (key, select) in now)
            {
                if (!was.TryGetValue(key, out var old))
                {
                    continue;
                }

                // A select that now reads other relations was rewritten, not re-filtered: its filters are not
                // comparable (the classification reports the changed source as breaking).
                if (!string.Equals(beforePrint.Of(old.From), afterPrint.Of(select.From), StringComparison.Ordinal))
                {
                    continue;
                }

                Compare("where", old.Where, select.Where);
                Compare("qualify", old.Qualify, select.Qualify);
                Compare("having", old.Having, select.Having);
                if (NewDimensions(old, select, beforePrint, afterPrint) is { Count: > 0 } dimensions)
                {
                    refinements.AddRange(dimensions);
                }
                else
                {
                    Compare("group by", old.GroupBy, select.GroupBy);
                }

                Compare("limit", old.Top, select.Top);
                if (old.Distinct != select.Distinct)
                {
                    changes.Add(("distinct", key, old.Distinct ? "distinct" : "", select.Distinct ? "distinct" : "", select, false));
                }

                void Compare(string clause, SqlNode? o, SqlNode? n)
                {
                    var a = beforePrint.Of(o);
                    var b = afterPrint.Of(n);
                    if (!string.Equals(a, b, StringComparison.Ordinal))
                    {
                        changes.Add((clause, key, a, b, n ?? select, clause is "where" or "qualify" or "having" && Inverted(a, b)));
                    }
                }
            }

            var mainBefore = Sql.Scopes.SqlScopeResolver.LastQuery(before.Parse)!;
            var mainAfter = Sql.Scopes.SqlScopeResolver.LastQuery(after.Parse)!;
            if (!string.Equals(beforePrint.Of(mainBefore.Limit), afterPrint.Of(mainAfter.Limit), StringComparison.Ordinal))
            {
                changes.Add(("limit", "main#0", beforePrint.Of(mainBefore.Limit), afterPrint.Of(mainAfter.Limit), mainAfter.Limit ?? (SqlNode)mainAfter, false));
            }

            if (changes.Count == 0)
            {
                if (refinements.Count > 0)
                {
                    // Grouping by a new output column as well (a new dimension, e.g. source_relation in a package that
                    // now unions connections): the old columns keep their meaning and rows split only where the new
                    // column has several values. Worth knowing, not worth blocking a review on.
                    var names = string.Join(", ", refinements.Distinct(StringComparer.OrdinalIgnoreCase).Take(3).Select(n => $"`{n}`"));
                    yield return context.Report(this, change.File, null, $"Grain of `{change.Name}` refined by {names}",
                        $"`{change.Name}` now also groups by {names}, which it adds as output: a row per old key becomes a row per old key and {names}. Readers that expect one row per old key ({LineageFacts.Consumers(change)}) get several where {names} takes several values.",
                        LineageFacts.Grade(change, Severity.Low, Severity.Info));
                }

                continue;
            }

            var first = changes.FirstOrDefault(c => c.Inverted) is { Clause: not null } inverted ? inverted : changes[0];
            var severity = first.Inverted ? LineageFacts.Grade(change, Severity.High, Severity.Low)
                : changes.All(c => StartDateGuard(c.Old, c.New)) ? LineageFacts.Grade(change, Severity.Low, Severity.Info)
                : LineageFacts.Grade(change, Severity.Medium, Severity.Info);
            var what = first.Inverted ? $"condition inverted: `{Clip(first.Old)}` is now `{Clip(first.New)}`"
                : first.Old.Length == 0 ? $"`{first.Clause}` added: `{Clip(first.New)}`"
                : first.New.Length == 0 ? $"`{first.Clause}` removed (was `{Clip(first.Old)}`)"
                : $"`{first.Clause}` changed from `{Clip(first.Old)}` to `{Clip(first.New)}`";
            var more = changes.Count > 1 ? $" ({changes.Count - 1} more clause change{(changes.Count == 2 ? "" : "s")}: {string.Join(", ", changes.Where(c => c != first).Select(c => $"{c.Clause} in {QueryScopes.Describe(c.Scope)}").Distinct().Take(4))})" : string.Empty;
            var line = first.New.Length > 0 && first.Node is not null ? after.LineOf(first.Node) : (int?)null;
            yield return context.Report(this, change.File, line,
                first.Inverted ? $"Filter inverted in `{change.Name}`" : $"Rows of `{change.Name}` change: {first.Clause} {(first.Old.Length == 0 ? "added" : first.New.Length == 0 ? "removed" : "changed")}",
                $"In {QueryScopes.Describe(first.Scope)} of `{change.Name}`, {what}{more}. The model returns different rows, and {LineageFacts.Consumers(change)} {(LineageFacts.HasConsumers(change) ? "read them" : "reads it")}. {(first.Inverted ? "An inverted condition usually keeps exactly the rows that were meant to be dropped; check the operator. " : string.Empty)}If the change is intended, say so in the pull request so the owners of those models can check their numbers.",
                severity);
        }
    }

    /// <summary>
    /// The output columns a GROUP BY change only adds (every old grouping item is still there, each new one is an output
    /// column that the base select did not have); empty when the change is anything else.
    /// </summary>
    internal static List<string> NewDimensions(Sql.Syntax.SqlSelect old, Sql.Syntax.SqlSelect now, SqlFingerprint before, SqlFingerprint after)
    {
        if (old.GroupBy is not { All: false } was || now.GroupBy is not { All: false } isNow)
        {
            return [];
        }

        var oldItems = was.Items.Select(i => Resolve(i, old, before)).ToHashSet(StringComparer.Ordinal);
        var newItems = isNow.Items.Select(i => (Key: Resolve(i, now, after), Name: NameOf(i, now))).ToList();
        var oldOutputs = old.Items.OfType<Sql.Syntax.SqlExpressionItem>().Select(i => i.Alias ?? (i.Expression as Sql.Syntax.SqlColumnRef)?.Name.Last).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!oldItems.All(o => newItems.Any(n => n.Key == o)))
        {
            return [];
        }

        var added = newItems.Where(n => !oldItems.Contains(n.Key)).ToList();
        return added.Count > 0 && added.All(a => a.Name is { } name && !oldOutputs.Contains(name)) ? added.Select(a => a.Name!).ToList() : [];
    }

    // A positional item (`group by 1, 2`) stands for that output column's expression.
    private static string Resolve(Sql.Syntax.SqlExpression item, Sql.Syntax.SqlSelect select, SqlFingerprint print) =>
        Position(item, select) is Sql.Syntax.SqlExpressionItem target ? print.Of(target.Expression) : print.Of(item);

    private static string? NameOf(Sql.Syntax.SqlExpression item, Sql.Syntax.SqlSelect select) =>
        Position(item, select) is Sql.Syntax.SqlExpressionItem target ? target.Alias ?? (target.Expression as Sql.Syntax.SqlColumnRef)?.Name.Last
        : item is Sql.Syntax.SqlColumnRef column && select.Items.OfType<Sql.Syntax.SqlExpressionItem>().Any(i => (i.Alias ?? (i.Expression as Sql.Syntax.SqlColumnRef)?.Name.Last) is { } n && n.Equals(column.Name.Last, StringComparison.OrdinalIgnoreCase)) ? column.Name.Last
        : null;

    private static Sql.Syntax.SqlSelectItem? Position(Sql.Syntax.SqlExpression item, Sql.Syntax.SqlSelect select) =>
        item is Sql.Syntax.SqlLiteral { Kind: Sql.Syntax.SqlLiteralKind.Number } n && int.TryParse(n.Text, System.Globalization.CultureInfo.InvariantCulture, out var k) && k >= 1 && k <= select.Items.Count
            ? select.Items[k - 1] : null;

    /// <summary>
    /// True when the new condition is the old one with only a lower bound on a date added (<c>block_date &gt;= date
    /// '2013-01-01' and ...</c>): the usual start-date guard of an incremental model, which drops rows only from before
    /// the data begins. Still reported, at low.
    /// </summary>
    internal static bool StartDateGuard(string before, string after)
    {
        if (before.Length == 0 || after.Length <= before.Length)
        {
            return false;
        }

        var at = after.IndexOf(before, StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }

        var rest = (after[..at] + " " + after[(at + before.Length)..]).Trim();
        return System.Text.RegularExpressions.Regex.IsMatch(
            rest,
            @"^(?:and )?[\w .""`]+ >=? (?:(?:date|timestamp) )?'\d{4}-\d{2}-\d{2}[^']*'(?: and)?$",
            System.Text.RegularExpressions.RegexOptions.CultureInvariant,
            TimeSpan.FromSeconds(1));
    }

    /// <summary>True when the two conditions differ only by one operator turned into its opposite, or by one added or removed <c>not</c>.</summary>
    internal static bool Inverted(string before, string after)
    {
        if (before.Length == 0 || after.Length == 0)
        {
            return false;
        }

        var a = before.Split(' ');
        var b = after.Split(' ');
        if (Math.Abs(a.Length - b.Length) == 1)
        {
            var (longer, shorter) = a.Length > b.Length ? (a, b) : (b, a);
            for (var i = 0; i < longer.Length; i++)
            {
                if (longer[i] == "not")
                {
                    var without = longer.Take(i).Concat(longer.Skip(i + 1));
                    if (without.SequenceEqual(shorter))
                    {
                        return true;
                    }
                }
            }

            return false;
        }

        if (a.Length != b.Length)
        {
            return false;
        }

        var differences = Enumerable.Range(0, a.Length).Where(i => a[i] != b[i]).ToList();
        return differences.Count == 1 && Opposites.Any(o => (o.A == a[differences[0]] && o.B == b[differences[0]]) || (o.B == a[differences[0]] && o.A == b[differences[0]]));
    }

    private static string Clip(string text) => text.Length > 80 ? text[..77] + "…" : text;
}
