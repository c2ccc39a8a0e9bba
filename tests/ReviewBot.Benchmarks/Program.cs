using System.Reflection;

namespace ReviewBot.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/ReviewBot.Benchmarks -- SCENARIO [--json FILE]</c>.
/// A scenario is a class named <c>XxxBenchmark</c> with <c>public static Task&lt;int&gt; RunAsync(string? jsonPath)</c>;
/// its name is <c>xxx</c> in lower case (orchestration, analysis, webhooks, ...).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var scenarios = typeof(Program).Assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Benchmark", StringComparison.Ordinal))
            .Select(t => (Name: t.Name[..^"Benchmark".Length].ToLowerInvariant(), Run: t.GetMethod("RunAsync", BindingFlags.Public | BindingFlags.Static, [typeof(string)])))
            .Where(s => s.Run is not null)
            .ToDictionary(s => s.Name, s => s.Run!);

        var name = args.FirstOrDefault();
        var json = args.SkipWhile(a => a != "--json").Skip(1).FirstOrDefault();
        if (name is null || !scenarios.TryGetValue(name, out var run))
        {
            await Console.Error.WriteLineAsync($"usage: ReviewBot.Benchmarks <{string.Join('|', scenarios.Keys.Order())}> [--json FILE]");
            return 2;
        }

        return await (Task<int>)run.Invoke(null, [json])!;
    }
}
