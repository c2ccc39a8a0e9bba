using System.Text;
using ReviewBot.Core.Reports;

namespace ReviewBot.Reporting.Formatting;

/// <summary>
/// The comment's "Changed models" section: one compact table (model, change, columns, downstream) of the report's
/// <c>models[]</c>, riskiest first, then a short list of what the breaking and partial changes reach. Long lists are
/// clipped with "and N more"; the JSON report has every model, column and consumer.
/// </summary>
internal static class ModelsSection
{
    /// <summary>The section, or empty when no dbt model changed. <paramref name="maxRows"/> rows at most; no impact list when <paramref name="withImpact"/> is false.</summary>
    public static string Render(ReviewReport report, int maxRows, bool withImpact, string where)
    {
        if (report.Models.Count == 0 || maxRows <= 0)
        {
            return string.Empty;
        }

        var models = report.Models.OrderBy(m => Rank(m.Change)).ThenByDescending(m => m.Downstream.Models.Count).ThenBy(m => m.Name, StringComparer.OrdinalIgnoreCase).ToList();
        var text = new StringBuilder("#### Changed models\n\n");
        text.Append(Summary(models)).Append("\n\n");
        text.Append("| Model | Change | Columns | Downstream |\n|:--|:--|:--|:--|\n");
        foreach (var model in models.Take(maxRows))
        {
            text.Append("| ").Append(MarkdownText.Code(Clip(model.Name, 60), inTable: true))
                .Append(" | ").Append(Change(model.Change))
                .Append(" | ").Append(Columns(model.Columns))
                .Append(" | ").Append(Downstream(model.Downstream))
                .Append(" |\n");
        }

        if (models.Count > maxRows)
        {
            text.Append("\nand ").Append(MarkdownText.Number(models.Count - maxRows)).Append(" more; ").Append(where).Append(" list every model.\n");
        }

        text.Append('\n');
        if (withImpact)
        {
            text.Append(Impact(models, where));
        }

        return text.ToString();
    }

    /// <summary>"3 models changed: 1 breaking, 1 partial, 1 unknown."</summary>
    private static string Summary(IReadOnlyList<ModelChangeReport> models)
    {
        var parts = models.GroupBy(m => m.Change).OrderBy(g => Rank(g.Key)).Select(g => $"{g.Count()} {Word(g.Key)}");
        // The reading note only where a reader needs it: a table with an unknown row.
        var note = models.Any(m => m.Change == ModelChangeKind.Unknown) ? " *unknown* means the change could not be rendered or parsed, not that it is safe." : "";
        return $"{MarkdownText.Count(models.Count, "model")} changed: {string.Join(", ", parts)}.{note}";
    }

    /// <summary>For breaking, partial, removed and unknown changes with consumers: which models, columns and exposures they reach.</summary>
    private static string Impact(IReadOnlyList<ModelChangeReport> models, string where)
    {
        var reaching = models.Where(m => m.Change is ModelChangeKind.Breaking or ModelChangeKind.Partial or ModelChangeKind.Removed or ModelChangeKind.Unknown
            && (m.Downstream.Models.Count > 0 || m.Downstream.Exposures.Count > 0)).ToList();
        if (reaching.Count == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder("<details>\n<summary>Impacted lineage</summary>\n\n");
        foreach (var model in reaching.Take(10))
        {
            text.Append("- ").Append(MarkdownText.Code(Clip(model.Name, 60))).Append(" (").Append(Word(model.Change)).Append(") → ");
            var targets = model.Downstream.Columns.Count > 0 && model.Change == ModelChangeKind.Partial ? model.Downstream.Columns : model.Downstream.Models;
            text.Append(Names(targets, 8));
            if (model.Downstream.Exposures.Count > 0)
            {
                text.Append("; exposures ").Append(Names(model.Downstream.Exposures, 4));
            }

            text.Append('\n');
        }

        if (reaching.Count > 10)
        {
            text.Append("- and ").Append(MarkdownText.Number(reaching.Count - 10)).Append(" more; ").Append(where).Append(" have them.\n");
        }

        return text.Append("\n</details>\n\n").ToString();
    }

    private static string Columns(ModelColumnChanges columns)
    {
        var parts = new List<string>();
        if (columns.Removed.Count > 0)
        {
            parts.Add("−" + Names(columns.Removed, 3, inTable: true));
        }

        if (columns.Renamed.Count > 0)
        {
            parts.Add(Names(columns.Renamed.Select(r => $"{r.From} → {r.To}").ToList(), 2, inTable: true));
        }

        if (columns.Modified.Count > 0)
        {
            parts.Add("~" + Names(columns.Modified, 3, inTable: true));
        }

        if (columns.Added.Count > 0)
        {
            parts.Add("+" + Names(columns.Added, 3, inTable: true));
        }

        return parts.Count == 0 ? "–" : string.Join(" ", parts);
    }

    private static string Downstream(ModelDownstream downstream)
    {
        var parts = new List<string>();
        if (downstream.Models.Count > 0)
        {
            parts.Add(MarkdownText.Count(downstream.Models.Count, "model"));
        }

        if (downstream.Columns.Count > 0)
        {
            parts.Add(MarkdownText.Count(downstream.Columns.Count, "column"));
        }

        if (downstream.Exposures.Count > 0)
        {
            parts.Add(MarkdownText.Count(downstream.Exposures.Count, "exposure"));
        }

        return parts.Count == 0 ? "–" : string.Join(" · ", parts);
    }

    /// <summary>Code-formatted names, at most <paramref name="max"/>, then "and N more".</summary>
    private static string Names(IReadOnlyList<string> names, int max, bool inTable = false) =>
        string.Join(", ", names.Take(max).Select(n => MarkdownText.Code(Clip(n, 60), inTable))) + (names.Count > max ? $" and {MarkdownText.Number(names.Count - max)} more" : string.Empty);

    /// <summary>Clips at a name boundary (a dot or underscore) where possible, with an ellipsis, never mid-word when avoidable.</summary>
    private static string Clip(string name, int max)
    {
        if (name.Length <= max)
        {
            return name;
        }

        var cut = name.LastIndexOfAny(['.', '_'], max - 1);
        return (cut > max / 2 ? name[..cut] : name[..(max - 1)]) + "…";
    }

    private static string Change(ModelChangeKind kind) => kind switch
    {
        ModelChangeKind.Breaking => "🔴 breaking",
        ModelChangeKind.Removed => "🔴 removed",
        ModelChangeKind.Partial => "🟠 partial",
        ModelChangeKind.Unknown => "❔ unknown",
        ModelChangeKind.ConfigOnly => "⚙️ config only",
        ModelChangeKind.NonBreaking => "🟢 non-breaking",
        _ => "🆕 added",
    };

    private static string Word(ModelChangeKind kind) => kind switch
    {
        ModelChangeKind.NonBreaking => "non-breaking",
        ModelChangeKind.ConfigOnly => "config only",
        _ => kind.ToString().ToLowerInvariant(),
    };

    private static int Rank(ModelChangeKind kind) => kind switch
    {
        ModelChangeKind.Breaking => 0,
        ModelChangeKind.Removed => 1,
        ModelChangeKind.Partial => 2,
        ModelChangeKind.Unknown => 3,
        ModelChangeKind.ConfigOnly => 4,
        ModelChangeKind.NonBreaking => 5,
        _ => 6,
    };
}
