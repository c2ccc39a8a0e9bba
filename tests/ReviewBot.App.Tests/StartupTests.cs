using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using ReviewBot.App.Options;

namespace ReviewBot.App.Tests;

public sealed class StartupTests
{
    [Fact]
    public void Build_WithoutWebhookSecret_Refuses()
    {
        var env = TestServer.Environment();
        env.Remove("REVIEWBOT_WEBHOOK_SECRET");

        var error = Assert.Throws<AppSettingsException>(() => ReviewBotApp.Build(["--urls", "http://127.0.0.1:0"], env));

        Assert.Contains("REVIEWBOT_WEBHOOK_SECRET is required", error.Message);
    }

    [Fact]
    public async Task Main_WithoutWebhookSecret_ExitsNonZeroWithMessageOnStandardError()
    {
        // The real executable, as `dotnet ReviewBot.App.dll` would run after `dotnet publish`.
        var dll = Path.Combine(AppContext.BaseDirectory, "ReviewBot.App.dll");
        var start = new ProcessStartInfo("dotnet", [dll, "--urls", "http://127.0.0.1:0"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var name in new[] { "REVIEWBOT_WEBHOOK_SECRET", "GITHUB_APP_ID", "GITHUB_APP_PRIVATE_KEY", "GITHUB_APP_PRIVATE_KEY_PATH" })
        {
            start.Environment.Remove(name);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("REVIEWBOT_WEBHOOK_SECRET is required", await stderr);
    }

    [Fact]
    public async Task Main_PortAlreadyInUse_ExitsWith2AndOneLineNoStackTrace()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;

        await using var app = AppProcess.Start(port);
        var exit = await app.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(2, exit);
        var line = Assert.Single(app.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("reviewbot-app: error: the server could not start:", line, StringComparison.Ordinal);
        Assert.Contains(port.ToString(System.Globalization.CultureInfo.InvariantCulture), line, StringComparison.Ordinal);
        Assert.Contains("in use", line, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("   at ", app.Stdout + app.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Main_AddressThatCannotBeBound_ExitsWith2AndOneLine()
    {
        // 192.0.2.1 (TEST-NET-1) is on no interface of this machine: binding to it fails.
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "ReviewBot.App.dll"), "--urls", "http://192.0.2.1:8080"])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in TestServer.Environment())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(2, process.ExitCode);
        var line = Assert.Single((await stderr).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("reviewbot-app: error: the server could not start:", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", await stdout, StringComparison.Ordinal);
    }
}
