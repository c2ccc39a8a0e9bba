using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace ReviewBot.App.Tests.Replicas;

/// <summary>
/// The real App as its own process (<c>dotnet ReviewBot.App.dll</c>, as after <c>dotnet publish</c>) on a loopback
/// port, its console lines kept for assertions. <see cref="Kill"/> ends it like a crash: no shutdown code runs.
/// </summary>
internal sealed partial class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly SemaphoreSlim _lineSignal = new(0);

    private AppProcess(Process process, string name)
    {
        _process = process;
        Name = name;
    }

    public string Name { get; }

    public HttpClient Client { get; private set; } = null!;

    public IReadOnlyList<string> Lines => [.. _lines];

    public bool HasExited => _process.HasExited;

    public static async Task<AppProcess> StartAsync(string name, IReadOnlyDictionary<string, string?> environment)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ReviewBot.App.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("REVIEWBOT_", StringComparison.Ordinal) || k.StartsWith("GITHUB_", StringComparison.Ordinal) || k.StartsWith("AZURE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var app = new AppProcess(process, name);
        process.OutputDataReceived += (_, e) => app.Add(e.Data);
        process.ErrorDataReceived += (_, e) => app.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var listening = await app.WaitForLineAsync(l => l.Contains("Now listening on: ", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
        var address = ListeningOn().Match(listening).Groups[1].Value;
        app.Client = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(30) };
        return app;
    }

    public async Task<HttpResponseMessage> SendAsync(string eventName, byte[] body, string delivery)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/github/webhooks");
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        request.Headers.Add("X-GitHub-Event", eventName);
        request.Headers.Add("X-GitHub-Delivery", delivery);
        request.Headers.Add("User-Agent", "GitHub-Hookshot/test");
        request.Headers.Add("X-Hub-Signature-256", TestServer.Sign(body));
        return await Client.SendAsync(request);
    }

    /// <summary>Waits for a console line matching <paramref name="match"/> (already seen or coming); fails with the log after <paramref name="timeout"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (_process.HasExited && _lines.FirstOrDefault(match) is null)
            {
                throw new InvalidOperationException($"{Name} exited ({_process.ExitCode}) without the expected line:\n{string.Join('\n', _lines.TakeLast(40))}");
            }

            try
            {
                await _lineSignal.WaitAsync(TimeSpan.FromMilliseconds(200), deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"{Name}: no expected line within {timeout}:\n{string.Join('\n', _lines.TakeLast(40))}");
            }
        }
    }

    public int Count(Func<string, bool> match) => _lines.Count(match);

    /// <summary>Ends the process at once (SIGKILL): a crash, not a shutdown.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        Kill();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
        _lineSignal.Dispose();
    }

    private void Add(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        _lineSignal.Release();
    }

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:[0-9]+)")]
    private static partial Regex ListeningOn();
}
