using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ReviewBot.App.Tests;

/// <summary>
/// The real App as its own process (<c>dotnet ReviewBot.App.dll</c>, or a published apphost) on a loopback port,
/// with the test settings; its output is captured, and it is killed on dispose if it is still running.
/// </summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private AppProcess(Process process, int port)
    {
        _process = process;
        Port = port;
        _process.OutputDataReceived += (_, e) => Append(_stdout, e.Data);
        _process.ErrorDataReceived += (_, e) => Append(_stderr, e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Port { get; }

    public int Id => _process.Id;

    public Uri BaseAddress => new($"http://127.0.0.1:{Port}/");

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    /// <summary>
    /// Starts the App on <paramref name="port"/> (0: a free one). <paramref name="executable"/>: a published apphost.
    /// <paramref name="urlsFromEnvironment"/>: no <c>--urls</c>, <c>ASPNETCORE_URLS</c> instead (as the image runs it).
    /// </summary>
    public static AppProcess Start(int port = 0, string? executable = null, IReadOnlyDictionary<string, string?>? environment = null, bool urlsFromEnvironment = false)
    {
        port = port == 0 ? FreePort() : port;
        var start = executable is null
            ? new ProcessStartInfo("dotnet") { ArgumentList = { Path.Combine(AppContext.BaseDirectory, "ReviewBot.App.dll") } }
            : new ProcessStartInfo(executable);
        if (!urlsFromEnvironment)
        {
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add($"http://127.0.0.1:{port}");
        }

        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        start.UseShellExecute = false;
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("REVIEWBOT_", StringComparison.Ordinal) || k.StartsWith("GITHUB_", StringComparison.Ordinal) || k.StartsWith("ASPNETCORE_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(key);
        }

        foreach (var (key, value) in environment ?? TestServer.Environment())
        {
            start.Environment[key] = value;
        }

        if (urlsFromEnvironment)
        {
            start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        }

        return new AppProcess(Process.Start(start)!, port);
    }

    /// <summary>Waits until <c>/healthz</c> answers 200 (or the process ends, or 60 s pass).</summary>
    public async Task WaitUntilHealthyAsync()
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the App exited with {_process.ExitCode}:\n{Stderr}\n{Stdout}");
            }

            try
            {
                using var response = await client.GetAsync("/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"the App did not become healthy in 60 s:\n{Stderr}\n{Stdout}");
    }

    /// <summary>Waits for the process to end by itself (at most <paramref name="timeout"/>) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cts.Token);
        _process.WaitForExit(); // flushes the redirected output
        return _process.ExitCode;
    }

    /// <summary>The process's resident memory (VmRSS), in bytes.</summary>
    public long ResidentBytes()
    {
        _process.Refresh();
        return _process.WorkingSet64;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(cts.Token);
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder sb, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (sb)
        {
            sb.Append(line).Append('\n');
        }
    }
}
