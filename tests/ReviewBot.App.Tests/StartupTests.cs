using System.Diagnostics;
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
}
