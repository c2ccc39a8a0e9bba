using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Llm;
using ReviewBot.TestUtils;

namespace ReviewBot.Agents.Tests;

/// <summary>Loads fixture projects and runs the catalogue over a change, as the engine would (rules only).</summary>
internal static class Review
{
    public static Dictionary<string, string> Fixture(string name)
    {
        var root = Path.Combine(AppContext.BaseDirectory, "Fixtures", name);
        return Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(root, f).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);
    }

    /// <summary>The shop fixture with edits applied (null deletes a file).</summary>
    public static ChangeSet Shop(params (string Path, string? Text)[] edits) =>
        ChangeSets.FromEdits(Fixture("shop"), edits.ToDictionary(e => e.Path, e => e.Text, StringComparer.Ordinal));

    /// <summary>Replaces <paramref name="find"/> with <paramref name="replace"/> in a shop file.</summary>
    public static (string, string?) Edit(string path, string find, string replace)
    {
        var text = Fixture("shop")[path];
        Assert.Contains(find, text, StringComparison.Ordinal);
        return (path, text.Replace(find, replace, StringComparison.Ordinal));
    }

    public static async Task<RunResult> RunAsync(ChangeSet change, ReviewConfig? config = null, ILanguageModel? llm = null, global::ReviewBot.Agents.LlmPass.IAgentLlmPass? pass = null)
    {
        config ??= ReviewConfig.Default;
        var resources = new ResourceStore();
        await SharedContext.BuildAsync(change, resources, CancellationToken.None);
        var agents = AgentCatalog.Create(config, pass);
        var outputs = await Task.WhenAll(agents.Select(a => a.RunAsync(
            new AgentContext { Change = change, Resources = resources, Settings = config.AgentSettings(a.Descriptor.Name), Config = config, Llm = llm },
            CancellationToken.None)));
        return new RunResult(agents.Zip(outputs).ToDictionary(p => p.First.Descriptor.Name, p => p.Second));
    }

    public static Task<RunResult> RunAsync(params (string Path, string? Text)[] edits) => RunAsync(Shop(edits));
}

internal sealed record RunResult(IReadOnlyDictionary<AgentName, AgentOutput> Outputs)
{
    public IReadOnlyList<Finding> Findings => Outputs.Values.SelectMany(o => o.Findings).ToList();

    public IReadOnlyList<Finding> Of(string rule) => Findings.Where(f => f.Rule == rule).ToList();

    public Finding Single(string rule)
    {
        var found = Of(rule);
        Assert.True(found.Count == 1, $"expected one '{rule}' finding, got {found.Count}: {Describe()}");
        return found[0];
    }

    public void None(string rule) => Assert.True(Of(rule).Count == 0, $"expected no '{rule}' finding: {Describe()}");

    public string Describe() => string.Join("\n", Findings.Select(f => $"[{f.Severity}] {f.Agent}/{f.Rule} {f.File}:{f.Line} {f.Title}"));
}
