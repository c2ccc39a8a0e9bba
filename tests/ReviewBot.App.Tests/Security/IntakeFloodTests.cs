using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Xunit.Abstractions;

namespace ReviewBot.App.Tests.Security;

/// <summary>
/// A flood of forged deliveries against the real App process on loopback: many connections at once, each a large body
/// under a well-formed but wrong signature. Every one is refused, and the process's memory stays bounded while it
/// reads them (the body reads are capped, hashed while streaming and spilled to disk, not buffered whole in memory).
/// </summary>
public sealed class IntakeFloodTests(ITestOutputHelper output)
{
    private const int Connections = 60;
    private const int BodyBytes = 10 * 1024 * 1024;

    /// <summary>Growth of the resident set allowed during the flood; buffering the bodies would take 600 MB.</summary>
    private const long MaxGrowthBytes = 150L * 1024 * 1024;

    [Fact]
    public async Task Flood_60ConnectionsWithLargeForgedBodies_AllRefusedMemoryBounded()
    {
        await using var app = AppProcess.Start();
        await app.WaitUntilHealthyAsync();
        var body = new byte[BodyBytes];
        new Random(7).NextBytes(body);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = Connections, PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        using var client = new HttpClient(handler) { BaseAddress = app.BaseAddress, Timeout = TimeSpan.FromMinutes(3) };

        // Warm up the refusal path once, so the baseline includes the code that runs during the flood.
        using (var warm = await SendForgedAsync(client, body.AsMemory(0, 64 * 1024)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, warm.StatusCode);
        }

        var before = app.ResidentBytes();
        var peak = before;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, app.ResidentBytes());
                try
                {
                    await Task.Delay(20, stop.Token);
                }
                catch (OperationCanceledException)
                {
                }
            }
        });

        var clock = Stopwatch.StartNew();
        var statuses = await Task.WhenAll(Enumerable.Range(0, Connections).Select(async _ =>
        {
            try
            {
                using var response = await SendForgedAsync(client, body);
                return (int)response.StatusCode;
            }
            catch (HttpRequestException)
            {
                return 0; // the server closed the connection on a refused body: refused, too
            }
        }));
        var elapsed = clock.Elapsed;
        await stop.CancelAsync();
        await sampler;
        var after = app.ResidentBytes();

        output.WriteLine($"flood: {Connections} x {BodyBytes / (1024 * 1024)} MB forged in {elapsed.TotalSeconds:0.0} s; RSS before {Mb(before)} MB, peak {Mb(peak)} MB (+{Mb(peak - before)} MB), after {Mb(after)} MB");
        output.WriteLine("statuses: " + string.Join(", ", statuses.GroupBy(s => s).Select(g => $"{g.Key} x{g.Count()}")));

        Assert.All(statuses, s => Assert.True(s is 401 or 503 or 0, $"status {s}"));
        Assert.True(statuses.Count(s => s == 401) >= Connections / 2, "most forged deliveries should be read and refused, not turned away");
        Assert.True(peak - before < MaxGrowthBytes, $"the App grew by {Mb(peak - before)} MB during the flood (allowed {Mb(MaxGrowthBytes)} MB)");
        using var health = await client.GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    private static async Task<HttpResponseMessage> SendForgedAsync(HttpClient client, ReadOnlyMemory<byte> body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks");
        request.Content = new ReadOnlyMemoryContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-GitHub-Event", "pull_request");
        request.Headers.Add("X-GitHub-Delivery", Guid.NewGuid().ToString());
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + new string('0', 64));
        return await client.SendAsync(request);
    }

    private static long Mb(long bytes) => bytes / (1024 * 1024);
}
