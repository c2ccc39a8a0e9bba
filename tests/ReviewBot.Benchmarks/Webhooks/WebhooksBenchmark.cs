using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using ReviewBot.App;
using ReviewBot.App.Queue;
using ReviewBot.App.Reviewing;
using ReviewBot.TestUtils.GitHub;

namespace ReviewBot.Benchmarks.Webhooks;

/// <summary>
/// <c>webhooks</c>: 2,000 signed <c>pull_request.synchronize</c> deliveries over loopback to the real App,
/// 10 pushes to each of 200 pull requests (one round of 200 after another, 4 deliveries in flight: a busy organisation, below saturation, so the figure is latency rather than queueing), with a fake
/// reviewer that takes 5 ms. Measures the acknowledgement latency (at the client, and inside the server
/// alone: the machine's other load shows in the first) and checks that nothing is lost: every
/// delivery is answered 2xx and every pull request ends up reviewed at its newest head.
/// Target: lost = 0 and p99 acknowledgement under 20 ms.
/// </summary>
public static class WebhooksBenchmark
{
    private const int PullRequests = 200;
    private const int PushesPerPullRequest = 10;
    private const int InFlight = 4;
    private const string Secret = "benchmark-secret";
    private static readonly TimeSpan ReviewTime = TimeSpan.FromMilliseconds(5);

    public static async Task<int> RunAsync(string? jsonPath)
    {
        var template = JsonNode.Parse(await File.ReadAllBytesAsync(WebhookFixtures.PathOf("pull_request/synchronize.payload.json")))!;
        using var rsa = RSA.Create(2048);
        var env = new Dictionary<string, string?>
        {
            ["REVIEWBOT_WEBHOOK_SECRET"] = Secret,
            ["GITHUB_APP_ID"] = "1",
            ["GITHUB_APP_PRIVATE_KEY"] = rsa.ExportRSAPrivateKeyPem(),
            ["GITHUB_API_URL"] = "http://127.0.0.1:9/",
        };

        var reviewer = new TimedReviewer(ReviewTime);
        var serverTimes = new ServerTimes();
        await using var app = ReviewBotApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], env, services =>
        {
            services.RemoveAll<IPullRequestReviewer>();
            services.AddSingleton<IPullRequestReviewer>(reviewer);
            services.AddSingleton<IStartupFilter>(serverTimes);
        });
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = InFlight }) { BaseAddress = address };

        using var sampler = new WorkingSetSampler();

        // Warm-up (JIT, connection pool) on pull requests the measurement does not use.
        var warmup = Enumerable.Range(0, 100).Select(i => Delivery(template, 10_000 + (i % 20), $"warm-{i}", i)).ToList();
        await SendAllAsync(http, warmup, new ConcurrentBag<double>(), new ConcurrentBag<HttpStatusCode>());
        await reviewer.WaitIdleAsync(app);
        reviewer.Reset();
        serverTimes.Reset();

        // All deliveries are built and signed up front, so that the measurement sees only the App's own allocations.
        var rounds = Enumerable.Range(0, PushesPerPullRequest)
            .Select(round => Enumerable.Range(1, PullRequests).Select(pr => Delivery(template, pr, $"d-{pr}-{round}", round)).ToList())
            .ToList();
        var newest = rounds[^1].ToDictionary(d => d.Number, d => d.HeadSha);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var latencies = new ConcurrentBag<double>();
        var statuses = new ConcurrentBag<HttpStatusCode>();
        var gcBefore = (Pause: GC.GetTotalPauseDuration(), Gen0: GC.CollectionCount(0), Gen2: GC.CollectionCount(2));
        var started = Stopwatch.GetTimestamp();
        foreach (var round in rounds)
        {
            // Round by round: each pull request's pushes arrive in order, so its last one is the newest head.
            await SendAllAsync(http, round, latencies, statuses);
        }

        var drained = await reviewer.WaitIdleAsync(app);
        var elapsed = Stopwatch.GetElapsedTime(started);
        await app.StopAsync();

        var sorted = latencies.Order().ToArray();
        var server = serverTimes.Sorted();
        var accepted = statuses.Count(s => s == HttpStatusCode.OK);
        var lostPullRequests = newest.Count(kv => !reviewer.Reviewed.ContainsKey((kv.Key, kv.Value)));
        var result = new JsonObject
        {
            ["scenario"] = "webhooks",
            ["deliveries"] = sorted.Length,
            ["accepted"] = accepted,
            ["refused"] = sorted.Length - accepted,
            ["pullRequests"] = PullRequests,
            ["reviewsRun"] = reviewer.Count,
            ["lost"] = (sorted.Length - accepted) + lostPullRequests,
            ["drained"] = drained,
            ["p50AckMs"] = Math.Round(Percentile(sorted, 0.50), 2),
            ["p99AckMs"] = Math.Round(Percentile(sorted, 0.99), 2),
            ["maxAckMs"] = Math.Round(sorted[^1], 2),
            ["p50ServerMs"] = Math.Round(Percentile(server, 0.50), 2),
            ["p99ServerMs"] = Math.Round(Percentile(server, 0.99), 2),
            ["peakWorkingSetMb"] = Math.Round(sampler.PeakBytes / (1024.0 * 1024.0), 1),
            ["durationMs"] = (long)elapsed.TotalMilliseconds,
            ["gcPauseMs"] = (long)(GC.GetTotalPauseDuration() - gcBefore.Pause).TotalMilliseconds,
            ["gen0Collections"] = GC.CollectionCount(0) - gcBefore.Gen0,
            ["gen2Collections"] = GC.CollectionCount(2) - gcBefore.Gen2,
            ["reviewMs"] = ReviewTime.TotalMilliseconds,
            ["inFlight"] = InFlight,
        };

        var json = result.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        Console.WriteLine(json);
        if (jsonPath is not null)
        {
            await File.WriteAllTextAsync(jsonPath, json + "\n");
        }

        return result["lost"]!.GetValue<int>() == 0 && result["p99AckMs"]!.GetValue<double>() < 20 ? 0 : 1;
    }

    private static async Task SendAllAsync(HttpClient http, IReadOnlyList<SignedDelivery> deliveries, ConcurrentBag<double> latencies, ConcurrentBag<HttpStatusCode> statuses) =>
        await Parallel.ForEachAsync(deliveries, new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (d, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks") { Content = new ByteArrayContent(d.Body) };
            request.Content.Headers.ContentType = new("application/json");
            request.Headers.Add("X-GitHub-Event", "pull_request");
            request.Headers.Add("X-GitHub-Delivery", d.DeliveryId);
            request.Headers.Add("X-Hub-Signature-256", d.Signature);
            var start = Stopwatch.GetTimestamp();
            using var response = await http.SendAsync(request, ct);
            latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            statuses.Add(response.StatusCode);
        });

    private static SignedDelivery Delivery(JsonNode template, int number, string deliveryId, int push)
    {
        var payload = template.DeepClone();
        var head = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{number}/{push}")))[..40];
        payload["number"] = number;
        payload["pull_request"]!["number"] = number;
        payload["pull_request"]!["head"]!["sha"] = head;
        payload["after"] = head;
        var body = Encoding.UTF8.GetBytes(payload.ToJsonString());
        var signature = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), body));
        return new SignedDelivery(number, head, deliveryId, body, signature);
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];

    private sealed record SignedDelivery(int Number, string HeadSha, string DeliveryId, byte[] Body, string Signature);

    /// <summary>A reviewer that takes a fixed time and records which head of which pull request it reviewed.</summary>
    private sealed class TimedReviewer(TimeSpan duration) : IPullRequestReviewer
    {
        private int _count;

        public ConcurrentDictionary<(int Number, string HeadSha), bool> Reviewed { get; } = new();

        public int Count => _count;

        public async Task ReviewAsync(ReviewRequest request, CancellationToken cancellationToken)
        {
            await Task.Delay(duration, cancellationToken);
            Reviewed[(request.Number, request.HeadSha)] = true;
            Interlocked.Increment(ref _count);
        }

        public void Reset()
        {
            Reviewed.Clear();
            _count = 0;
        }

        /// <summary>Waits (at most 60 s) until the queue holds nothing; false on timeout.</summary>
        public async Task<bool> WaitIdleAsync(WebApplication app)
        {
            var store = app.Services.GetRequiredService<IReviewStore>();
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            var deadline = Stopwatch.GetTimestamp() + (60 * Stopwatch.Frequency);
            while (await store.SnapshotAsync(CancellationToken.None) is { } snapshot && snapshot.Waiting + snapshot.Running > 0)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    return false;
                }

                await timer.WaitForNextTickAsync();
            }

            return true;
        }
    }

    /// <summary>Time the server spends on each webhook request, from the first middleware to the response (no client or socket time).</summary>
    private sealed class ServerTimes : IStartupFilter
    {
        private ConcurrentBag<double> _times = [];

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                var start = Stopwatch.GetTimestamp();
                await inner(context);
                if (HttpMethods.IsPost(context.Request.Method))
                {
                    _times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
            });
            next(app);
        };

        public void Reset() => _times = [];

        public double[] Sorted() => [.. _times.Order()];
    }

    /// <summary>Samples the process working set every 25 ms and keeps the peak.</summary>
    private sealed class WorkingSetSampler : IDisposable
    {
        private readonly Timer _timer;
        private long _peak;

        public WorkingSetSampler()
        {
            _timer = new Timer(_ => Sample(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(25));
        }

        public long PeakBytes
        {
            get
            {
                Sample();
                return Interlocked.Read(ref _peak);
            }
        }

        public void Dispose() => _timer.Dispose();

        private void Sample()
        {
            using var self = Process.GetCurrentProcess();
            var current = self.WorkingSet64;
            long seen;
            while (current > (seen = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, current, seen) != seen)
            {
            }
        }
    }
}
