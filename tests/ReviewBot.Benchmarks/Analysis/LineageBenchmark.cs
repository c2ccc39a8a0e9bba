using System.Text.Json;

namespace ReviewBot.Benchmarks.Analysis;

/// <summary>
/// The <c>lineage</c> scenario: only the upstream-change runs of <c>analysis</c> (one staging model with the most
/// descendants in the 7,500-model synthetic project changes; full review, rules only, through the real pipeline).
/// Target (issue #12): ≤ 3 s end to end on the 2-core machine. <c>REVIEWBOT_BENCH_DETAIL=1</c> adds per-agent times.
/// </summary>
public static class LineageBenchmark
{
    public static async Task<int> RunAsync(string? jsonPath)
    {
        var inputs = new[] { "rename", "filter", "add" }
            .SelectMany(kind => new[] { (Kind: kind, Input: UpstreamChange.Project(7_500, kind)), (Kind: "hub-" + kind, Input: UpstreamChange.Project(7_500, kind, hub: true)) })
            .ToList();
        foreach (var (_, input) in inputs)
        {
            await AnalysisBenchmark.MeasureAsync("warm-up", (input.Change, input.Models), CancellationToken.None);
        }

        var runs = new List<AnalysisBenchmark.Run>();
        foreach (var (kind, input) in inputs)
        {
            var run = await AnalysisBenchmark.BestOfAsync($"upstream-{kind}", () => (input.Change, input.Models));
            runs.Add(run with { Detail = $"{input.Model} ({input.Descendants} descendants)" });
        }

        // Context: the analysis scenario's 500 changed files (500 models classified, none with column-level impact).
        runs.Add(await AnalysisBenchmark.BestOfAsync("project-500", () => AnalysisBenchmark.Project(7_500, 500, 0)));

        foreach (var r in runs)
        {
            Console.WriteLine($"{r.Scenario,-16} models {r.Models}  wallMs {r.WallMs}  cpuMs {r.CpuMs}  peakWorkingSetMb {r.PeakWorkingSetMb}  findings {r.Findings}  {r.Detail}; {r.Classified}");
        }

        var within = runs.Where(r => r.Scenario.StartsWith("upstream-", StringComparison.Ordinal)).All(r => r.WallMs <= 3_000);
        Console.WriteLine($"target: full review of a 7,500-model project after an upstream change ≤3,000 ms: {within}");
        if (jsonPath is not null)
        {
            var json = JsonSerializer.Serialize(new { scenario = "lineage", runs, targets = new { upstreamChange7500Within3000Ms = within } }, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true });
            await File.WriteAllTextAsync(jsonPath, json);
        }

        return 0;
    }
}
