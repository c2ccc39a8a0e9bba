using System.Reflection;

namespace ReviewBot.Benchmarks;

/// <summary>
/// <c>dotnet run -c Release --project tests/ReviewBot.Benchmarks -- SCENARIO [options]</c>.
/// A scenario is a class named <c>XxxBenchmark</c> with either
/// <c>public static Task&lt;int&gt; RunAsync(string? jsonPath)</c> (takes <c>--json FILE</c>) or
/// <c>public static Task&lt;int&gt; RunAsync(string[] args)</c> (gets every argument after the scenario name);
/// its name is <c>xxx</c> in lower case (orchestration, analysis, webhooks, render, sql, ...).
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var scenarios = new Dictionary<string, MethodInfo>(StringComparer.Ordinal);
        foreach (var type in typeof(Program).Assembly.GetTypes().Where(t => t.Name.EndsWith("Benchmark", StringComparison.Ordinal)))
        {
            var run = type.GetMethod("RunAsync", BindingFlags.Public | BindingFlags.Static, [typeof(string[])])
                ?? type.GetMethod("RunAsync", BindingFlags.Public | BindingFlags.Static, [typeof(string)]);
            if (run is not null)
            {
                scenarios[type.Name[..^"Benchmark".Length].ToLowerInvariant()] = run;
            }
        }

        var name = args.FirstOrDefault();
        if (name is null || !scenarios.TryGetValue(name, out var method))
        {
            await Console.Error.WriteLineAsync($"usage: ReviewBot.Benchmarks <{string.Join('|', scenarios.Keys.Order())}> [options]");
            return 2;
        }

        var rest = args.Skip(1).ToArray();
        object?[] arguments = method.GetParameters()[0].ParameterType == typeof(string[])
            ? [rest]
            : [rest.SkipWhile(a => a != "--json").Skip(1).FirstOrDefault()];
        return await (Task<int>)method.Invoke(null, arguments)!;
    }
}
