using System.Collections.Concurrent;
using ReviewBot.Agents.Context;
using ReviewBot.Agents.Context.Dbt;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.Rules;

/// <summary>
/// What a rule sees: the change, the shared context, and helpers that place a finding on a changed
/// head line (or on the file when no changed line fits) with the trimmed line as its anchor.
/// </summary>
internal sealed class RuleContext
{
    private readonly ConcurrentBag<SkippedFile> _notAnalysed = [];
    private readonly ConcurrentBag<PartialFile> _partial = [];
    private List<(DbtNode Node, FileChange Change)>? _changedNodes;
    private IReadOnlyList<AddedStatement>? _addedStatements;

    public RuleContext(AgentName agent, ChangeSet change, DbtGraph dbt, SqlFactsIndex sql, PipelineFactsIndex pipeline)
    {
        Agent = agent;
        Change = change;
        Dbt = dbt;
        Sql = sql;
        Pipeline = pipeline;
        Files = dbt.Files;
        Changed = change.Files.Where(f => f.Kind != ChangeKind.Deleted && !f.IsBinary).ToList();
    }

    public AgentName Agent { get; }

    /// <summary>The agent's settings from the config (rule toggles, PII lists...); empty by default.</summary>
    public Core.Configuration.AgentConfig Settings { get; init; } = Core.Configuration.AgentConfig.Empty;

    /// <summary>The whole config, for a rule that defers to another agent's rule (so one problem is reported once).</summary>
    public Core.Configuration.ReviewConfig Config { get; init; } = Core.Configuration.ReviewConfig.Default;

    /// <summary>True when <paramref name="agent"/> runs and its rule <paramref name="ruleId"/> is on.</summary>
    public bool RuleRuns(AgentName agent, string ruleId) => Config.AgentSettings(agent) is { Enabled: true } s && s.IsRuleEnabled(ruleId);

    public ChangeSet Change { get; }

    public DbtGraph Dbt { get; }

    public SqlFactsIndex Sql { get; }

    public PipelineFactsIndex Pipeline { get; }

    public SourceFiles Files { get; }

    /// <summary>Changed files present at head (not deleted, not binary).</summary>
    public IReadOnlyList<FileChange> Changed { get; }

    public IReadOnlyCollection<SkippedFile> NotAnalysed => _notAnalysed;

    /// <summary>Files the rules analysed only in part.</summary>
    public IReadOnlyCollection<PartialFile> Partial => _partial;

    /// <summary>
    /// The agent's timeout budget: rules that loop over files or lines check it between them, so a rule that takes
    /// too long ends with the budget instead of running on after the agent was abandoned.
    /// </summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>The rules could not analyse <paramref name="file"/> at all; for a required agent this makes the run incomplete (unless <c>on_unanalysed: warn</c>).</summary>
    public void CouldNotAnalyse(string file, string reason) => _notAnalysed.Add(new SkippedFile(file, reason));

    /// <summary>
    /// The rules analysed <paramref name="file"/> only in part: <paramref name="reason"/> says what was not followed and
    /// <paramref name="unresolved"/> names what stayed unknown (an unresolved macro, an opaque relation). Shown, never blocking.
    /// </summary>
    public void AnalysedPartly(string file, string reason, IReadOnlyList<string>? unresolved = null) =>
        _partial.Add(new PartialFile(file, reason, unresolved ?? []));

    /// <summary>Notes for the report (e.g. the lineage graph).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Changed files with one of the extensions.</summary>
    public IEnumerable<FileChange> ChangedWith(params string[] extensions) =>
        Changed.Where(f => extensions.Any(e => f.Path.EndsWith(e, StringComparison.OrdinalIgnoreCase)));

    /// <summary>Head nodes (models, snapshots) whose file changed at head.</summary>
    public IReadOnlyList<(DbtNode Node, FileChange Change)> ChangedNodes() => _changedNodes ??= Changed
        .SelectMany(f => Dbt.Head.NodesAt(f.Path).Select(n => (n, f)))
        .ToList();

    /// <summary>The head node of a model at base: matched by name, else by base path.</summary>
    public DbtNode? BaseOf(DbtNode head)
    {
        if (Dbt.Base.Nodes.TryGetValue(head.Name, out var byName))
        {
            return byName;
        }

        var change = Files.Changed.GetValueOrDefault(head.Path);
        // Only a rename carries a model over; a copy is a new model (see CopiedFiles).
        return change is { Kind: ChangeKind.Renamed, OldPath: { } old } && Dbt.Base.NodesByPath.TryGetValue(old, out var byPath) ? byPath : null;
    }

    /// <summary>True when the node did not exist at base (a new model).</summary>
    public bool IsNew(DbtNode head) => BaseOf(head) is null;

    /// <summary>Added lines of a changed file, with head line numbers.</summary>
    public static IEnumerable<DiffLine> Added(FileChange file) => file.AddedLines;

    /// <summary>The line to point at: <paramref name="preferred"/> when it was added, else the nearest added line, else null (the file).</summary>
    public int? Locate(string file, int? preferred)
    {
        var added = Files.AddedLines(file);
        if (added.Length == 0)
        {
            return null;
        }

        if (preferred is not { } p)
        {
            return added[0];
        }

        var index = Array.BinarySearch(added, p);
        if (index >= 0)
        {
            return p;
        }

        index = ~index;
        if (index == 0)
        {
            return added[0];
        }

        if (index == added.Length)
        {
            return added[^1];
        }

        return p - added[index - 1] <= added[index] - p ? added[index - 1] : added[index];
    }

    /// <summary>True when the head line was added by the change.</summary>
    public bool IsAdded(string file, int line) => Files.IsAdded(file, line);

    /// <summary>The added SQL statements of the change (computed once per agent run).</summary>
    public IReadOnlyList<AddedStatement> AddedStatements => _addedStatements ??= ChangedSql.Find(this);

    /// <summary>The head line of the diff closest to where base line <paramref name="baseLine"/> was removed.</summary>
    public int? HeadLineNearRemoved(string file, int baseLine)
    {
        if (!Files.Changed.TryGetValue(file, out var change))
        {
            return null;
        }

        foreach (var hunk in change.Hunks)
        {
            var lastHead = hunk.HeadStart;
            foreach (var line in hunk.Lines)
            {
                if (line.HeadLine is { } h)
                {
                    lastHead = h;
                }

                if (line.Kind == DiffLineKind.Removed && line.BaseLine == baseLine)
                {
                    var added = hunk.Lines.FirstOrDefault(l => l.Kind == DiffLineKind.Added && l.HeadLine >= lastHead);
                    return added?.HeadLine ?? Locate(file, lastHead);
                }
            }
        }

        return Locate(file, null);
    }

    /// <summary>Builds a finding at the located line; the anchor is the trimmed head line (or <paramref name="anchor"/>).</summary>
    public Finding Report(Rule rule, string file, int? line, string title, string message, Severity? severity = null, string? anchor = null, bool exactLine = false)
    {
        var located = exactLine ? line : Locate(file, line);
        var lines = Files.HeadLines(file);
        var text = anchor ?? (located is { } l && l >= 1 && l <= lines.Length ? lines[l - 1].Trim() : title);
        return new Finding
        {
            Agent = Agent,
            Rule = rule.Id,
            Severity = severity ?? rule.DefaultSeverity,
            File = file,
            Line = located,
            EndLine = located,
            Title = title,
            Message = message,
            Source = FindingSource.Rule,
            Anchor = text.Length > 300 ? text[..300] : text,
        };
    }
}
