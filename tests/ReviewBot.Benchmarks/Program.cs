using ReviewBot.Benchmarks.Analysis;

// Usage: dotnet run -c Release --project tests/ReviewBot.Benchmarks -- <scenario> [--json FILE]
var scenario = args.Length > 0 ? args[0] : "";
string? json = null;
for (var i = 1; i < args.Length - 1; i++)
{
    if (args[i] == "--json")
    {
        json = args[i + 1];
    }
}

return scenario switch
{
    "analysis" => await AnalysisBenchmark.RunAsync(json),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: ReviewBot.Benchmarks <scenario> [--json FILE]; scenarios: analysis");
    return 2;
}
