using System.Globalization;
using System.Text;
using System.Text.Json;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Findings;

namespace ReviewBot.Agents.LlmPass;

/// <summary>One finding as the model wrote it; <see cref="Problem"/> is set when it is unusable as written.</summary>
internal sealed record RawFinding(string? File, int? Line, string? Severity, string? Title, string? Message, double? Confidence)
{
    public string? Problem { get; init; }
}

/// <summary>
/// Reads the model's JSON answer and turns each finding into a <see cref="Finding"/> anchored on a changed line the
/// model was shown, re-anchoring near misses and dropping the rest.
/// </summary>
internal static class LlmFindingReader
{
    /// <summary>The rule id of every LLM finding.</summary>
    public const string Rule = "llm-review";

    private const int MaxTitle = 120;
    private const int MaxMessage = 2_000;

    /// <summary>
    /// Parses <c>{"findings":[...]}</c> (tolerating a Markdown code fence around it). False, with an error to send
    /// back in the repair retry, when the answer as a whole is unusable; individual bad findings come back with a
    /// <see cref="RawFinding.Problem"/> instead.
    /// </summary>
    public static bool TryParse(string text, out IReadOnlyList<RawFinding> findings, out string error)
    {
        findings = [];
        error = "";
        var json = StripFence(text);
        if (json.Length == 0)
        {
            error = "the answer was empty";
            return false;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            error = $"the answer is not valid JSON ({ex.Message})";
            return false;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object
                || !document.RootElement.TryGetProperty("findings", out var array) || array.ValueKind != JsonValueKind.Array)
            {
                error = "the answer must be a JSON object with a \"findings\" array";
                return false;
            }

            var list = new List<RawFinding>();
            foreach (var item in array.EnumerateArray())
            {
                list.Add(Read(item));
            }

            findings = list;
            return true;
        }
    }

    /// <summary>Validates and anchors the findings of one call; <paramref name="dropped"/> counts those that could not be kept.</summary>
    public static IReadOnlyList<Finding> Validate(AgentName agent, IReadOnlyList<RawFinding> raw, CallPlan call, AgentLlmPassOptions options, out int dropped)
    {
        dropped = 0;
        var result = new List<Finding>();
        foreach (var finding in raw)
        {
            if (ToFinding(agent, finding, call, options) is { } valid)
            {
                result.Add(valid);
            }
            else
            {
                dropped++;
            }
        }

        return result;
    }

    private static Finding? ToFinding(AgentName agent, RawFinding raw, CallPlan call, AgentLlmPassOptions options)
    {
        if (raw.Problem is not null || raw.File is null || raw.Title is null || raw.Message is null)
        {
            return null;
        }

        if (!SeverityText.TryParse(raw.Severity, out var severity))
        {
            return null;
        }

        var confidence = Math.Clamp(raw.Confidence ?? 0.5, 0, 1);
        if (confidence < options.MinConfidence)
        {
            return null;
        }

        var file = call.Files.FirstOrDefault(f => f.File.Path == raw.File.Trim())
            ?? call.Files.FirstOrDefault(f => f.File.Path == NormalizePath(raw.File));
        if (file is null)
        {
            return null;
        }

        var title = PlainText(raw.Title, MaxTitle);
        var message = PlainText(raw.Message, MaxMessage);
        if (title.Length == 0 || message.Length == 0)
        {
            return null;
        }

        int? line = null;
        string? anchor = null;
        if (file.File.Kind != ChangeKind.Deleted)
        {
            if (raw.Line is not { } wanted || Anchor(file, wanted, options.ReanchorDistance) is not { } target)
            {
                return null;
            }

            line = target.HeadLine;
            anchor = target.Text.Trim();
        }

        return new Finding
        {
            Agent = agent,
            Rule = Rule,
            Severity = severity,
            File = file.File.Path,
            Line = line,
            EndLine = line,
            Title = title,
            Message = message,
            Source = FindingSource.Llm,
            Confidence = confidence,
            Anchor = anchor ?? title,
        };
    }

    /// <summary>
    /// The changed line to anchor on: the wanted line when it is a changed line the model saw, else the nearest
    /// one within <paramref name="distance"/> lines in a hunk the model saw; null when there is none that close.
    /// </summary>
    internal static DiffLine? Anchor(SentFile file, int wanted, int distance)
    {
        DiffLine? best = null;
        var bestDistance = int.MaxValue;
        foreach (var hunk in file.Hunks)
        {
            foreach (var target in Targets(hunk))
            {
                var d = Math.Abs(target.HeadLine!.Value - wanted);
                if (d < bestDistance)
                {
                    best = target;
                    bestDistance = d;
                }
            }
        }

        return bestDistance <= distance ? best : null;
    }

    /// <summary>
    /// Lines a finding may sit on: the added lines shown; for a hunk that only removes lines, the context line next
    /// to the removal (the only head-side place a comment about it can go).
    /// </summary>
    private static IEnumerable<DiffLine> Targets(SentHunk hunk)
    {
        var added = hunk.Lines.Where(l => l.Kind == DiffLineKind.Added && l.HeadLine is not null).ToList();
        if (added.Count > 0)
        {
            return added;
        }

        var targets = new List<DiffLine>();
        for (var i = 0; i < hunk.Lines.Count; i++)
        {
            if (hunk.Lines[i].Kind != DiffLineKind.Removed)
            {
                continue;
            }

            var after = hunk.Lines.Skip(i + 1).FirstOrDefault(l => l.Kind == DiffLineKind.Context);
            var before = hunk.Lines.Take(i).LastOrDefault(l => l.Kind == DiffLineKind.Context);
            if ((after ?? before) is { HeadLine: not null } next && !targets.Contains(next))
            {
                targets.Add(next);
            }
        }

        return targets;
    }

    private static RawFinding Read(JsonElement item)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return new RawFinding(null, null, null, null, null, null) { Problem = "not an object" };
        }

        var file = String(item, "file");
        var severity = String(item, "severity");
        var title = String(item, "title");
        var message = String(item, "message");
        int? line = null;
        if (item.TryGetProperty("line", out var l))
        {
            if (l.ValueKind == JsonValueKind.Number && l.TryGetDouble(out var d) && d == Math.Floor(d) && d is >= 0 and <= int.MaxValue)
            {
                line = (int)d;
            }
            else if (l.ValueKind == JsonValueKind.String && int.TryParse(l.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
            {
                line = parsed;
            }
        }

        double? confidence = item.TryGetProperty("confidence", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetDouble() : null;
        var problem = file is null || title is null || message is null ? "missing file, title or message" : null;
        return new RawFinding(file, line, severity, title, message, confidence) { Problem = problem };
    }

    private static string? String(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static string NormalizePath(string path)
    {
        var p = path.Trim().Replace('\\', '/');
        foreach (var prefix in (string[])["./", "a/", "b/", "/"])
        {
            if (p.StartsWith(prefix, StringComparison.Ordinal))
            {
                return p[prefix.Length..];
            }
        }

        return p;
    }

    /// <summary>Single-spaced-where-it-matters plain text: control characters removed, length clipped. Escaping is the renderer's job.</summary>
    private static string PlainText(string text, int max)
    {
        var builder = new StringBuilder(Math.Min(text.Length, max + 1));
        foreach (var ch in text.Trim())
        {
            if (ch == '\n' || ch == '\t' || !char.IsControl(ch))
            {
                builder.Append(ch == '\t' ? ' ' : ch);
            }
        }

        var clean = builder.ToString().Trim();
        return clean.Length <= max ? clean : string.Concat(clean.AsSpan(0, max - 1), "…");
    }

    private static string StripFence(string text)
    {
        var t = text.Trim();
        if (!t.StartsWith("```", StringComparison.Ordinal))
        {
            return t;
        }

        var firstNewline = t.IndexOf('\n', StringComparison.Ordinal);
        var end = t.LastIndexOf("```", StringComparison.Ordinal);
        return firstNewline < 0 || end <= firstNewline ? t : t[(firstNewline + 1)..end].Trim();
    }
}
