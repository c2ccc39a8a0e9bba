using System.Text;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.LlmPass;

/// <summary>The lines of one hunk that one call showed the model.</summary>
internal sealed record SentHunk(DiffHunk Hunk, IReadOnlyList<DiffLine> Lines);

/// <summary>What one call showed of one file.</summary>
internal sealed record SentFile(FileChange File, IReadOnlyList<SentHunk> Hunks);

/// <summary>One call: the files it shows and their rendered text (inside the data block).</summary>
internal sealed record CallPlan(IReadOnlyList<SentFile> Files, string Text);

/// <summary>The calls of one agent's pass, what they leave unseen, and how many values were masked.</summary>
internal sealed record SlicePlan(IReadOnlyList<CallPlan> Calls, IReadOnlyList<SkippedFile> NotSeen, int Redactions);

/// <summary>
/// Renders the agent's slice as numbered diff lines (redacted), then packs it into calls of bounded size in
/// file-priority order: whole files where they fit, else split by hunk and by line; what exceeds the call limit
/// is reported as not seen.
/// </summary>
internal static class SlicePlanner
{
    public static SlicePlan Plan(IReadOnlyList<FileChange> slice, IReadOnlyList<Finding> ruleFindings, int availableChars, AgentLlmPassOptions options)
    {
        var notSeen = new List<SkippedFile>();
        var redactions = 0;
        var files = new List<RenderedFile>();
        foreach (var file in Order(slice, options))
        {
            if (file.IsBinary)
            {
                notSeen.Add(new SkippedFile(file.Path, "binary: not sent to the LLM"));
                continue;
            }

            if (file.Hunks.Count == 0)
            {
                continue;
            }

            files.Add(Render(file, ruleFindings, options, ref redactions, availableChars));
        }

        var calls = new List<CallPlan>();
        var current = new CallBuilder();
        var unsent = new Dictionary<string, List<RenderedPiece>>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            if (calls.Count == options.MaxCallsPerAgent)
            {
                unsent[file.File.Path] = [.. file.Pieces];
                continue;
            }

            // A file that fits a call of its own is never split across two.
            if (!current.IsEmpty && file.Length <= availableChars && current.Length + file.Length > availableChars)
            {
                calls.Add(current.Build());
                current = new CallBuilder();
            }

            foreach (var piece in file.Pieces)
            {
                if (!current.IsEmpty && current.Length + piece.Text.Length + (current.Has(file.File) ? 0 : file.Header.Length) > availableChars)
                {
                    calls.Add(current.Build());
                    current = new CallBuilder();
                }

                if (calls.Count == options.MaxCallsPerAgent)
                {
                    (unsent.TryGetValue(file.File.Path, out var list) ? list : unsent[file.File.Path] = []).Add(piece);
                    continue;
                }

                current.Add(file, piece);
            }
        }

        if (!current.IsEmpty && calls.Count < options.MaxCallsPerAgent)
        {
            calls.Add(current.Build());
        }

        foreach (var file in files)
        {
            if (!unsent.TryGetValue(file.File.Path, out var pieces) || pieces.Count == 0)
            {
                continue;
            }

            var limit = $"{options.MaxCallsPerAgent} call(s) of about {options.MaxPromptTokensPerCall:N0} tokens per agent";
            if (pieces.Count == file.Pieces.Count)
            {
                notSeen.Add(new SkippedFile(file.File.Path, $"not sent to the LLM: the slice exceeds {limit}"));
            }
            else
            {
                var heads = pieces.SelectMany(p => p.Lines).Select(l => l.HeadLine ?? l.BaseLine ?? 0).Where(n => n > 0).ToList();
                var range = heads.Count == 0 ? "some lines" : $"lines {heads.Min()}-{heads.Max()}";
                notSeen.Add(new SkippedFile(file.File.Path, $"partly sent to the LLM: {range} not seen ({limit})"));
            }
        }

        return new SlicePlan(calls, notSeen, redactions);
    }

    /// <summary>The text one line has in the prompt: marker, head line number, text.</summary>
    internal static string FormatLine(DiffLine line, string text) => line.Kind switch
    {
        DiffLineKind.Added => $"+{line.HeadLine} | {text}",
        DiffLineKind.Removed => $"- | {text}",
        _ => $" {line.HeadLine} | {text}",
    };

    internal static string FileHeader(FileChange file) =>
        file.OldPath is { } old && file.Kind == ChangeKind.Renamed
            ? $"### FILE {file.Path} (renamed from {old})\n"
            : $"### FILE {file.Path} ({file.Kind.ToString().ToLowerInvariant()})\n";

    private static IEnumerable<FileChange> Order(IReadOnlyList<FileChange> slice, AgentLlmPassOptions options)
    {
        if (options.Priority is { } priority)
        {
            return slice.OrderByDescending(priority).ThenBy(f => f.Path, StringComparer.Ordinal);
        }

        return slice
            .OrderBy(f => f.Kind == ChangeKind.Deleted ? 1 : 0)
            .ThenBy(f => IsPipelineCode(f.Path) ? 0 : 1)
            .ThenBy(f => f.Hunks.Sum(h => h.Lines.Count))
            .ThenBy(f => f.Path, StringComparer.Ordinal);
    }

    private static bool IsPipelineCode(string path) =>
        path.EndsWith(".sql", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".py", StringComparison.OrdinalIgnoreCase)
        || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase);

    private static RenderedFile Render(FileChange file, IReadOnlyList<Finding> ruleFindings, AgentLlmPassOptions options, ref int redactions, int availableChars)
    {
        // Lines a rule flagged as a secret are withheld entirely, whatever the masking below would keep. The
        // detection the secret rule runs is run here too, on the head and base sides of the hunks read as documents,
        // so every agent's slice (custom agents' too) withholds the same lines whichever agent ran first.
        var withheldHead = ruleFindings
            .Where(f => f.File == file.Path && f.Line is not null && IsSecretRule(f.Rule))
            .Select(f => f.Line!.Value)
            .ToHashSet();
        var all = file.Hunks.SelectMany(h => h.Lines).ToList();
        var texts = new string[all.Count];
        var withheld = new bool[all.Count];
        foreach (var side in new[] { DiffLineKind.Removed, DiffLineKind.Added })
        {
            // The head side is every line but the removed ones; the base side every line but the added ones.
            var view = Enumerable.Range(0, all.Count).Where(i => all[i].Kind != side).ToList();
            var redacted = SecretRedactor.RedactDocument(file.Path, view.Select(i => all[i].Text).ToList(), out var masked, out var flagged);
            redactions += masked;
            for (var v = 0; v < view.Count; v++)
            {
                var at = view[v];
                var mine = side == DiffLineKind.Removed ? all[at].Kind != DiffLineKind.Removed : all[at].Kind == DiffLineKind.Removed;
                if (mine || texts[at] is null)
                {
                    texts[at] = redacted[v];
                }

                withheld[at] |= flagged.Contains(v);
            }
        }

        for (var i = 0; i < all.Count; i++)
        {
            withheld[i] |= all[i].Kind != DiffLineKind.Removed && all[i].HeadLine is { } h && withheldHead.Contains(h);
        }

        var header = FileHeader(file);
        var pieceBudget = Math.Max(200, availableChars - header.Length);
        var pieces = new List<RenderedPiece>();
        var index = 0;
        foreach (var hunk in file.Hunks)
        {
            var section = hunk.Section.Trim();
            // The lines carry their head numbers, so the hunk header only separates hunks and names the enclosing section.
            var hunkHeader = $"@@{(section.Length == 0 ? "" : " " + Section(SecretRedactor.Redact(section)))}\n";
            var text = new StringBuilder(hunkHeader);
            var lines = new List<DiffLine>();
            var keep = ContextToKeep(hunk, options.ContextLines);
            for (var at = 0; at < hunk.Lines.Count; at++)
            {
                var line = hunk.Lines[at];
                // Blank context lines tell the model nothing; the head numbers still show where lines are.
                if (!keep[at] || (line.Kind == DiffLineKind.Context && string.IsNullOrWhiteSpace(line.Text)))
                {
                    index++;
                    continue;
                }

                string content;
                if (withheld[index])
                {
                    content = "[REDACTED:line flagged as a secret by the rules]";
                    redactions++;
                }
                else
                {
                    content = Clip(texts[index], options.MaxLineLength);
                }

                index++;
                var rendered = FormatLine(line, content) + "\n";
                if (lines.Count > 0 && text.Length + rendered.Length > pieceBudget)
                {
                    pieces.Add(new RenderedPiece(hunk, lines, text.ToString()));
                    text = new StringBuilder($"@@ continued, head line {line.HeadLine ?? line.BaseLine} @@\n");
                    lines = [];
                }

                text.Append(rendered);
                lines.Add(line);
            }

            pieces.Add(new RenderedPiece(hunk, lines, text.ToString()));
        }

        return new RenderedFile(file, header, pieces);
    }

    /// <summary>Which lines of a hunk to show: every change, and context within <paramref name="context"/> lines of one.</summary>
    private static bool[] ContextToKeep(DiffHunk hunk, int context)
    {
        var keep = new bool[hunk.Lines.Count];
        for (var i = 0; i < hunk.Lines.Count; i++)
        {
            if (hunk.Lines[i].Kind == DiffLineKind.Context)
            {
                continue;
            }

            for (var j = Math.Max(0, i - context); j <= Math.Min(hunk.Lines.Count - 1, i + context); j++)
            {
                keep[j] = true;
            }
        }

        return keep;
    }

    private static bool IsSecretRule(string rule) =>
        rule.Contains("secret", StringComparison.OrdinalIgnoreCase) || rule.Contains("credential", StringComparison.OrdinalIgnoreCase)
        || rule.Contains("private-key", StringComparison.OrdinalIgnoreCase) || rule.Contains("token", StringComparison.OrdinalIgnoreCase);

    /// <summary>The hunk's enclosing section (function, CTE), cut to a short hint.</summary>
    private static string Section(string text) => text.Length <= 60 ? text : string.Concat(text.AsSpan(0, 60), "…");

    private static string Clip(string text, int max) =>
        text.Length <= max ? text : string.Concat(text.AsSpan(0, max), $" …[clipped {text.Length - max} chars]");

    private sealed record RenderedPiece(DiffHunk Hunk, IReadOnlyList<DiffLine> Lines, string Text);

    private sealed record RenderedFile(FileChange File, string Header, IReadOnlyList<RenderedPiece> Pieces)
    {
        public int Length { get; } = Header.Length + Pieces.Sum(p => p.Text.Length);
    }

    private sealed class CallBuilder
    {
        private readonly StringBuilder _text = new();
        private readonly List<(FileChange File, List<SentHunk> Hunks)> _files = [];

        public bool IsEmpty => _files.Count == 0;

        public int Length => _text.Length;

        public bool Has(FileChange file) => _files.Count > 0 && ReferenceEquals(_files[^1].File, file);

        public void Add(RenderedFile file, RenderedPiece piece)
        {
            if (!Has(file.File))
            {
                _text.Append(file.Header);
                _files.Add((file.File, []));
            }

            _text.Append(piece.Text);
            var hunks = _files[^1].Hunks;
            if (hunks.Count > 0 && ReferenceEquals(hunks[^1].Hunk, piece.Hunk))
            {
                hunks[^1] = hunks[^1] with { Lines = [.. hunks[^1].Lines, .. piece.Lines] };
            }
            else
            {
                hunks.Add(new SentHunk(piece.Hunk, piece.Lines));
            }
        }

        public CallPlan Build() => new(_files.Select(f => new SentFile(f.File, f.Hunks)).ToList(), _text.ToString());
    }
}
