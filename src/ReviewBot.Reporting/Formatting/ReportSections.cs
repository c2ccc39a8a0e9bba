using System.Globalization;
using System.Text;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Reports;

namespace ReviewBot.Reporting.Formatting;

/// <summary>
/// The sections shared by the PR comment and the check run. Each returns a Markdown block ending in a
/// blank line, or "" when it has nothing to say. Every piece of report text goes through
/// <see cref="MarkdownText"/>; only the structure around it is ours.
/// </summary>
internal static class ReportSections
{
    public const string ReportsElsewhere = "the check run and the JSON/SARIF report";

    public static string VerdictHeading(ReviewReport report)
    {
        if (report.Incomplete)
        {
            var title = report.Title.StartsWith("Not reviewed", StringComparison.OrdinalIgnoreCase) ? report.Title : "Not reviewed: " + report.Title;
            return $"### ⚠️ {MarkdownText.Text(title, 300)}\n\n";
        }

        if (report.Conclusion == Conclusion.Success)
        {
            // The gate's titles read "No findings" or "Passed with 2 non-blocking findings".
            return report.Title.StartsWith("Passed ", StringComparison.Ordinal)
                ? $"### ✅ ReviewBot passed {MarkdownText.Text(report.Title["Passed ".Length..], 300)}\n\n"
                : $"### ✅ ReviewBot passed: {MarkdownText.Text(report.Title, 300)}\n\n";
        }

        return $"### ❌ ReviewBot failed: {MarkdownText.Text(report.Title, 300)}\n\n";
    }

    public static string Summary(ReportView view)
    {
        var report = view.Report;
        var failOn = report.FailOn.ToText();
        var blocking = view.BlockingCount;
        var advisory = view.AdvisoryCount;
        string sentence;
        if (report.Incomplete)
        {
            var unfinished = report.Agents
                .Where(a => IsRequired(a.Policy) && a.Status is not ("completed" or "degraded"))
                .Select(a => $"**{MarkdownText.Text(a.Name)}**")
                .ToList();
            var who = unfinished.Count switch
            {
                0 => "A required agent",
                1 => $"The required agent {unfinished[0]}",
                _ => $"The required agents {string.Join(" and ", unfinished)}",
            };
            sentence = unfinished.Count == 0 && report.Coverage.Unanalysed.Count > 0
                ? $"A required agent could not analyse {MarkdownText.Count(report.Coverage.Unanalysed.Select(u => u.File).Distinct(StringComparer.Ordinal).Count(), "changed file")} it must see, so this change has not been fully reviewed"
                : $"{who} did not finish, so this change has not been fully reviewed";
            sentence += blocking > 0 ? $", and {MarkdownText.Count(blocking, "finding")} already {(blocking == 1 ? "blocks" : "block")} it." : ".";
            sentence += report.Conclusion == Conclusion.Success
                ? " The check passes anyway because this repository sets `on_incomplete: pass`."
                : unfinished.Count == 0 && report.Coverage.Unanalysed.Count > 0
                    ? " The files and reasons are listed under *Not analysed*."
                    : " Re-run the check to try again; the reason is in the table below.";
        }
        else if (blocking > 0)
        {
            sentence = $"**{MarkdownText.Count(blocking, "finding")} {(blocking == 1 ? "blocks" : "block")} this change** (severity {failOn} or above)";
            sentence += advisory > 0 ? $"; {MarkdownText.Number(advisory)} more {(advisory == 1 ? "is" : "are")} advisory." : ".";
        }
        else if (view.Findings.Count > 0)
        {
            var why = new List<string>();
            if (view.Findings.Any(f => f.Severity < report.FailOn))
            {
                why.Add($"below `fail_on: {failOn}`");
            }

            if (view.Findings.Any(f => f.Source == FindingSource.Llm && f.Severity >= report.FailOn))
            {
                why.Add("LLM findings do not block");
            }

            sentence = $"Nothing blocks this change; {(advisory == 1 ? "the finding below is" : $"the {MarkdownText.Number(advisory)} findings below are")} advisory ({string.Join("; ", why)}).";
        }
        else
        {
            sentence = $"No findings in {MarkdownText.Count(report.Coverage.FilesChanged, "changed file")}.";
        }

        var degraded = report.Agents.Count(a => IsShedOrDegraded(a) && !(IsRequired(a.Policy) && a.Status != "degraded"));
        if (degraded > 0 && !report.Incomplete)
        {
            sentence += $" {MarkdownText.Count(degraded, "agent")} did not run in full; see *Shed or degraded*.";
        }

        return sentence + "\n\n";
    }

    public static string AgentTable(ReviewReport report)
    {
        if (report.Agents.Count == 0)
        {
            return "No agents ran.\n\n";
        }

        // A column that is empty for every agent (no tokens in a rules-only run, no reasons when all went well) is noise.
        var withTokens = report.Agents.Any(a => a.PromptTokens + a.CompletionTokens > 0);
        var withReason = report.Agents.Any(a => !string.IsNullOrWhiteSpace(a.Reason));
        var table = new StringBuilder();
        table.Append("| Agent | Lane | Status | Time | Findings |").Append(withTokens ? " Tokens |" : "").Append(withReason ? " Reason |" : "").Append('\n');
        table.Append("|:--|:--|:--|--:|--:|").Append(withTokens ? "--:|" : "").Append(withReason ? ":--|" : "").Append('\n');
        foreach (var agent in report.Agents)
        {
            var tokens = agent.PromptTokens + agent.CompletionTokens == 0
                ? "–"
                : $"{MarkdownText.Number(agent.PromptTokens)} + {MarkdownText.Number(agent.CompletionTokens)}";
            var status = $"{StatusEmoji(agent.Status)} {MarkdownText.Text(agent.Status.Replace('_', ' '), inTable: true)}";
            if (IsRequired(agent.Policy) && agent.Status is not ("completed" or "degraded"))
            {
                status += " (required)";
            }

            table.Append("| ").Append(MarkdownText.Text(agent.Name, inTable: true))
                .Append(" | ").Append(MarkdownText.Text(agent.Lane, inTable: true))
                .Append(" | ").Append(status)
                .Append(" | ").Append(agent.DurationMs == 0 && agent.Status is "skipped" or "shed" ? "–" : MarkdownText.Duration(agent.DurationMs))
                .Append(" | ").Append(MarkdownText.Number(agent.FindingCount));
            if (withTokens)
            {
                table.Append(" | ").Append(tokens);
            }

            if (withReason)
            {
                table.Append(" | ").Append(MarkdownText.Text(agent.Reason, 300, inTable: true));
            }

            table.Append(" |\n");
        }

        return table.Append('\n').ToString();
    }

    /// <summary>One finding as a list item: title, location, agent and rule, then the message on its own line.</summary>
    /// <remarks><paramref name="maxMessage"/>: characters of message to keep; 0 renders the one-line form without the message.</remarks>
    public static string FindingItem(ReviewReport report, Finding finding, string? blobUrlPrefix, int maxMessage)
    {
        var item = new StringBuilder();
        item.Append("- **").Append(MarkdownText.Text(finding.Title, 200)).Append("** — ")
            .Append(MarkdownText.Location(finding.File, finding.Line, finding.EndLine, blobUrlPrefix))
            .Append(" · ").Append(MarkdownText.Text(finding.Agent.Value))
            .Append(' ').Append(MarkdownText.Code(finding.Rule));
        if (finding.Source == FindingSource.Llm)
        {
            item.Append(report.IsBlocking(finding) ? " · *LLM*" : " · *advisory (LLM)*");
        }

        var message = maxMessage > 0 ? MarkdownText.Text(finding.Message, maxMessage, lineStart: true) : "";
        if (message.Length > 0)
        {
            item.Append("\\\n  ").Append(message);
        }

        return item.Append('\n').ToString();
    }

    /// <summary>
    /// The findings, grouped by severity, of which the first <paramref name="shown"/> (in reading order) are
    /// listed. With <paramref name="collapseAdvisory"/>, severities below high and below <c>fail_on</c> sit in one
    /// collapsed block.
    /// </summary>
    /// <remarks>
    /// Stops early once the text is longer than <paramref name="stopAfter"/>: a document that long is only
    /// measured and thrown away, and listing 50,000 findings just to learn that is wasted work.
    /// </remarks>
    public static string Findings(ReportView view, FindingItems items, int shown, int detailed, bool collapseAdvisory, string heading, int stopAfter = int.MaxValue)
    {
        if (view.Findings.Count == 0)
        {
            return "";
        }

        var text = new StringBuilder();
        text.Append(heading).Append("\n\n");
        var groups = view.Groups;

        var collapsed = collapseAdvisory ? groups.Where(g => !view.IsProminent(g.Severity)).ToList() : [];
        var open = groups.Except(collapsed).ToList();
        foreach (var group in open)
        {
            AppendGroup(text, view, items, shown, detailed, group.Severity, group.Indexes, stopAfter);
        }

        var collapsedShown = collapsed.Where(g => g.Indexes[0] < shown).ToList();
        if (collapsedShown.Count > 0)
        {
            var summary = string.Join(" · ", collapsed.Select(g => $"{ReportView.Emoji(g.Severity)} {MarkdownText.Number(g.Indexes.Count)} {g.Severity.ToText()}"));
            text.Append("<details>\n<summary>").Append(summary).Append(" (advisory)</summary>\n\n");
            foreach (var group in collapsedShown)
            {
                AppendGroup(text, view, items, shown, detailed, group.Severity, group.Indexes, stopAfter);
            }

            text.Append("</details>\n\n");
        }

        return text.ToString();
    }

    /// <summary>Says exactly which findings a size-limited document shortened or left out, and where they are in full.</summary>
    public static string Omitted(ReportView view, int shown, int detailed, string where)
    {
        var lines = new List<string>();
        var shortened = view.Findings.Skip(detailed).Take(shown - detailed).Where(f => f.Message.Trim().Length > 0).ToList();
        if (shortened.Count > 0)
        {
            lines.Add($"> **{MarkdownText.Count(shortened.Count, "finding")} {(shortened.Count == 1 ? "is" : "are")} shown without {(shortened.Count == 1 ? "its" : "their")} message** ({ReportView.Breakdown(shortened)}) to stay within GitHub's size limit.");
        }

        if (shown < view.Findings.Count)
        {
            var left = view.Findings.Skip(shown).ToList();
            lines.Add($"> **{MarkdownText.Count(left.Count, "finding")} {(left.Count == 1 ? "is" : "are")} not listed here** to stay within GitHub's size limit: {ReportView.Breakdown(left)}.");
        }

        return lines.Count == 0 ? "" : "> [!NOTE]\n" + string.Join("\n>\n", lines) + $"\n>\n> {where} list every finding in full.\n\n";
    }

    public static string Coverage(ReviewReport report, int listCap, string where)
    {
        var coverage = report.Coverage;
        var text = new StringBuilder("#### Coverage\n\n");
        text.Append(MarkdownText.Count(coverage.FilesChanged, "file")).Append(" changed · ")
            .Append(MarkdownText.Number(coverage.FilesReviewed)).Append(" reviewed · ")
            .Append(MarkdownText.Number(coverage.Skipped.Count)).Append(" skipped");
        text.Append("\\\n").Append(LlmLine(report.Budget)).Append("\n\n");

        if (coverage.Skipped.Count > 0)
        {
            text.Append("Skipped files:\n\n");
            AppendCapped(text, coverage.Skipped, listCap, s => $"- {MarkdownText.Code(s.File)} — {MarkdownText.Text(s.Reason, 200)}\n", s => s.Reason, where);
        }

        if (coverage.NotAnalysed.Count > 0)
        {
            text.Append("Not analysed by some agents:\n\n");
            AppendCapped(text, coverage.NotAnalysed, listCap, s => $"- **{MarkdownText.Text(s.Agent)}** {MarkdownText.Code(s.File)} — {MarkdownText.Text(s.Reason, 200)}\n", s => $"{s.Agent}: {s.Reason}", where);
        }

        return text.ToString();
    }

    public static string ShedOrDegraded(ReviewReport report)
    {
        var lines = new List<string>();
        foreach (var agent in report.Agents.Where(IsShedOrDegraded))
        {
            var required = IsRequired(agent.Policy) && agent.Status != "degraded" ? " (required)" : "";
            var reason = string.IsNullOrWhiteSpace(agent.Reason) ? "" : " — " + MarkdownText.Text(agent.Reason, 400);
            lines.Add($"- {StatusEmoji(agent.Status)} **{MarkdownText.Text(agent.Name)}**{required} {MarkdownText.Text(agent.Status.Replace('_', ' '))}{reason}\n");
        }

        foreach (var shed in report.Budget.Shed)
        {
            lines.Add($"- ✂️ LLM call for **{MarkdownText.Text(shed.Agent)}** shed ({MarkdownText.Text(shed.Lane)} lane, ~{MarkdownText.Number(shed.EstimatedTokens)} tokens) — {MarkdownText.Text(shed.Reason, 300)}\n");
        }

        return lines.Count == 0 ? "" : "#### Shed or degraded\n\n" + string.Concat(lines) + "\n";
    }

    /// <summary>Per agent, only what deserves attention: timeout warnings (50%), alerts (80%) and retries.</summary>
    public static string Timing(ReviewReport report)
    {
        var lines = new List<string>();
        foreach (var agent in report.Agents)
        {
            var parts = agent.Timeline
                .Where(e => e.Event is "warned" or "alerted" or "retried")
                .Select(e => TimelinePart(e))
                .ToList();
            var retriedInTimeline = agent.Timeline.Count(e => e.Event == "retried");
            if (agent.Retries > retriedInTimeline)
            {
                parts.Add(agent.Retries == 1 ? "🔁 retried once" : $"🔁 retried {agent.Retries.ToString(CultureInfo.InvariantCulture)} times");
            }

            if (parts.Count > 0)
            {
                lines.Add($"- **{MarkdownText.Text(agent.Name)}**: {string.Join(" · ", parts)}\n");
            }
        }

        return lines.Count == 0 ? "" : "#### Timeouts and retries\n\n" + string.Concat(lines) + "\n";
    }

    /// <summary>
    /// Agent notes: fenced Mermaid graphs as graphs, everything else as escaped bullets. A note several
    /// agents share ("rules only (no LLM configured)") is written once with all their names.
    /// </summary>
    public static string Notes(ReviewReport report, bool includeGraphs)
    {
        var text = new StringBuilder();
        var bullets = new List<(string Note, List<string> Agents)>();
        foreach (var agent in report.Agents)
        {
            foreach (var note in agent.Notes)
            {
                if (MermaidBlock(note) is { } graph)
                {
                    if (includeGraphs)
                    {
                        var title = agent.Name == "lineage" ? "Lineage graph" : $"Graph from {MarkdownText.Text(agent.Name)}";
                        text.Append("<details open>\n<summary>").Append(title).Append("</summary>\n\n").Append(graph).Append("\n</details>\n\n");
                    }

                    continue;
                }

                // The coverage line already says "LLM: none, deterministic rules only"; the same per agent is noise.
                if (!string.IsNullOrWhiteSpace(note) && !(IsRulesOnlyNote(note) && IsRulesOnly(report.Budget)))
                {
                    var normalized = MarkdownText.Normalize(note);
                    if (bullets.FirstOrDefault(b => b.Note == normalized) is { Agents: { } agents })
                    {
                        agents.Add(agent.Name);
                    }
                    else
                    {
                        bullets.Add((normalized, [agent.Name]));
                    }
                }
            }
        }

        if (bullets.Count > 0)
        {
            var lines = bullets.Select(b => $"- **{MarkdownText.Text(string.Join(", ", b.Agents.Distinct(StringComparer.Ordinal)))}**: {MarkdownText.Text(b.Note, 500)}\n");
            text.Insert(0, "#### Notes\n\n" + string.Concat(lines) + "\n");
        }

        return text.ToString();
    }

    private static bool IsRulesOnlyNote(string note) => note.StartsWith("rules only (no LLM", StringComparison.OrdinalIgnoreCase);

    private static bool IsRulesOnly(BudgetReport budget) =>
        string.Equals(budget.Llm, "none", StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(budget.Llm);

    public static int GraphCount(ReviewReport report) => report.Agents.Sum(a => a.Notes.Count(n => MermaidBlock(n) is not null));

    public static int NoteCount(ReviewReport report) => report.Agents.Sum(a => a.Notes.Count(n => !string.IsNullOrWhiteSpace(n) && !(IsRulesOnlyNote(n) && IsRulesOnly(report.Budget))));

    /// <summary>
    /// A note that is exactly one fenced <c>mermaid</c> block, re-fenced by us; null for anything else.
    /// A fence inside the body would end the block early and let the rest render as Markdown, so such a
    /// note is treated as text.
    /// </summary>
    public static string? MermaidBlock(string note)
    {
        var lines = note.Replace("\r\n", "\n", StringComparison.Ordinal).Trim('\n', ' ').Split('\n');
        if (lines.Length < 3
            || !string.Equals(lines[0].Trim(), "```mermaid", StringComparison.OrdinalIgnoreCase)
            || lines[^1].Trim() != "```")
        {
            return null;
        }

        var body = lines[1..^1];
        if (body.Any(l => l.TrimStart().StartsWith("```", StringComparison.Ordinal) || l.TrimStart().StartsWith("~~~", StringComparison.Ordinal) || l.Any(c => (char.IsControl(c) && c != '\t') || MarkdownText.IsBidiControl(c))))
        {
            return null;
        }

        return "```mermaid\n" + string.Join('\n', body.Select(l => l.TrimEnd())) + "\n```\n";
    }

    public static string Footer(ReviewReport report, string where)
    {
        var head = string.IsNullOrEmpty(report.HeadSha) ? "" : $"reviewed {MarkdownText.Code(report.HeadSha.Length > 12 ? report.HeadSha[..12] : report.HeadSha)} · ";
        return $"---\n<sub>ReviewBot · {head}this comment is updated in place on every run · {where} carry every finding</sub>\n";
    }

    public static string LlmLine(BudgetReport budget)
    {
        if (string.Equals(budget.Llm, "none", StringComparison.OrdinalIgnoreCase) || string.IsNullOrWhiteSpace(budget.Llm))
        {
            return "LLM: none, deterministic rules only";
        }

        var used = budget.PromptTokens + budget.CompletionTokens;
        var line = $"LLM: {MarkdownText.Code(budget.Llm)} · {MarkdownText.Number(used)} tokens";
        if (budget.LimitTokens > 0)
        {
            line += $" of {MarkdownText.Number(budget.LimitTokens)}";
        }

        if (budget.EstimatedUsd > 0)
        {
            line += $" · ~${budget.EstimatedUsd.ToString("0.00##", CultureInfo.InvariantCulture)}";
        }

        return line;
    }

    public static FindingItems RenderItems(ReportView view, string? blobUrlPrefix, int maxMessage) =>
        new(view, (i, compact) => view.IsGroupMember(i) ? ""
            : view.GroupLedBy(i) is { } members ? GroupItem(view, members, blobUrlPrefix, compact ? 0 : maxMessage)
            : FindingItem(view.Report, view.Findings[i], blobUrlPrefix, compact ? 0 : maxMessage));

    /// <summary>Most locations listed inside one group entry; the rest are counted (the check run and JSON report list all).</summary>
    internal const int GroupLocationCap = 30;

    /// <summary>
    /// Near-identical findings as one list item: the first one's title and message once, the count, and every
    /// location (each with its own title, which names its column or value) in a collapsed block.
    /// </summary>
    public static string GroupItem(ReportView view, IReadOnlyList<int> members, string? blobUrlPrefix, int maxMessage)
    {
        var first = view.Findings[members[0]];
        var files = members.Select(i => view.Findings[i].File).Distinct(StringComparer.Ordinal).Count();
        var item = new StringBuilder();
        item.Append("- **").Append(MarkdownText.Text(first.Title, 200)).Append("** and ")
            .Append(MarkdownText.Number(members.Count - 1)).Append(" more like it (")
            .Append(MarkdownText.Count(members.Count, "finding")).Append(" in ").Append(MarkdownText.Count(files, "file"))
            .Append(") · ").Append(MarkdownText.Text(first.Agent.Value))
            .Append(' ').Append(MarkdownText.Code(first.Rule));
        if (first.Source == FindingSource.Llm)
        {
            item.Append(view.Report.IsBlocking(first) ? " · *LLM*" : " · *advisory (LLM)*");
        }

        var message = maxMessage > 0 ? MarkdownText.Text(first.Message, maxMessage, lineStart: true) : "";
        if (message.Length > 0)
        {
            item.Append("\\\n  ").Append(message);
        }

        item.Append("\n  <details><summary>All ").Append(MarkdownText.Number(members.Count)).Append(" locations</summary>\n\n");
        foreach (var i in members.Take(GroupLocationCap))
        {
            var f = view.Findings[i];
            item.Append("  - ").Append(MarkdownText.Location(f.File, f.Line, f.EndLine, blobUrlPrefix)).Append(" — ").Append(MarkdownText.Text(f.Title, 160)).Append('\n');
        }

        if (members.Count > GroupLocationCap)
        {
            item.Append("  - …and ").Append(MarkdownText.Number(members.Count - GroupLocationCap)).Append(" more, listed in ").Append(ReportsElsewhere).Append('\n');
        }

        return item.Append("\n  </details>\n").ToString();
    }

    public static string StatusEmoji(string status) => status switch
    {
        "completed" => "✅",
        "degraded" => "⚠️",
        "failed" => "❌",
        "timed_out" => "⏱️",
        "skipped" => "⏭️",
        "shed" => "✂️",
        _ => "❔",
    };

    /// <summary>An agent that did not run in full. A skipped optional agent (nothing in its paths) is normal and not listed.</summary>
    public static bool IsShedOrDegraded(AgentReport agent) =>
        agent.Status != "completed" && !(agent.Status == "skipped" && !IsRequired(agent.Policy));

    public static bool IsRequired(string policy) => policy is "required" || policy.EndsWith("/required", StringComparison.Ordinal);

    private static void AppendGroup(StringBuilder text, ReportView view, FindingItems items, int shown, int detailed, Severity severity, IReadOnlyList<int> indexes, int stopAfter)
    {
        var visible = indexes.TakeWhile(i => i < shown).ToList();
        if (visible.Count == 0 || text.Length > stopAfter)
        {
            return;
        }

        var blocking = view.Blocking[severity];
        text.Append("**").Append(ReportView.Emoji(severity)).Append(' ').Append(ReportView.Name(severity));
        text.Append(blocking ? " · blocking" : "").Append("** (");
        text.Append(visible.Count == indexes.Count
            ? MarkdownText.Number(indexes.Count)
            : $"{MarkdownText.Number(visible.Count)} of {MarkdownText.Number(indexes.Count)} shown");
        text.Append(")\n\n");
        foreach (var i in visible)
        {
            text.Append(i < detailed ? items.Full(i) : items.Compact(i));
            if (text.Length > stopAfter)
            {
                return;
            }
        }

        text.Append('\n');
    }

    private static void AppendCapped<T>(StringBuilder text, IReadOnlyList<T> entries, int cap, Func<T, string> render, Func<T, string> reason, string where)
    {
        foreach (var entry in entries.Take(cap))
        {
            text.Append(render(entry));
        }

        if (entries.Count > cap)
        {
            var rest = entries.Skip(cap).ToList();
            var byReason = rest
                .GroupBy(reason, StringComparer.Ordinal)
                .OrderByDescending(g => g.Count())
                .ThenBy(g => g.Key, StringComparer.Ordinal)
                .Take(5)
                .Select(g => $"{MarkdownText.Number(g.Count())} {MarkdownText.Text(g.Key, 80)}")
                .ToList();
            var more = rest.Select(reason).Distinct(StringComparer.Ordinal).Count() > 5 ? ", …" : "";
            text.Append($"- …and {MarkdownText.Number(rest.Count)} more ({string.Join("; ", byReason)}{more}), all listed in {where}\n");
        }

        text.Append('\n');
    }

    private static string TimelinePart(TimelineEntry entry)
    {
        var (emoji, verb) = entry.Event switch
        {
            "warned" => ("⚠️", "warned"),
            "alerted" => ("🚨", "alerted"),
            _ => ("🔁", "retried"),
        };
        var detail = !string.IsNullOrWhiteSpace(entry.Detail) ? $" ({MarkdownText.Text(entry.Detail, 120)})"
            : entry.Event switch { "warned" => " (50% of its timeout)", "alerted" => " (80% of its timeout)", _ => "" };
        return $"{emoji} {verb} at {MarkdownText.Duration(entry.AtMs)}{detail}";
    }
}

/// <summary>
/// Each finding rendered in full and in its one-line form, in <see cref="ReportView.Findings"/> order.
/// Rendered on first use and kept: a size-limited document only ever shows the first few hundred.
/// </summary>
internal sealed class FindingItems(ReportView view, Func<int, bool, string> render)
{
    private readonly string?[] _full = new string?[view.Findings.Count];
    private readonly string?[] _compact = new string?[view.Findings.Count];

    public string Full(int index) => _full[index] ??= render(index, false);

    public string Compact(int index) => _compact[index] ??= render(index, true);
}
