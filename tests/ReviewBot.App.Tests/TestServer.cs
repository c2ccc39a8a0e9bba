using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using ReviewBot.App.Queue;
using ReviewBot.App.Reviewing;

namespace ReviewBot.App.Tests;

/// <summary>The real App on http://127.0.0.1:0 with a recording reviewer; deliveries signed like GitHub signs them.</summary>
internal sealed class TestServer : IAsyncDisposable
{
    public const string Secret = "It's a Secret to Everybody";
    public const long AppId = 4242;

    private static readonly Lazy<string> Pem = new(() =>
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportRSAPrivateKeyPem();
    });

    private readonly WebApplication _app;
    private bool _stopped;

    private TestServer(WebApplication app, RecordingReviewer reviewer, CapturingLoggerProvider logs)
    {
        _app = app;
        Reviewer = reviewer;
        Logs = logs;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
    }

    public HttpClient Client { get; }

    public RecordingReviewer Reviewer { get; }

    public CapturingLoggerProvider Logs { get; }

    public static string PrivateKeyPem => Pem.Value;

    public static Dictionary<string, string?> Environment(string? apiUrl = null) => new()
    {
        ["REVIEWBOT_WEBHOOK_SECRET"] = Secret,
        ["GITHUB_APP_ID"] = AppId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["GITHUB_APP_PRIVATE_KEY"] = PrivateKeyPem,
        ["GITHUB_API_URL"] = apiUrl ?? "http://127.0.0.1:9/",
        // One worker: reviews run in queue order, so a later "sentinel" review proves earlier ones are done.
        ["REVIEWBOT_WORKERS"] = "1",
    };

    public static async Task<TestServer> StartAsync(Dictionary<string, string?>? environment = null, RecordingReviewer? reviewer = null, bool realReviewer = false)
    {
        reviewer ??= new RecordingReviewer();
        var logs = new CapturingLoggerProvider();
        var app = ReviewBotApp.Build(["--urls", "http://127.0.0.1:0"], environment ?? Environment(), services =>
        {
            if (!realReviewer)
            {
                services.RemoveAll<IPullRequestReviewer>();
                services.AddSingleton<IPullRequestReviewer>(reviewer);
            }

            services.AddSingleton<ILoggerProvider>(logs);
        });
        await app.StartAsync();
        return new TestServer(app, reviewer, logs);
    }

    public static string Sign(byte[] body, string secret = Secret) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public Task<HttpResponseMessage> SendAsync(string eventName, JsonNode payload, string? delivery = null, string? signature = "sign") =>
        SendAsync(eventName, Encoding.UTF8.GetBytes(payload.ToJsonString()), delivery, signature);

    public async Task<HttpResponseMessage> SendAsync(string eventName, byte[] body, string? delivery = null, string? signature = "sign", string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks");
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", delivery ?? Guid.NewGuid().ToString());
        request.Headers.Add("User-Agent", "GitHub-Hookshot/test");
        if (signature is not null)
        {
            request.Headers.Add("X-Hub-Signature-256", signature == "sign" ? Sign(body) : signature);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>
    /// Queues a review of a PR no test uses and waits for it: with one worker, every review queued
    /// before it has then run, so "no more reviews happened" can be asserted without waiting on a clock.
    /// </summary>
    public async Task DrainAsync()
    {
        var sentinel = Fixtures.PullRequest("opened", number: 999_999, headSha: "5e471e1" + Guid.NewGuid().ToString("N"));
        using var response = await SendAsync("pull_request", sentinel);
        response.EnsureSuccessStatusCode();
        await Reviewer.WaitForAsync(r => r.Number == 999_999);
    }

    public Task StopAsync()
    {
        _stopped = true;
        return _app.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Reviewer.Release();
        if (!_stopped)
        {
            await _app.StopAsync();
        }

        await _app.DisposeAsync();
    }
}

/// <summary>A reviewer that records what it was asked to review; it may be held to build up a burst.</summary>
internal sealed class RecordingReviewer : IPullRequestReviewer
{
    private readonly Channel<ReviewRequest> _finished = Channel.CreateUnbounded<ReviewRequest>();
    private readonly List<ReviewRequest> _seen = [];
    private readonly SemaphoreSlim _startedSignal = new(0);
    private TaskCompletionSource _gate = NewGate(open: true);

    public ConcurrentQueue<ReviewRequest> Started { get; } = new();

    public ConcurrentQueue<ReviewRequest> Finished { get; } = new();

    /// <summary>Honour cancellation (the default) or run to the end regardless, like a stuck call.</summary>
    public bool IgnoreCancellation { get; set; }

    public void Hold() => _gate = NewGate(open: false);

    public void Release() => _gate.TrySetResult();

    public async Task ReviewAsync(ReviewRequest request, CancellationToken cancellationToken)
    {
        Started.Enqueue(request);
        _startedSignal.Release();
        await _gate.Task.WaitAsync(IgnoreCancellation ? CancellationToken.None : cancellationToken);
        Finished.Enqueue(request);
        await _finished.Writer.WriteAsync(request, CancellationToken.None);
    }

    /// <summary>Waits (at most 10 s) until a review matching <paramref name="match"/> has finished.</summary>
    public async Task<ReviewRequest> WaitForAsync(Func<ReviewRequest, bool> match)
    {
        var found = _seen.FirstOrDefault(match);
        if (found is not null)
        {
            return found;
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await foreach (var request in _finished.Reader.ReadAllAsync(timeout.Token))
        {
            _seen.Add(request);
            if (match(request))
            {
                return request;
            }
        }

        throw new InvalidOperationException("unreachable");
    }

    /// <summary>Waits (at most 10 s) until <paramref name="count"/> reviews have started.</summary>
    public async Task WaitForStartedAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (Started.Count < count)
        {
            await _startedSignal.WaitAsync(timeout.Token);
        }
    }

    private static TaskCompletionSource NewGate(bool open)
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (open)
        {
            gate.SetResult();
        }

        return gate;
    }
}

/// <summary>Keeps every log line, to assert on what the App says (e.g. at shutdown), and lets a test await one.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly List<(Func<string, bool> Match, TaskCompletionSource<string> Seen)> _waiters = [];

    public ConcurrentQueue<(LogLevel Level, string Category, string Message)> Entries { get; } = new();

    /// <summary>The entries that carry an exception (a stack trace in any console or file log).</summary>
    public ConcurrentQueue<(LogLevel Level, string Category, string Message, Exception Exception)> WithException { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    /// <summary>Waits (at most 10 s) for a log message starting with <paramref name="prefix"/>.</summary>
    public Task WaitForAsync(string prefix) => WaitForAsync(m => m.StartsWith(prefix, StringComparison.Ordinal), TimeSpan.FromSeconds(10));

    /// <summary>Waits (at most <paramref name="timeout"/>) for a log message that <paramref name="match"/>es; returns it.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (Entries.FirstOrDefault(e => match(e.Message)) is { Message: not null } found)
            {
                return found.Message;
            }

            _waiters.Add((match, seen));
        }

        return await seen.Task.WaitAsync(timeout);
    }

    public void Dispose()
    {
    }

    private void Add(LogLevel level, string category, string message)
    {
        lock (_gate)
        {
            Entries.Enqueue((level, category, message));
            foreach (var waiter in _waiters.Where(w => w.Match(message)).ToList())
            {
                waiter.Seen.TrySetResult(message);
                _waiters.Remove(waiter);
            }
        }
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (exception is not null)
            {
                owner.WithException.Enqueue((logLevel, category, formatter(state, exception), exception));
            }

            owner.Add(logLevel, category, formatter(state, exception));
        }
    }
}
