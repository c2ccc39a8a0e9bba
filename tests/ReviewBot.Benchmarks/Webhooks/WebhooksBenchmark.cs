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
/// <c>--postgres CONNSTR --replicas N</c>: N App instances (each its own server, DI container, workers and
/// connection pool, in this process) on one PostgreSQL database (a fresh one, created on that server and dropped
/// after), deliveries spread round-robin over them: also reports throughput, p95, the time to drain the queue after
/// the last delivery, and duplicate reviews of one head. Target with PostgreSQL: lost = 0, duplicates = 0, p99 ≤ 50 ms.
/// </summary>
public static class WebhooksBenchmark
{
    private const int PullRequests = 200;
    private const int PushesPerPullRequest = 10;
    private const int InFlight = 4;
    private const string Secret = "benchmark-secret";
    private static readonly TimeSpan ReviewTime = TimeSpan.FromMilliseconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var jsonPath = Option("--json");
        var postgres = Option("--postgres");
        var replicas = int.TryParse(Option("--replicas"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1;
        if (replicas < 1 || (replicas > 1 && postgres is null))
        {
            await Console.Error.WriteLineAsync("webhooks: --replicas N (N >= 1) needs --postgres CONNSTR when N > 1 (in-memory queues are per instance).");
            return 2;
        }

        var template = JsonNode.Parse(await File.ReadAllBytesAsync(WebhookFixtures.PathOf("pull_request/synchronize.payload.json")))!;
        using var rsa = RSA.Create(2048);
        var env = new Dictionary<string, string?>
        {
            ["REVIEWBOT_WEBHOOK_SECRET"] = Secret,
            ["GITHUB_APP_ID"] = "1",
            ["GITHUB_APP_PRIVATE_KEY"] = rsa.ExportRSAPrivateKeyPem(),
            ["GITHUB_API_URL"] = "http://127.0.0.1:9/",
        };

        await using var database = postgres is null ? null : await BenchmarkDatabase.CreateAsync(postgres);
        if (database is not null)
        {
            env["REVIEWBOT_POSTGRES"] = database.ConnectionString;
            env["REVIEWBOT_POLL_MILLISECONDS"] = "50";
        }

        var reviewer = new TimedReviewer(ReviewTime);
        var serverTimes = new ServerTimes();
        var apps = new List<WebApplication>();
        var clients = new List<HttpClient>();
        try
        {
            for (var i = 0; i < replicas; i++)
            {
                var app = ReviewBotApp.Build(["--urls", "http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"], env, services =>
                {
                    services.RemoveAll<IPullRequestReviewer>();
                    services.AddSingleton<IPullRequestReviewer>(reviewer);
                    services.AddSingleton<IStartupFilter>(serverTimes);
                });
                apps.Add(app);
                await app.StartAsync();
                var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
                clients.Add(new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = InFlight }) { BaseAddress = address });
            }

            return await MeasureAsync(template, apps, clients, reviewer, serverTimes, database is not null, jsonPath);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }

            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
        }
    }

    private static async Task<int> MeasureAsync(JsonNode template, List<WebApplication> apps, List<HttpClient> clients, TimedReviewer reviewer, ServerTimes serverTimes, bool postgres, string? jsonPath)
    {
        var app = apps[0];
        using var sampler = new WorkingSetSampler();

        // Warm-up (JIT, connection pools) on pull requests the measurement does not use.
        var warmup = Enumerable.Range(0, 100).Select(i => Delivery(template, 10_000 + (i % 20), $"warm-{i}", i)).ToList();
        await SendAllAsync(clients, warmup, new ConcurrentBag<double>(), new ConcurrentBag<HttpStatusCode>());
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
            await SendAllAsync(clients, round, latencies, statuses);
        }

        var sent = Stopwatch.GetElapsedTime(started);
        var drained = await reviewer.WaitIdleAsync(app);
        var elapsed = Stopwatch.GetElapsedTime(started);
        foreach (var replica in apps)
        {
            await replica.StopAsync();
        }

        var sorted = latencies.Order().ToArray();
        var server = serverTimes.Sorted();

        // 202: queued for later work; 200: handled (a duplicate). Anything else is a refusal.
        var accepted = statuses.Count(s => s is HttpStatusCode.OK or HttpStatusCode.Accepted);
        var lostPullRequests = newest.Count(kv => !reviewer.Reviewed.ContainsKey((kv.Key, kv.Value)));
        var duplicates = reviewer.Reviewed.Values.Sum(count => count - 1);
        var result = new JsonObject
        {
            ["scenario"] = "webhooks",
            ["store"] = postgres ? "postgres" : "memory",
            ["replicas"] = apps.Count,
            ["deliveries"] = sorted.Length,
            ["accepted"] = accepted,
            ["refused"] = sorted.Length - accepted,
            ["pullRequests"] = PullRequests,
            ["reviewsRun"] = reviewer.Count,
            ["lost"] = (sorted.Length - accepted) + lostPullRequests,
            ["duplicateReviews"] = duplicates,
            ["drained"] = drained,
            ["throughputPerSecond"] = Math.Round(sorted.Length / sent.TotalSeconds, 1),
            ["drainAfterLastMs"] = (long)(elapsed - sent).TotalMilliseconds,
            ["p50AckMs"] = Math.Round(Percentile(sorted, 0.50), 2),
            ["p95AckMs"] = Math.Round(Percentile(sorted, 0.95), 2),
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

        var ackTarget = postgres ? 50 : 20;
        return result["lost"]!.GetValue<int>() == 0 && duplicates == 0 && result["p99AckMs"]!.GetValue<double>() < ackTarget ? 0 : 1;
    }

    private static async Task SendAllAsync(IReadOnlyList<HttpClient> clients, IReadOnlyList<SignedDelivery> deliveries, ConcurrentBag<double> latencies, ConcurrentBag<HttpStatusCode> statuses) =>
        await Parallel.ForEachAsync(deliveries.Select((d, i) => (Delivery: d, Index: i)), new ParallelOptions { MaxDegreeOfParallelism = InFlight }, async (item, ct) =>
        {
            // Round-robin over the replicas, as a load balancer would.
            var (d, index) = item;
            var http = clients[index % clients.Count];
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

        /// <summary>How many times each head of each pull request was reviewed (more than once: a duplicate review).</summary>
        public ConcurrentDictionary<(int Number, string HeadSha), int> Reviewed { get; } = new();

        public int Count => _count;

        public async Task ReviewAsync(ReviewRequest request, CancellationToken cancellationToken)
        {
            await Task.Delay(duration, cancellationToken);
            Reviewed.AddOrUpdate((request.Number, request.HeadSha), 1, static (_, count) => count + 1);
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

    /// <summary>A fresh database on the given server for one run, dropped afterwards.</summary>
    private sealed class BenchmarkDatabase : IAsyncDisposable
    {
        private readonly string _admin;
        private readonly string _name;

        private BenchmarkDatabase(string admin, string name, string connectionString)
        {
            _admin = admin;
            _name = name;
            ConnectionString = connectionString;
        }

        public string ConnectionString { get; }

        public static async Task<BenchmarkDatabase> CreateAsync(string admin)
        {
            var name = "rb_bench_" + Guid.NewGuid().ToString("N")[..12];
            await using (var data = Npgsql.NpgsqlDataSource.Create(admin))
            await using (var command = data.CreateCommand($"create database {name}"))
            {
                await command.ExecuteNonQueryAsync();
            }

            return new BenchmarkDatabase(admin, name, new Npgsql.NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString);
        }

        public async ValueTask DisposeAsync()
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await using var data = Npgsql.NpgsqlDataSource.Create(_admin);
            await using var command = data.CreateCommand($"drop database if exists {_name} with (force)");
            await command.ExecuteNonQueryAsync();
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
