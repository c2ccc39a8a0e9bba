using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Llm;

namespace ReviewBot.Agents.Tests.LlmPass;

/// <summary>Builds diff models from readable lines: "+added", "-removed", " context".</summary>
internal static class Diffs
{
    /// <summary>One hunk starting at head line <paramref name="headStart"/> (and the same base line).</summary>
    public static DiffHunk Hunk(int headStart, params string[] lines)
    {
        var result = new List<DiffLine>();
        int baseLine = headStart, headLine = headStart;
        foreach (var line in lines)
        {
            var text = line[1..];
            result.Add(line[0] switch
            {
                '+' => new DiffLine(DiffLineKind.Added, text, null, headLine++),
                '-' => new DiffLine(DiffLineKind.Removed, text, baseLine++, null),
                _ => new DiffLine(DiffLineKind.Context, text, baseLine++, headLine++),
            });
        }

        var baseCount = result.Count(l => l.Kind != DiffLineKind.Added);
        var headCount = result.Count(l => l.Kind != DiffLineKind.Removed);
        return new DiffHunk(headStart, baseCount, headStart, headCount, "", result);
    }

    public static FileChange File(string path, params DiffHunk[] hunks) => new(path, ChangeKind.Modified, hunks);

    public static FileChange Added(string path, params string[] lines) =>
        new(path, ChangeKind.Added, [Hunk(1, lines.Select(l => "+" + l).ToArray())]);

    public static AgentContext Context(ILanguageModel? llm, IReadOnlyList<FileChange> files, AgentConfig? settings = null, AgentName? agent = null, ReviewConfig? config = null) => new()
    {
        Agent = agent,
        Config = config ?? ReviewConfig.Default,
        Change = new ChangeSet(files, MemorySnapshot.Empty("base"), MemorySnapshot.Empty("head")),
        Resources = new ResourceStore(),
        Settings = settings ?? AgentConfig.Empty,
        Llm = llm,
    };

    public static string Json(params (string File, int Line, string Severity, string Title, double Confidence)[] findings) =>
        System.Text.Json.JsonSerializer.Serialize(new
        {
            findings = findings.Select(f => new { file = f.File, line = f.Line, severity = f.Severity, title = f.Title, message = "Because it matters; do this instead.", confidence = f.Confidence }),
        });
}
