using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using ReviewBot.Core.Agents;
using ReviewBot.Core.Changes;
using ReviewBot.Core.Configuration;
using ReviewBot.Core.Findings;
using ReviewBot.Core.Llm;
using ReviewBot.Llm;
using ReviewBot.Orchestration;
using ReviewBot.TestUtils.Llm;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace ReviewBot.Benchmarks.Orchestration;

/// <summary>
/// <c>orchestration</c>: the engine measured over real HTTP on loopback, through the real Azure OpenAI client
/// (<see cref="LanguageModelFactory"/>), against a WireMock server that answers chat completions after set delays.
/// Writes one JSON object per scenario (an array): <c>parallel</c> (serialMs, parallelMs, criticalPathMs),
/// <c>contention</c> (criticalSoloMs, criticalUnderContentionMs), <c>overhead</c> (perAgentOverheadUs).
/// Exit code 0 when every target of issue 3 is met.
/// </summary>
public static class OrchestrationBenchmark
{
    private const int Repeats = 5;
    private static readonly int[] ParallelDelaysMs = [400, 600, 800, 1000, 1200];
    private const int ContentionDelayMs = 200;
    private const int GovernanceCalls = 5;
    private static readonly ChangeSet Change = new([], MemorySnapshot.Empty("base"), MemorySnapshot.Empty("head"));

    public static async Task<int> RunAsync(string? jsonPath)
    {
        using var server = ChatCompletionsStub.StartAzure("gpt-4o-bench");
        foreach (var delay in ParallelDelaysMs.Append(ContentionDelayMs).Distinct())
        {
            server.Server
                .Given(Request.Create().WithPath(server.ChatPath).UsingPost().WithBody(new WildcardMatcher($"*{Marker(delay)}*")))
                .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                    .WithBody(ChatCompletionsStub.CompletionJson("{\"findings\":[]}", 60, 12, "stop"))
                    .WithDelay(TimeSpan.FromMilliseconds(delay)));
        }

        using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) }) { Timeout = Timeout.InfiniteTimeSpan };
        var model = LanguageModelFactory.Create(
            new LlmSettings
            {
                Provider = LlmProvider.AzureOpenAI,
                Endpoint = new Uri(server.Endpoint),
                Deployment = server.Deployment,
                ApiKey = "benchmark-key",
            },
            http);

        var results = new JsonArray
        {
            await ParallelAsync(model),
            await ContentionAsync(model),
            await OverheadAsync(model),
        };

        var json = results.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        Console.WriteLine(json);
        if (jsonPath is not null)
        {
            await File.WriteAllTextAsync(jsonPath, json + "\n");
        }

        return results.All(r => r!["targetMet"]!.GetValue<bool>()) ? 0 : 1;
    }

    /// <summary>Five agents, one call each, answering after 400..1200 ms: serially, in parallel, and the slowest alone.</summary>
    private static async Task<JsonObject> ParallelAsync(ILanguageModel model)
    {
        var lanes = new[] { Lane.Critical, Lane.High, Lane.High, Lane.Normal, Lane.Low };
        var names = new[] { "governance", "quality", "lineage", "cost", "docs" };
        var agents = ParallelDelaysMs.Select((delay, i) => (IReviewAgent)new BenchAgent(names[i], lanes[i], async (ctx, ct) =>
        {
            await ctx.Llm!.CompleteAsync(Call(delay), ct);
            return AgentOutput.None;
        })).ToList();
        var slowest = new List<IReviewAgent> { agents[^1] };

        await TimeRunAsync(model, agents, maxParallel: 5); // warm-up: JIT, connections
        var serial = new List<double>();
        var parallel = new List<double>();
        var critical = new List<double>();
        for (var i = 0; i < Repeats; i++)
        {
            serial.Add(await TimeRunAsync(model, agents, maxParallel: 1));
            parallel.Add(await TimeRunAsync(model, agents, maxParallel: 5));
            critical.Add(await TimeRunAsync(model, slowest, maxParallel: 5));
        }

        var serialMs = Median(serial);
        var parallelMs = Median(parallel);
        var criticalPathMs = Median(critical);
        return new JsonObject
        {
            ["scenario"] = "parallel",
            ["serialMs"] = Round(serialMs),
            ["parallelMs"] = Round(parallelMs),
            ["criticalPathMs"] = Round(criticalPathMs),
            ["agentDelaysMs"] = new JsonArray(ParallelDelaysMs.Select(d => (JsonNode)d).ToArray()),
            ["runs"] = Repeats,
            ["targetMet"] = parallelMs <= 1.05 * criticalPathMs && parallelMs <= 0.30 * serialMs,
        };
    }

    /// <summary>
    /// Governance (critical) makes five sequential 200 ms calls, alone and then while the four lower-lane agents keep
    /// the shared limiter saturated (their calls queue in it). Governance's own elapsed time is compared.
    /// </summary>
    private static async Task<JsonObject> ContentionAsync(ILanguageModel model)
    {
        await ContendedGovernanceAsync(model, contention: false); // warm-up
        var solo = new List<double>();
        var contended = new List<double>();
        var queuedBehind = new List<int>();
        for (var i = 0; i < Repeats; i++)
        {
            solo.Add((await ContendedGovernanceAsync(model, contention: false)).Ms);
            var (ms, waiting) = await ContendedGovernanceAsync(model, contention: true);
            contended.Add(ms);
            queuedBehind.Add(waiting);
        }

        var soloMs = Median(solo);
        var contendedMs = Median(contended);
        return new JsonObject
        {
            ["scenario"] = "contention",
            ["criticalSoloMs"] = Round(soloMs),
            ["criticalUnderContentionMs"] = Round(contendedMs),
            ["governanceCalls"] = GovernanceCalls,
            ["callDelayMs"] = ContentionDelayMs,
            ["lowerLaneCallsQueuedWhenGovernanceStarted"] = queuedBehind.Min(),
            ["runs"] = Repeats,
            ["targetMet"] = contendedMs <= 1.10 * soloMs,
        };
    }

    private static async Task<(double Ms, int Waiting)> ContendedGovernanceAsync(ILanguageModel model, bool contention)
    {
        // 600 requests per minute: 100 in a 10 s burst, 20 of them reserved for the critical lane, then 10 per second.
        var config = Config(maxParallel: 5, requestsPerMinute: 600);
        var engine = Engine(config, model);
        using var stop = new CancellationTokenSource();
        var elapsed = 0.0;
        var waitingAtStart = 0;
        var governance = new BenchAgent("governance", Lane.Critical, async (ctx, ct) =>
        {
            if (contention)
            {
                var deadline = Stopwatch.StartNew();
                while (engine.Limiter!.Waiting < 8 && deadline.Elapsed < TimeSpan.FromSeconds(30))
                {
                    await Task.Delay(5, ct);
                }

                waitingAtStart = engine.Limiter!.Waiting;
            }

            var clock = Stopwatch.StartNew();
            for (var i = 0; i < GovernanceCalls; i++)
            {
                await ctx.Llm!.CompleteAsync(Call(ContentionDelayMs), ct);
            }

            elapsed = clock.Elapsed.TotalMilliseconds;
            await stop.CancelAsync();
            return AgentOutput.None;
        });

        var agents = new List<IReviewAgent> { governance };
        if (contention)
        {
            agents.AddRange(new[] { ("quality", Lane.High), ("lineage", Lane.High), ("cost", Lane.Normal), ("docs", Lane.Low) }
                .Select(a => new BenchAgent(a.Item1, a.Item2, (ctx, ct) => FloodAsync(ctx, ct, stop.Token))));
        }

        var run = await engine.RunAsync(agents, Change, new ResourceStore(), null, CancellationToken.None);
        EnsureCompleted(run);
        return (elapsed, waitingAtStart);
    }

    /// <summary>Eight callers at a time, calling until governance is done.</summary>
    private static async Task<AgentOutput> FloodAsync(AgentContext context, CancellationToken cancellationToken, CancellationToken stop)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, stop);
        var workers = Enumerable.Range(0, 8).Select(async _ =>
        {
            while (!linked.IsCancellationRequested)
            {
                try
                {
                    await context.Llm!.CompleteAsync(Call(ContentionDelayMs), linked.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });
        await Task.WhenAll(workers);
        return AgentOutput.None;
    }

    /// <summary>1,000 trivial agents (one finding each) through the full engine, with a governed model per agent.</summary>
    private static async Task<JsonObject> OverheadAsync(ILanguageModel model)
    {
        const int count = 1_000;
        var agents = Enumerable.Range(0, count).Select(i =>
        {
            var name = $"agent-{i:D4}";
            var finding = new Finding
            {
                Agent = new AgentName(name),
                Rule = "trivial-rule",
                Severity = Severity.Low,
                File = $"models/m{i % 50}.sql",
                Line = i,
                Title = "trivial",
                Message = "trivial finding",
                Anchor = $"select {i}",
            };
            var output = new AgentOutput([finding]);
            return (IReviewAgent)new BenchAgent(name, (Lane)(i % 4), (_, _) => Task.FromResult(output), [Resources.Diff]);
        }).ToList();
        var resources = new ResourceStore();
        resources.Set(new ResourceKey<string>(Resources.Diff), "diff");
        var config = Config(maxParallel: ReviewConfig.Default.MaxParallel, requestsPerMinute: 100_000);

        var samples = new List<double>();
        var cpuSamples = new List<double>();
        using var process = Process.GetCurrentProcess();
        for (var i = 0; i < 23; i++)
        {
            var engine = Engine(config, model);
            process.Refresh();
            var cpuBefore = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var run = await engine.RunAsync(agents, Change, resources, null, CancellationToken.None);
            var ms = clock.Elapsed.TotalMilliseconds;
            process.Refresh();
            var cpuMs = (process.TotalProcessorTime - cpuBefore).TotalMilliseconds;
            EnsureCompleted(run);
            if (run.Findings.Count != count)
            {
                throw new InvalidOperationException($"Expected {count} findings, got {run.Findings.Count}.");
            }

            if (i >= 3)
            {
                samples.Add(ms); // the first runs warm up the JIT
                cpuSamples.Add(cpuMs);
            }
        }

        var perAgentUs = Median(samples) * 1000 / count;
        return new JsonObject
        {
            ["scenario"] = "overhead",
            ["agents"] = count,
            ["maxParallel"] = config.MaxParallel,
            ["perAgentOverheadUs"] = Round(perAgentUs),
            ["runMs"] = Round(Median(samples)),
            ["perAgentCpuUs"] = Round(Median(cpuSamples) * 1000 / count), // CPU of the whole process (all threads), for context on a loaded machine
            ["runs"] = samples.Count,
            ["targetMet"] = perAgentUs < 50,
        };
    }

    private static async Task<double> TimeRunAsync(ILanguageModel model, IReadOnlyList<IReviewAgent> agents, int maxParallel)
    {
        var engine = Engine(Config(maxParallel, requestsPerMinute: 100_000), model);
        var clock = Stopwatch.StartNew();
        var run = await engine.RunAsync(agents, Change, new ResourceStore(), null, CancellationToken.None);
        var ms = clock.Elapsed.TotalMilliseconds;
        EnsureCompleted(run);
        return ms;
    }

    private static ReviewConfig Config(int maxParallel, int requestsPerMinute) => new()
    {
        MaxParallel = maxParallel,
        Llm = new LlmConfig { Provider = LlmProvider.AzureOpenAI, RequestsPerMinute = requestsPerMinute, TokensPerMinute = 100_000_000 },
        Budget = new BudgetConfig { Tokens = 1_000_000_000 },
    };

    private static ReviewEngine Engine(ReviewConfig config, ILanguageModel model) =>
        new ReviewEngineBuilder().WithConfig(config).WithLanguageModel(model).Build();

    private static void EnsureCompleted(EngineRun run)
    {
        var bad = run.Agents.FirstOrDefault(a => a.Status != AgentStatus.Completed);
        if (bad is not null)
        {
            throw new InvalidOperationException($"Agent {bad.Descriptor.Name} ended {bad.Status}: {bad.Reason}");
        }
    }

    private static string Marker(int delayMs) => $"bench-delay-{delayMs}ms";

    private static LlmRequest Call(int delayMs) =>
        new("You review data pipelines.", $"{Marker(delayMs)}: review this change.", 64) { EstimatedPromptTokens = 60 };

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static double Round(double value) => Math.Round(value, 2);

    private sealed class BenchAgent(string name, Lane lane, Func<AgentContext, CancellationToken, Task<AgentOutput>> run, IReadOnlyList<string>? reads = null) : IReviewAgent
    {
        public AgentDescriptor Descriptor { get; } = new(new AgentName(name), lane, FailurePolicy.BestEffort, TimeSpan.FromMinutes(2)) { Reads = reads ?? [] };

        public Task<AgentOutput> RunAsync(AgentContext context, CancellationToken cancellationToken) => run(context, cancellationToken);
    }
}
