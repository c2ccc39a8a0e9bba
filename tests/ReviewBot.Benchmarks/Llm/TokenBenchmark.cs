using System.Text.Json;
using System.Text.RegularExpressions;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Llm;
using ReviewBot.Pipeline;
using ReviewBot.TestUtils.Llm;

namespace ReviewBot.Benchmarks.Llm;

/// <summary>
/// Issue 6 "Measure": the prompt tokens all agents' LLM passes send for the sample change
/// (<c>samples/jaffle_pipeline</c>) against the token count of the whole diff, and per agent.
/// </summary>
/// <remarks>
/// The whole pipeline runs with the real Azure OpenAI client against a loopback WireMock endpoint that answers
/// no findings and reports as usage the size of what each request carried (about four characters per token, the
/// same estimate the budget uses), so <c>agents[].promptTokens</c> in the report is what a real run would meter.
/// Each request is also split into the change slice (inside the data block) and the fixed part (role prompt,
/// framing, schema), because on a small diff the fixed part dominates.
/// </remarks>
public static partial class TokenBenchmark
{
    public static async Task<int> RunAsync(string? jsonPath)
    {
        var root = SampleRoot();
        var diff = await File.ReadAllBytesAsync(Path.Combine(root, "change.diff")).ConfigureAwait(false);
        var change = new ChangeSet(UnifiedDiffParser.Parse(diff), Snapshot(root, "base"), Snapshot(root, "head"));
        var diffChars = System.Text.Encoding.UTF8.GetString(diff).Length;
        var diffTokens = (diffChars + 3) / 4;

        using var stub = ChatCompletionsStub.StartAzure("reviewbot-benchmark");
        stub.AnswerWithMeasuredUsage("{\"findings\":[]}");
        using var http = new HttpClient();
        var settings = new LlmSettings
        {
            Provider = LlmProvider.AzureOpenAI,
            Endpoint = new Uri(stub.Endpoint),
            Deployment = stub.Deployment,
            ApiKey = "benchmark",
        };
        var config = new ReviewConfig { Llm = new LlmConfig { Provider = LlmProvider.AzureOpenAI, Endpoint = stub.Endpoint, Deployment = stub.Deployment } };
        var report = await new ReviewPipeline(TimeProvider.System, LanguageModelFactory.Create(settings, http))
            .RunAsync(change, config, observer: null, CancellationToken.None).ConfigureAwait(false);

        // REVIEWBOT_TOKENS_DUMP=DIR writes each request body, to read exactly what each agent was sent.
        if (Environment.GetEnvironmentVariable("REVIEWBOT_TOKENS_DUMP") is { Length: > 0 } dump)
        {
            Directory.CreateDirectory(dump);
            for (var i = 0; i < stub.RequestBodies.Count; i++)
            {
                await File.WriteAllTextAsync(Path.Combine(dump, $"request-{i + 1}.json"), stub.RequestBodies[i]).ConfigureAwait(false);
            }
        }

        var calls = stub.RequestBodies.Select(Measure).ToList();
        var agents = report.Agents.Select(a =>
        {
            var own = calls.Where(c => c.Agent == a.Name).ToList();
            return new AgentTokens(a.Name, a.Status, a.PromptTokens, a.CompletionTokens, own.Count, own.Sum(c => c.SliceTokens), own.Sum(c => c.PromptTokens - c.SliceTokens), a.Reason);
        }).ToList();
        var total = report.Agents.Sum(a => a.PromptTokens);
        var slice = calls.Sum(c => c.SliceTokens);
        var result = new
        {
            scenario = "token",
            sample = "samples/jaffle_pipeline",
            diffChars,
            diffTokens,
            totalPromptTokens = total,
            ratio = Ratio(total, diffTokens),
            sliceTokens = slice,
            sliceRatio = Ratio(slice, diffTokens),
            fixedTokensPerCall = calls.Count == 0 ? 0 : calls.Sum(c => c.PromptTokens - c.SliceTokens) / calls.Count,
            calls = calls.Count,
            target = "total prompt tokens <= 2x the diff (sending the whole diff to five agents is about 5x plus the fixed part)",
            agents,
            budget = report.Budget,
            method = "tokens ~ characters / 4 of what each request carried (messages + response schema); diff tokens ~ characters / 4 of change.diff",
        };

        Console.WriteLine($"diff: {diffTokens} tokens; prompts: {total} tokens in {calls.Count} call(s) = {Ratio(total, diffTokens)}x the diff; change slices alone: {slice} tokens = {Ratio(slice, diffTokens)}x");
        foreach (var a in agents)
        {
            Console.WriteLine($"  {a.Name,-12} {a.Status,-9} prompt {a.PromptTokens,6}  calls {a.Calls}  slice {a.SliceTokens,6}  fixed {a.FixedTokens,6}{(a.Reason is null ? "" : "  " + a.Reason)}");
        }

        if (jsonPath is not null)
        {
            await File.WriteAllTextAsync(jsonPath, JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true })).ConfigureAwait(false);
        }

        return calls.Count > 0 ? 0 : 1;
    }

    private static double Ratio(int value, int of) => of == 0 ? 0 : Math.Round((double)value / of, 2);

    /// <summary>Which agent sent a request (from its system prompt), its prompt tokens, and the tokens of its data block.</summary>
    private static CallTokens Measure(string body)
    {
        using var document = JsonDocument.Parse(body);
        var messages = document.RootElement.GetProperty("messages");
        var system = messages[0].GetProperty("content").GetString() ?? "";
        var user = messages[1].GetProperty("content").GetString() ?? "";
        var agent = AgentLine().Match(system) is { Success: true } m ? m.Groups[1].Value : "?";
        var begin = user.IndexOf("<<<BEGIN UNTRUSTED DATA", StringComparison.Ordinal);
        var end = user.IndexOf("<<<END UNTRUSTED DATA", StringComparison.Ordinal);
        var data = begin >= 0 && end > begin ? end - begin : 0;
        return new CallTokens(agent, ChatCompletionsStub.EstimatePromptTokens(body), (data + 3) / 4);
    }

    private static MemorySnapshot Snapshot(string root, string side)
    {
        var directory = Path.Combine(root, side);
        var files = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(directory, f).Replace('\\', '/'), File.ReadAllText, StringComparer.Ordinal);
        return new MemorySnapshot($"sample-{side}", files);
    }

    private static string SampleRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "samples", "jaffle_pipeline");
            if (File.Exists(Path.Combine(candidate, "change.diff")))
            {
                return candidate;
            }
        }

        throw new InvalidOperationException("samples/jaffle_pipeline/change.diff not found above " + AppContext.BaseDirectory + ": run the benchmark from the repository.");
    }

    [GeneratedRegex(@"You are the (\S+) reviewer")]
    private static partial Regex AgentLine();

    private sealed record CallTokens(string Agent, int PromptTokens, int SliceTokens);

    private sealed record AgentTokens(string Name, string Status, int PromptTokens, int CompletionTokens, int Calls, int SliceTokens, int FixedTokens, string? Reason);
}
